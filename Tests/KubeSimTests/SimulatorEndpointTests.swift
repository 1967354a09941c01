import Foundation
import KubeSim
import Reloader
import TestSupport
import Testing

/// The `/sim/...` endpoints over real sockets, with curl as the client.
@Suite("kube-sim test endpoints", .serialized)
struct SimulatorEndpointTests {
    private func curl(
        _ harness: KubectlHarness, _ method: String, _ path: String, body: String? = nil, http2: Bool = false,
        headers: [String] = ["Content-Type: application/json"]
    ) throws -> Curl.Response {
        var bodyFile: String?
        if let body {
            bodyFile = harness.directory.file("body-\(UUID().uuidString.prefix(6)).json")
            try body.write(toFile: bodyFile!, atomically: true, encoding: .utf8)
        }
        return try Curl.request(
            harness.server.url + path, method: method, bodyFile: bodyFile, caPath: harness.server.caPath, http2: http2,
            headers: headers)
    }

    @Test("a 429 fault answers a Status with Retry-After for `count` requests, then the API answers again")
    func statusFault() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let fault =
            #"{"verb":"list","resource":"configmaps","kind":"status","status":429,"retryAfterSeconds":1,"count":1}"#
        #expect(try curl(harness, "POST", "/sim/faults", body: fault).status == 201)
        let limited = try curl(harness, "GET", "/api/v1/namespaces/default/configmaps")
        #expect(limited.status == 429)
        let status = try JSONValue.parse(limited.body)
        #expect(status["kind"] == "Status" && status["reason"] == "TooManyRequests")
        #expect(status[path: ["details", "retryAfterSeconds"]] == 1)
        #expect(try curl(harness, "GET", "/api/v1/namespaces/default/configmaps").status == 200)
    }

    @Test("a fault with a userAgent prefix hits only that client's requests, and only they use up its count")
    func userAgentFault() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let fault = #"{"verb":"get","resource":"namespaces","userAgent":"reloader/","kind":"status","count":1}"#
        #expect(try curl(harness, "POST", "/sim/faults", body: fault).status == 201)
        let path = "/api/v1/namespaces/default"
        #expect(try curl(harness, "GET", path, headers: ["User-Agent: kubectl/v1.32.0"]).status == 200)
        #expect(try curl(harness, "GET", path).status == 200, "curl's own User-Agent")
        #expect(try curl(harness, "GET", path, headers: ["User-Agent: reloader/1.0"]).status == 503)
        #expect(try curl(harness, "GET", path, headers: ["User-Agent: reloader/1.0"]).status == 200)
    }

    @Test("a drop fault closes the connection without an answer, over HTTP/1.1 and HTTP/2", arguments: [false, true])
    func dropFault(http2: Bool) throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let fault = #"{"verb":"get","resource":"*","kind":"drop","count":1}"#
        #expect(try curl(harness, "POST", "/sim/faults", body: fault).status == 201)
        #expect(throws: ProcessFailed.self) {
            try curl(harness, "GET", "/api/v1/namespaces/default", http2: http2)
        }
        #expect(try curl(harness, "GET", "/api/v1/namespaces/default", http2: http2).status == 200)
        #expect(try curl(harness, "DELETE", "/sim/faults").status == 200)
    }

    @Test("/sim/compact expires a continue token: 410 Expired")
    func compactExpiresTokens() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let first = try JSONValue.parse(try curl(harness, "GET", "/api/v1/namespaces?limit=1").body)
        let token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
        #expect(try curl(harness, "POST", "/sim/compact").status == 200)
        let expired = try curl(harness, "GET", "/api/v1/namespaces?limit=1&continue=\(token)")
        #expect(expired.status == 410)
        #expect(try JSONValue.parse(expired.body)["reason"] == "Expired")
    }

    @Test(
        "errors are metav1 Status bodies",
        arguments: [
            ("GET", "/api/v1/namespaces/default/configmaps/missing", 404, "NotFound"),
            ("GET", "/apis/apps/v1/nosuchthings", 404, "NotFound"),
            ("PUT", "/api/v1/namespaces/default/configmaps", 405, "MethodNotAllowed"),
            ("GET", "/api/v1/namespaces/default/configmaps?watch=true", 405, "MethodNotAllowed"),
        ])
    func statusErrors(method: String, path: String, code: Int, reason: String) throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let response = try curl(harness, method, path)
        #expect(response.status == code)
        let status = try JSONValue.parse(response.body)
        #expect(status["kind"] == "Status" && status["apiVersion"] == "v1" && status["status"] == "Failure")
        #expect(status["reason"]?.stringValue == reason && status["code"]?.intValue == code)
    }
}
