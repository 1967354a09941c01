import Foundation
import TestSupport
import Testing

/// The `reloader` executable's /validate over TLS, with curl as the independent client, one process per test.
@Suite("reloader /validate through curl")
struct AdmissionEndpointTests {
    @Test(
        "every shared AdmissionReview fixture is allowed, echoing its uid",
        arguments: SharedFixtures.reviews, WireProtocol.allCases)
    func fixtureIsAllowed(fixture: String, wire: WireProtocol) async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        try await expectAllowed(SharedFixtures.admission.appendingPathComponent(fixture), by: reloader, over: wire)
    }

    @Test(
        "the generated 64 KiB ConfigMap and 1 MiB Secret reviews are allowed",
        arguments: WireProtocol.allCases)
    func largeFixturesAreAllowed(wire: WireProtocol) async throws {
        let generated = try TemporaryDirectory("large-fixtures")
        defer { generated.remove() }
        let folder = try SharedFixtures.generateLarge(in: generated)
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        for name in ["configmap-update-64k.json", "secret-update-1m.json"] {
            try await expectAllowed(folder.appendingPathComponent(name), by: reloader, over: wire)
        }
    }

    @Test(
        "a malformed body gets 400 with a JSON error, and the server still answers afterwards",
        arguments: SharedFixtures.malformedBodies, WireProtocol.allCases)
    func malformedBodyIsRejected(fixture: String, wire: WireProtocol) async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        let response = try await Curl.perform(
            reloader.webhookURL + "/validate", bodyFile: SharedFixtures.malformed.appendingPathComponent(fixture).path,
            caPath: reloader.certificates.caPath, http2: wire.isHTTP2)
        #expect(response.status == 400)
        #expect(response.httpVersion == wire.curlVersion)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        let error = object?["error"] as? String
        #expect(error?.isEmpty == false, "body has no \"error\" string: \(response.body.prefix(300))")

        try await expectAllowed(
            SharedFixtures.admission.appendingPathComponent("configmap-update.json"), by: reloader, over: wire)
    }

    // HTTP/1.1 only: over HTTP/2 the server answers 413 and then resets the stream with NO_ERROR (RFC 9113 §8.1,
    // checked with nghttp), which curl 7.88 reports as error 92 instead of showing the answer.
    @Test(
        "a body over the 4 MiB limit gets 413 with a JSON error over HTTP/1.1, and the server still answers afterwards")
    func oversizedBodyIsRejected() async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        let directory = try TemporaryDirectory("oversized")
        defer { directory.remove() }
        let body = directory.file("body.json")
        try Data(repeating: 0x20, count: 4 * 1024 * 1024 + 1).write(to: URL(fileURLWithPath: body))
        let response = try await Curl.perform(
            reloader.webhookURL + "/validate", bodyFile: body, caPath: reloader.certificates.caPath, http2: false)
        #expect(response.status == 413)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        #expect((object?["error"] as? String)?.isEmpty == false, "body: \(response.body.prefix(300))")

        try await expectAllowed(
            SharedFixtures.admission.appendingPathComponent("configmap-update.json"), by: reloader, over: .http1)
    }

    @Test(
        "wrong method, unknown path and wrong content type get 405, 404 and 415",
        arguments: [
            RouteCase(method: "GET", path: "/validate", contentType: "application/json", status: 405),
            RouteCase(method: "POST", path: "/nope", contentType: "application/json", status: 404),
            RouteCase(method: "POST", path: "/validate", contentType: "text/plain", status: 415),
        ], WireProtocol.allCases)
    func routingErrors(route: RouteCase, wire: WireProtocol) async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        let body =
            route.method == "POST" ? SharedFixtures.admission.appendingPathComponent("configmap-update.json").path : nil
        let response = try await Curl.perform(
            reloader.webhookURL + route.path, method: route.method, bodyFile: body,
            caPath: reloader.certificates.caPath,
            http2: wire.isHTTP2, headers: ["Content-Type: \(route.contentType)"])
        #expect(response.status == route.status, "body: \(response.body.prefix(300))")
        #expect(response.httpVersion == wire.curlVersion)
    }
}

struct RouteCase: Sendable, CustomTestStringConvertible {
    let method: String
    let path: String
    let contentType: String
    let status: Int
    var testDescription: String { "\(method) \(path) (\(contentType)) → \(status)" }
}

/// Posts `file` to /validate and expects a 200 AdmissionReview allowing it, over the negotiated protocol.
func expectAllowed(
    _ file: URL, by reloader: ReloaderProcess, over wire: WireProtocol,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let uid = try SharedFixtures.requestUID(of: file)
    let response = try await Curl.perform(
        reloader.webhookURL + "/validate", bodyFile: file.path, caPath: reloader.certificates.caPath,
        http2: wire.isHTTP2)
    #expect(
        response.status == 200, "\(file.lastPathComponent): \(response.body.prefix(300))",
        sourceLocation: sourceLocation)
    #expect(response.httpVersion == wire.curlVersion, "\(file.lastPathComponent)", sourceLocation: sourceLocation)
    let problem = admissionProblem(in: response.body, expectedUID: uid)
    #expect(problem == nil, "\(file.lastPathComponent): \(problem ?? "")", sourceLocation: sourceLocation)
}
