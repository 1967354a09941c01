import Foundation
import TestSupport
import Testing

/// `--max-connections` of the `reloader` executable, from raw clients.
@Suite("reloader connection limit")
struct ConnectionLimitTests {
    @Test("--max-connections=2 closes a third connection at accept, counts it, and accepts again once one closes")
    func thirdConnectionIsRejected() async throws {
        let reloader = try await ReloaderProcess.start(["--max-connections=2"])
        defer { reloader.cleanup() }
        var first: TLSTestClient? = try TLSTestClient(port: reloader.webhookPort, receiveTimeout: 5)
        let second = try TLSTestClient(port: reloader.webhookPort, receiveTimeout: 5)
        #expect(first?.negotiatedProtocol == "http/1.1")
        #expect(second.negotiatedProtocol == "http/1.1")

        let third = try TLSTestClient(port: reloader.webhookPort, tls: false, receiveTimeout: 5)
        let answer = third.readUntilClosed()
        #expect(answer.closed && answer.bytes.isEmpty, "the third connection was not closed at once")
        let response = try await Curl.perform(
            reloader.metricsURL + "/metrics", method: "GET", caPath: nil, http2: false, headers: [])
        let rejected = PrometheusText(response.body).values("reloader_rejected_connections_total")
            .filter { $0.labels.contains("reason=\"connection_limit\"") }
        #expect(rejected.first?.value ?? 0 >= 1, "rejections: \(rejected)")

        first = nil  // closes it
        let fixture = SharedFixtures.admission.appendingPathComponent("configmap-create.json")
        try await waitUntil(timeout: .seconds(5), "openConnections drops to 1 after a client left") {
            try await openConnections(of: reloader) == 1
        }
        try await expectAllowed(fixture, by: reloader, over: .http2)
        withExtendedLifetime(second) {}
    }
}
