import Foundation
import Logging
import TestSupport
import Testing
import WebhookServer

@testable import Reloader

/// KubeClient's pagination, retries, rate limit and token handling against a fake API server.
@Suite("KubeClient reliability")
struct KubeClientReliabilityTests {
    static let configMaps = ResourcePath(resource: "configmaps", namespace: "a")

    static func page(_ items: [Int], continue token: String?, resourceVersion: String = "10") -> HTTPResponse {
        let list = items.map { #"{"metadata":{"name":"cm-\#($0)"}}"# }.joined(separator: ",")
        let next = token.map { #","continue":"\#($0)""# } ?? ""
        return .json(
            200,
            #"{"kind":"ConfigMapList","metadata":{"resourceVersion":"\#(resourceVersion)"\#(next)},"items":[\#(list)]}"#
        )
    }

    static func names(_ items: [JSONValue]) -> [String] {
        items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
    }

    @Test("listAll follows continue tokens over 3 pages")
    func pagination() throws {
        let fake = try FakeAPIServer { request, _ in
            switch request.query ?? "" {
            case "limit=2": Self.page([1, 2], continue: "p2")
            case "limit=2&continue=p2": Self.page([3, 4], continue: "p3")
            case "limit=2&continue=p3": Self.page([5], continue: nil, resourceVersion: "12")
            default: .status(400, "BadRequest", "unexpected query")
            }
        }
        defer { fake.stop() }
        let result = try fake.client().listAll(Self.configMaps, pageSize: 2)
        #expect(Self.names(result.items) == ["cm-1", "cm-2", "cm-3", "cm-4", "cm-5"])
        #expect(result.resourceVersion == "12")
        #expect(fake.requests.count == 3)
    }

    @Test("an expired continue token (410) restarts the list from the first page once")
    func expiredContinue() throws {
        let fake = try FakeAPIServer { request, index in
            switch (request.query ?? "", index) {
            case ("labelSelector=app%3Dweb&limit=2", 0): Self.page([1, 2], continue: "old")
            case (_, 1): .status(410, "Expired", "The provided continue parameter is too old")
            case ("labelSelector=app%3Dweb&limit=2", 2): Self.page([1, 2], continue: "new")
            case ("labelSelector=app%3Dweb&limit=2&continue=new", 3):
                Self.page([3], continue: nil, resourceVersion: "20")
            default: .status(400, "BadRequest", "unexpected request \(index)")
            }
        }
        defer { fake.stop() }
        let result = try fake.client().listAll(Self.configMaps, labelSelector: "app=web", pageSize: 2)
        #expect(Self.names(result.items) == ["cm-1", "cm-2", "cm-3"])
        #expect(result.resourceVersion == "20")
        #expect(fake.requests.count == 4)
    }

    @Test("a second expiry is an error, not an endless loop")
    func expiredTwice() throws {
        let fake = try FakeAPIServer { request, _ in
            request.query?.contains("continue") == true
                ? .status(410, "Expired", "too old") : Self.page([1], continue: "c")
        }
        defer { fake.stop() }
        #expect {
            _ = try fake.client().listAll(Self.configMaps, pageSize: 1)
        } throws: { ($0 as? KubeClientError)?.apiError?.isExpired == true }
        #expect(fake.requests.count == 4)
    }

    @Test("429 with Retry-After is retried after the given seconds, then succeeds")
    func tooManyRequests() throws {
        let fake = try FakeAPIServer { _, index in
            index < 2
                ? .text(429, "Too many requests, please try again later.").adding("retry-after", "3") : .json(200, "{}")
        }
        defer { fake.stop() }
        let sleeper = Sleeper()
        let observer = RecordingObserver()
        // POST too: a 429 is answered before the request is processed.
        _ = try fake.client(sleeper: sleeper, observer: observer).create(Self.configMaps, ["metadata": ["name": "x"]])
        #expect(fake.requests.count == 3)
        #expect(sleeper.recorded == [.seconds(3), .seconds(3)])
        #expect(observer.recorded == ["create 429", "create 429", "create 200"])
    }

    @Test("503 is retried with backoff and then succeeds")
    func serviceUnavailable() throws {
        let fake = try FakeAPIServer { _, index in
            index == 0 ? .status(503, "ServiceUnavailable", "etcd") : .json(200, "{}")
        }
        defer { fake.stop() }
        let sleeper = Sleeper()
        _ = try fake.client(sleeper: sleeper).patch(
            Self.configMaps.named("x"), ["data": ["k": "v"]], type: .merge)
        #expect(fake.requests.count == 2)
        #expect(sleeper.recorded == [.milliseconds(100)])  // base 200 ms · jitter 0.5
    }

    @Test("retries stop after the bound and surface the last error")
    func boundedRetries() throws {
        let fake = try FakeAPIServer { _, _ in .status(500, "InternalError", "boom") }
        defer { fake.stop() }
        let options = KubeClient.Options(retry: RetryPolicy(maximumRetries: 3))
        #expect {
            _ = try fake.client(options: options).get(Self.configMaps.named("x"))
        } throws: {
            ($0 as? KubeClientError)?.apiError == KubeAPIError(code: 500, reason: "InternalError", message: "boom")
        }
        #expect(fake.requests.count == 4)
    }

