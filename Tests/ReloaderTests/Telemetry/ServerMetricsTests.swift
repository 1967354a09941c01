import Testing
import WebhookServer

@testable import Reloader

@Suite("ServerMetrics")
struct ServerMetricsTests {
    @Test("requests are counted by path, code and method")
    func requestsCounted() {
        let metrics = ServerMetrics()
        metrics.requestCompleted(
            method: "POST", path: "/validate", status: 200, version: .http2, duration: .microseconds(300))
        metrics.requestCompleted(
            method: "POST", path: "/validate", status: 200, version: .http1_1, duration: .milliseconds(3))
        metrics.requestCompleted(
            method: "POST", path: "/validate", status: 400, version: .http2, duration: .microseconds(50))
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"reloader_http_requests_total{path="/validate",code="200",method="POST"} 2"#))
        #expect(lines.contains(#"reloader_http_requests_total{path="/validate",code="400",method="POST"} 1"#))
        #expect(lines.contains("# TYPE reloader_http_requests_total counter"))
        #expect(lines.contains("# TYPE reloader_http_request_duration_seconds histogram"))
        #expect(lines.contains(#"reloader_http_request_duration_seconds_bucket{path="/validate",le="0.0001"} 1"#))
        #expect(lines.contains(#"reloader_http_request_duration_seconds_bucket{path="/validate",le="0.0005"} 2"#))
        #expect(lines.contains(#"reloader_http_request_duration_seconds_bucket{path="/validate",le="0.005"} 3"#))
        #expect(lines.contains(#"reloader_http_request_duration_seconds_bucket{path="/validate",le="+Inf"} 3"#))
        #expect(lines.contains(#"reloader_http_request_duration_seconds_count{path="/validate"} 3"#))
        #expect(lines.contains(#"reloader_http_request_duration_seconds_sum{path="/validate"} 0.00335"#))
    }

    @Test("unknown paths and methods collapse into one label value")
    func boundedLabels() {
        let metrics = ServerMetrics()
        for index in 0..<50 {
            metrics.requestCompleted(
                method: "BREW\(index)", path: "/scan/\(index)", status: 404, version: .http1_1, duration: .zero)
        }
        metrics.requestCompleted(method: "GET", path: "/validate?x", status: 9999, version: .http1_1, duration: .zero)
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"reloader_http_requests_total{path="other",code="404",method="OTHER"} 50"#))
        #expect(lines.contains(#"reloader_http_requests_total{path="other",code="other",method="GET"} 1"#))
        #expect(lines.contains(#"reloader_http_request_duration_seconds_count{path="other"} 51"#))
        // Two series from these requests, plus the pre-registered POST /validate 200 (at 0).
        #expect(lines.filter { $0.hasPrefix("reloader_http_requests_total{") }.count == 3)
        #expect(lines.contains(#"reloader_http_requests_total{path="/validate",code="200",method="POST"} 0"#))
        #expect(!metrics.render().contains("/scan/"))
    }

    @Test("connections, rejections, handshakes and certificate reloads")
    func connectionEvents() {
        let metrics = ServerMetrics()
        metrics.connectionOpened()
        metrics.connectionOpened()
        metrics.connectionOpened()
        metrics.connectionClosed()
        metrics.connectionRejected(reason: .connectionLimit)
        metrics.connectionRejected(reason: .connectionLimit)
        metrics.tlsHandshakeFailed()
        metrics.certificateReloaded(succeeded: true, notAfter: 1_800_000_000)
        metrics.certificateReloaded(succeeded: false, notAfter: nil)
        metrics.certificateReloaded(succeeded: false, notAfter: nil)
        let lines = Self.lines(metrics)
        #expect(lines.contains("reloader_open_connections 2.0"))
        #expect(lines.contains(#"reloader_rejected_connections_total{reason="connection_limit"} 2"#))
        #expect(lines.contains(#"reloader_rejected_connections_total{reason="shutting_down"} 0"#))
        #expect(lines.contains("reloader_tls_handshake_failures_total 1"))
        #expect(lines.contains(#"reloader_certificate_reloads_total{result="success"} 1"#))
        #expect(lines.contains(#"reloader_certificate_reloads_total{result="failure"} 2"#))
        #expect(lines.contains("reloader_serving_certificate_not_after_seconds 1800000000.0"))
    }

    @Test("every series is declared before any event, so rates start from zero")
    func declaredUpFront() {
        let lines = Self.lines(ServerMetrics())
        for name in [
            "reloader_http_request_duration_seconds", "reloader_open_connections",
            "reloader_rejected_connections_total", "reloader_tls_handshake_failures_total",
            "reloader_certificate_reloads_total", "reloader_serving_certificate_not_after_seconds",
        ] {
            #expect(lines.contains { $0.hasPrefix("# TYPE \(name) ") }, "\(name) is missing")
            #expect(lines.contains { $0.hasPrefix("# HELP \(name) ") }, "\(name) has no help")
        }
    }

    @Test("concurrent events are all counted")
    func concurrentEvents() async {
        let metrics = ServerMetrics()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 {
                        metrics.connectionOpened()
                        metrics.requestCompleted(
                            method: "POST", path: "/validate", status: 200, version: .http2, duration: .microseconds(1))
                        _ = metrics.render()
                        metrics.connectionClosed()
                    }
                }
            }
        }
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"reloader_http_requests_total{path="/validate",code="200",method="POST"} 8000"#))
        #expect(lines.contains("reloader_open_connections 0.0"))
    }

    static func lines(_ metrics: ServerMetrics) -> [String] {
        metrics.render().split(separator: "\n").map(String.init)
    }
}
