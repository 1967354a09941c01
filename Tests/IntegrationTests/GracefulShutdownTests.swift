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
        // While draining, probes still get answers: not ready, but alive.
        let readyz = try await offPool {
            try Curl.request(reloader.metricsURL + "/readyz", method: "GET", caPath: nil, http2: false, headers: [])
        }
        #expect(readyz.status == 503)
        let healthz = try await offPool {
            try Curl.request(reloader.metricsURL + "/healthz", method: "GET", caPath: nil, http2: false, headers: [])
        }
        #expect(healthz.status == 200)

        try inFlight.send(Array(body[half...]))
        let response = try inFlight.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["connection"] == "close", "a draining server should announce the close")
        let problem = admissionProblem(in: response.body, expectedUID: uid)
        #expect(problem == nil, "\(problem ?? "")")

        #expect(idle.readUntilClosed().closed, "the idle keep-alive connection was not closed by the server")

        let status = try await reloader.waitForExit(within: .seconds(grace + 2))
        #expect(status == 0, "stderr:\n\(reloader.stderr)")
    }

    @Test("SIGTERM lets a slow curl upload in flight finish with 200", arguments: WireProtocol.allCases)
    func slowUploadCompletes(wire: WireProtocol) async throws {
        let reloader = try await ReloaderProcess.start(["--shutdown-grace-period=20s"])
        defer { reloader.cleanup() }
        let generated = try TemporaryDirectory("large-fixtures")
        defer { generated.remove() }
        let fixture = try SharedFixtures.generateLarge(in: generated).appendingPathComponent(
            "configmap-update-64k.json")
        let uid = try SharedFixtures.requestUID(of: fixture)
        let trace = generated.file("curl-trace")
        let arguments = [
            "-sS", wire.isHTTP2 ? "--http2" : "--http1.1", "--cacert", reloader.certificates.caPath,
            "--limit-rate", "100k", "--max-time", "20", "-H", "Content-Type: application/json",
            "--data-binary", "@\(fixture.path)", "-o", generated.file("body"), "-w", "%{http_code} %{http_version}",
            "--trace-ascii", trace, reloader.webhookURL + "/validate",
        ]
        // About 130 KiB at 100 KiB/s: the upload is still running when SIGTERM arrives.
        async let curl = offPool { try ProcessRunner.run("/usr/bin/curl", arguments, check: false) }
        try await waitUntil(timeout: .seconds(10), "curl starts sending the body") {
            ((try? String(contentsOfFile: trace, encoding: .utf8)) ?? "").contains("=> Send data")
        }
        reloader.signal(SIGTERM)

        let result = try await curl
        #expect(result.stdout == "200 \(wire.curlVersion)", "curl: \(result.stdout) \(result.stderr)")
        let body = (try? String(contentsOfFile: generated.file("body"), encoding: .utf8)) ?? ""
        let problem = admissionProblem(in: body, expectedUID: uid)
        #expect(problem == nil, "\(problem ?? "")")
        let status = try await reloader.waitForExit(within: .seconds(22))
        #expect(status == 0, "stderr:\n\(reloader.stderr)")
    }

    @Test("SIGTERM and SIGINT stop an idle server with exit status 0", arguments: [SIGTERM, SIGINT])
    func idleServerStops(signal: Int32) async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        reloader.signal(signal)
        let status = try await reloader.waitForExit(within: .seconds(10))
        #expect(status == 0, "stderr:\n\(reloader.stderr)")
        #expect(reloader.stderr.contains("stopped"), "stderr:\n\(reloader.stderr)")
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
