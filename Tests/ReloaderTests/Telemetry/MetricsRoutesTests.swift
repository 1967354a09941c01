import Synchronization
import Testing
import WebhookServer

@testable import Reloader

@Suite("metrics listener routes")
struct MetricsRoutesTests {
    @Test("/readyz follows the readiness closure")
    func readiness() {
        let ready = Atomic<Bool>(false)
        let router = MetricsRoutes.makeRouter(metrics: ServerMetrics(), isReady: { ready.load(ordering: .relaxed) })
        let notReady = router.handle(HTTPRequest(method: "GET", path: "/readyz"))
        #expect(notReady.status == 503)
        #expect(notReady.body == Array("not ready".utf8))
        ready.store(true, ordering: .relaxed)
        let isReady = router.handle(HTTPRequest(method: "GET", path: "/readyz"))
        #expect(isReady.status == 200)
        #expect(isReady.body == Array("ready".utf8))
    }

    @Test("liveness and health answer 200", arguments: [("/healthz", "ok"), ("/live", "alive")])
    func probes(path: String, body: String) {
        let response = MetricsRoutes.makeRouter(metrics: ServerMetrics(), isReady: { false })
            .handle(HTTPRequest(method: "GET", path: path))
        #expect(response.status == 200)
        #expect(response.body == Array(body.utf8))
    }

    @Test("/metrics serves the registry in the text format")
    func metrics() {
        let metrics = ServerMetrics()
        metrics.tlsHandshakeFailed()
        let response = MetricsRoutes.makeRouter(metrics: metrics, isReady: { true })
            .handle(HTTPRequest(method: "GET", path: "/metrics"))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.split(separator: "\n").contains("reloader_tls_handshake_failures_total 1"))
    }

    @Test("other methods and paths are refused")
    func refused() {
        let router = MetricsRoutes.makeRouter(metrics: ServerMetrics(), isReady: { true })
        #expect(router.handle(HTTPRequest(method: "POST", path: "/metrics")).status == 405)
        #expect(router.handle(HTTPRequest(method: "GET", path: "/validate")).status == 404)
    }
}