    @Test("a 404 is not retried")
    func notFound() throws {
        let fake = try FakeAPIServer { _, _ in .status(404, "NotFound", "configmaps \\\"x\\\" not found") }
        defer { fake.stop() }
        let sleeper = Sleeper()
        #expect {
            _ = try fake.client(sleeper: sleeper).get(Self.configMaps.named("x"))
        } throws: { error in
            guard case .api(let apiError, let request) = error as? KubeClientError else { return false }
            return apiError.isNotFound && request == "get /api/v1/namespaces/a/configmaps/x"
        }
        #expect(fake.requests.count == 1)
        #expect(sleeper.recorded.isEmpty)
    }

    @Test("a POST is not retried on 503: it may have been applied")
    func createNotRetriedOn503() throws {
        let fake = try FakeAPIServer { _, _ in .status(503, "ServiceUnavailable", "x") }
        defer { fake.stop() }
        #expect(throws: KubeClientError.self) { try fake.client().create(Self.configMaps, [:]) }
        #expect(fake.requests.count == 1)
    }

    @Test("a closed port is a transport error after bounded retries")
    func connectionRefused() throws {
        let port = try closedPort()
        let sleeper = Sleeper()
        let observer = RecordingObserver()
        var logger = Logger(label: "reloader.kube.test")
        logger.logLevel = .critical
        let client = KubeClient(
            configuration: KubeConfiguration(server: "https://127.0.0.1:\(port)"), transport: CurlTransport(),
            logger: logger, options: .init(retry: RetryPolicy(maximumRetries: 2)), observer: observer,
            sleep: { sleeper.record($0) }, random: { 1 })
        #expect {
            _ = try client.create(Self.configMaps, [:])
        } throws: { error in
            guard case .transport(let transportError, _, let attempts) = error as? KubeClientError else { return false }
            return transportError.kind == .connectionRefused && attempts == 3
        }
        #expect(observer.recorded == ["create 0", "create 0", "create 0"])
        #expect(sleeper.recorded == [.milliseconds(200), .milliseconds(400)])
    }

    @Test("the client-side rate limit spaces requests once the burst is spent")
    func rateLimit() throws {
        let fake = try FakeAPIServer { _, _ in .json(200, "{}") }
        defer { fake.stop() }
        let sleeper = Sleeper()
        let client = fake.client(options: .init(qps: 1, burst: 2), sleeper: sleeper)
        for _ in 0..<4 { _ = try client.get(Self.configMaps.named("x")) }
        // The sleeper does not really wait, so the 3rd and 4th requests reserve tokens 1 s and 2 s ahead.
        #expect(sleeper.recorded.count == 2)
        #expect(sleeper.recorded.allSatisfy { $0 > .milliseconds(500) && $0 <= .seconds(2) })
    }

    @Test("the token file is re-read when it changes, and once after a 401")
    func tokenRotation() throws {
        let fake = try FakeAPIServer { request, _ in
            request.headers["authorization"] == "Bearer t1" || request.headers["authorization"] == "Bearer t2"
                ? .json(200, "{}") : .status(401, "Unauthorized", "Unauthorized")
        }
        defer { fake.stop() }
        let tokenPath = fake.server.directory.file("token")
        try "t1\n".write(toFile: tokenPath, atomically: true, encoding: .utf8)
        let client = fake.client(configuration: fake.configuration(credentials: .tokenFile(path: tokenPath)))
        _ = try client.get(Self.configMaps.named("x"))
        try "t2\n".write(toFile: tokenPath, atomically: true, encoding: .utf8)  // a new inode, as the kubelet's swap
        _ = try client.get(Self.configMaps.named("x"))
        try "t3\n".write(toFile: tokenPath, atomically: true, encoding: .utf8)
        #expect {
            _ = try client.get(Self.configMaps.named("x"))
        } throws: { ($0 as? KubeClientError)?.apiError?.code == 401 }
        let sent = fake.requests.map { $0.headers["authorization"] ?? "-" }
        // The 401 made the client re-read the file and try once more, then give up.
        #expect(sent == ["Bearer t1", "Bearer t2", "Bearer t3", "Bearer t3"])
    }
}

extension HTTPResponse {
    func adding(_ name: String, _ value: String) -> HTTPResponse {
        var copy = self
        copy.headers.add(name: name, value: value)
        return copy
    }
}
