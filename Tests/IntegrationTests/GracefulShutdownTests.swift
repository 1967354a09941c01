import Foundation
import Glibc
import TestSupport
import Testing

/// SIGTERM handling of the `reloader` executable, observed from raw TLS clients.
@Suite("reloader graceful shutdown")
struct GracefulShutdownTests {
    @Test("SIGTERM stops accepting, finishes a request in flight, closes idle keep-alive connections and exits 0")
    func requestInFlightCompletes() async throws {
        let grace = 10
        let reloader = try await ReloaderProcess.start(["--shutdown-grace-period=\(grace)s"])
        defer { reloader.cleanup() }
        let fixture = SharedFixtures.admission.appendingPathComponent("configmap-update.json")
        let body = try Array(Data(contentsOf: fixture))
        let uid = try SharedFixtures.requestUID(of: fixture)

        // An idle keep-alive connection: one answered request, then nothing.
        let idle = try TLSTestClient(port: reloader.webhookPort, receiveTimeout: 5)
        try idle.send(validateHead(contentLength: body.count) + body)
        #expect(try idle.readResponse().status == 200)

        // A request in flight: the head and half of the body.
        let inFlight = try TLSTestClient(port: reloader.webhookPort, receiveTimeout: 10)
        let half = body.count / 2
        try inFlight.send(validateHead(contentLength: body.count) + body[..<half])

        reloader.signal(SIGTERM)
        try await waitUntil(timeout: .seconds(5), "the webhook port refuses new connections after SIGTERM") {
            !canConnect(port: reloader.webhookPort)
        }
        #expect(reloader.isRunning, "reloader exited with a request in flight; stderr:\n\(reloader.stderr)")

        try inFlight.send(Array(body[half...]))
        let response = try inFlight.readResponse()
        #expect(response.status == 200)
        let problem = admissionProblem(in: response.body, expectedUID: uid)
        #expect(problem == nil, "\(problem ?? "")")

        #expect(idle.readUntilClosed().closed, "the idle keep-alive connection was not closed by the server")

        let status = try await reloader.waitForExit(within: .seconds(grace + 2))
        #expect(status == 0, "stderr:\n\(reloader.stderr)")
    }

    @Test("SIGTERM with a request that never finishes still exits 0 soon after the grace period")
    func stuckRequestIsCutAtTheGracePeriod() async throws {
        let reloader = try await ReloaderProcess.start(["--shutdown-grace-period=1s"])
        defer { reloader.cleanup() }
        let body = try Array(Data(contentsOf: SharedFixtures.admission.appendingPathComponent("secret-update.json")))

        let stuck = try TLSTestClient(port: reloader.webhookPort, receiveTimeout: 10)
        try stuck.send(validateHead(contentLength: body.count) + body[..<(body.count / 2)])
        // The server has the connection once it answers something else; make sure it has accepted ours too.
        try await waitUntil(timeout: .seconds(5), "the webhook reports an open connection") {
            try await openConnections(of: reloader) >= 1
        }

        let clock = ContinuousClock()
        let signalled = clock.now
        reloader.signal(SIGTERM)
        let status = try await reloader.waitForExit(within: .seconds(10))
        let elapsed = clock.now - signalled
        #expect(status == 0, "stderr:\n\(reloader.stderr)")
        #expect(elapsed < .seconds(10), "took \(elapsed) to exit")
        #expect(stuck.readUntilClosed().closed, "the stuck connection was not closed")
    }
}

/// The head of an HTTP/1.1 `POST /validate` with a JSON body of `contentLength` bytes.
func validateHead(contentLength: Int) -> [UInt8] {
    Array(
        ("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(contentLength)\r\n\r\n").utf8)
}

/// Whether a TCP connection to 127.0.0.1:`port` is accepted.
func canConnect(port: Int) -> Bool {
    (try? TLSTestClient(port: port, tls: false)) != nil
}

/// `reloader_open_connections` as the metrics listener reports it.
func openConnections(of reloader: ReloaderProcess) async throws -> Double {
    let response = try await Curl.perform(
        reloader.metricsURL + "/metrics", method: "GET", caPath: nil, http2: false, headers: [])
    return PrometheusText(response.body).values("reloader_open_connections").first?.value ?? -1
}
