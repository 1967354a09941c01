import Foundation
import TestSupport
import Testing

/// The plain-HTTP metrics and probe listener of the `reloader` executable.
@Suite("reloader metrics listener")
struct MetricsListenerTests {
    @Test("probes answer 200 over plain HTTP: /healthz says ok, /readyz and /live succeed")
    func probes() async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        let healthz = try await get(reloader.metricsURL + "/healthz")
        #expect(healthz.status == 200)
        #expect(healthz.body.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        #expect(try await get(reloader.metricsURL + "/readyz").status == 200)
        #expect(try await get(reloader.metricsURL + "/live").status == 200)
    }

    @Test("/metrics counts /validate requests and exposes open connections and the certificate expiry")
    func metricsExposition() async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        try await expectAllowed(
            SharedFixtures.admission.appendingPathComponent("secret-update.json"), by: reloader, over: .http1)

        let response = try await get(reloader.metricsURL + "/metrics")
        #expect(response.status == 200)
        let samples = PrometheusText(response.body)

        let validate = samples.values("reloader_http_requests_total").filter {
            $0.labels.contains("path=\"/validate\"")
        }
        #expect(!validate.isEmpty, "no reloader_http_requests_total sample for /validate in:\n\(response.body)")
        #expect(validate.contains { $0.labels.contains("code=\"200\"") && $0.value >= 1 })

        #expect(!samples.values("reloader_open_connections").isEmpty, "no reloader_open_connections sample")

        let notAfter = samples.values("reloader_serving_certificate_not_after_seconds")
        #expect(notAfter.count == 1, "reloader_serving_certificate_not_after_seconds samples: \(notAfter)")
        let now = Date().timeIntervalSince1970
        #expect(
            (notAfter.first?.value ?? 0) > now, "certificate expiry \(notAfter.first?.value ?? 0) is not after \(now)")
    }

    private func get(_ url: String) async throws -> Curl.Response {
        try await Curl.perform(url, method: "GET", caPath: nil, http2: false, headers: [])
    }
}

/// Just enough of the Prometheus text format for assertions: samples by metric name.
struct PrometheusText {
    struct Sample: CustomStringConvertible {
        let labels: String
        let value: Double
        var description: String { "{\(labels)} \(value)" }
    }

    private var samples: [String: [Sample]] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            let name: Substring
            let labels: Substring
            if let brace = series.firstIndex(of: "{") {
                name = series[..<brace]
                labels = series[series.index(after: brace)...].dropLast()
            } else {
                name = series
                labels = ""
            }
            samples[String(name), default: []].append(Sample(labels: String(labels), value: value))
        }
    }

    func values(_ name: String) -> [Sample] { samples[name] ?? [] }
}
