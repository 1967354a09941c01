internal import CNghttp2
import Synchronization
import Testing

@testable import WebhookServer

/// Records every request it handles and answers with `respond`. Thread-safe: one Mutex, test-only.
final class RecordingHandler: HTTPHandler {
    let requests = Mutex<[HTTPRequest]>([])
    let respond: @Sendable (HTTPRequest) -> HTTPResponse

    init(_ respond: @escaping @Sendable (HTTPRequest) -> HTTPResponse = { _ in .text(200, "ok") }) {
        self.respond = respond
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        requests.withLock { $0.append(request) }
        return respond(request)
    }
}

/// Keeps `requestCompleted` calls. Thread-safe: one Mutex, test-only.
final class RecordingObserver: ServerObserver {
    struct Completion: Equatable {
        var method: String
        var path: String
        var status: Int
        var version: HTTPVersion
    }
    let completions = Mutex<[Completion]>([])

    func requestCompleted(method: String, path: String, status: Int, version: HTTPVersion, duration: Duration) {
        completions.withLock { $0.append(Completion(method: method, path: path, status: status, version: version)) }
    }
    func connectionOpened() {}
    func connectionClosed() {}
    func connectionRejected(reason: ConnectionRejection) {}
    func tlsHandshakeFailed() {}
    func certificateReloaded(succeeded: Bool, notAfter: Double?) {}
}

@Suite struct HTTP2SessionTests {
    static func smallLimits() -> ServerLimits {
        var limits = ServerLimits()
        limits.maxBodyBytes = 1024
        limits.maxHeaderBytes = 1024
        return limits
    }

    @Test("a POST reaches the handler whole and its response reaches the client")
    func postRoundTrip() throws {
        let handler = RecordingHandler { request in
            var response = HTTPResponse.text(201, "got \(request.body.count) bytes")
            response.headers.add(name: "x-echo", value: request.headers["x-request-id"] ?? "")
            return response
        }
        let server = try HTTP2Session(handler: handler, limits: ServerLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        let id = client.request(
            "POST", "/validate?timeout=10s",
            headers: [("content-type", "application/json"), ("x-request-id", "abc"), ("cookie", "a=1")],
            body: Array(#"{"kind":"AdmissionReview"}"#.utf8))
        #expect(client.exchange(with: server))

        let requests = handler.requests.withLock { $0 }
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/validate")
        #expect(request.query == "timeout=10s")
        #expect(request.version == .http2)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["x-request-id"] == "abc")
        #expect(request.headers["cookie"] == "a=1")
        #expect(!request.headers.contains { $0.name.hasPrefix(":") })
        #expect(request.body == Array(#"{"kind":"AdmissionReview"}"#.utf8))

        let response = try #require(client.responses[id])
        #expect(response.status == 201)
        #expect(response.header("x-echo") == "abc")
        #expect(response.header("content-type") == "text/plain; charset=utf-8")
        #expect(response.header("content-length") == "12")
        #expect(response.bodyText == "got 26 bytes")
        #expect(response.closeCode == 0)
        #expect(!server.hasOpenStreams)
    }

    @Test("two concurrent streams on one connection are both answered")
    func concurrentStreams() throws {
        let handler = RecordingHandler { .text(200, "echo \($0.path)") }
        let server = try HTTP2Session(handler: handler, limits: ServerLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        let first = client.request("POST", "/one", body: Array("1".utf8))
        let second = client.request("GET", "/two")
        client.exchange(with: server)
        #expect(client.responses[first]?.bodyText == "echo /one")
        #expect(client.responses[second]?.bodyText == "echo /two")
        #expect(client.responses[first]?.status == 200)
        #expect(client.responses[second]?.status == 200)
        #expect(handler.requests.withLock { $0.count } == 2)
    }

    @Test("a 1.5 MiB body arrives intact through flow control")
    func largeBody() throws {
        let handler = RecordingHandler()
        let server = try HTTP2Session(handler: handler, limits: ServerLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        let body = (0..<(3 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let id = client.request("POST", "/upload", body: body)
        client.exchange(with: server)
        #expect(client.responses[id]?.status == 200)
        let received = handler.requests.withLock { $0.first?.body }
        #expect(received?.count == body.count)
        #expect(received == body)
    }

    @Test("a body over the limit gets 413 and the connection serves the next stream")
    func bodyTooLarge() throws {
        let handler = RecordingHandler()
        let observer = RecordingObserver()
        let server = try HTTP2Session(handler: handler, limits: Self.smallLimits(), observer: observer)
        let client = HTTP2TestClient()
        let tooLarge = client.request("POST", "/validate", body: [UInt8](repeating: 7, count: 5000))
        #expect(client.exchange(with: server))
        let response = try #require(client.responses[tooLarge])
        #expect(response.status == 413)
        #expect(response.bodyText.contains("error"))
        // A complete answer, then RST_STREAM(NO_ERROR) to stop the upload (RFC 9113 §8.1).
        #expect(response.closeCode == 0)
        #expect(handler.requests.withLock { $0.isEmpty })

        let next = client.request("POST", "/validate", body: [UInt8](repeating: 1, count: 1000))
        #expect(client.exchange(with: server))
        #expect(client.responses[next]?.status == 200)
        #expect(handler.requests.withLock { $0.first?.body.count } == 1000)
        #expect(observer.completions.withLock { $0.map(\.status) } == [413, 200])
        #expect(!server.hasOpenStreams)
        #expect(!server.isFinished)
    }

    @Test("bodies buffered across a connection's streams are bounded: over the budget is 503, and it frees up")
    func connectionBudget() throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 4000
        limits.maxBufferedBodyBytesPerConnection = 1000
        let handler = RecordingHandler()
        let server = try HTTP2Session(handler: handler, limits: limits, observer: NoServerObserver())
        let client = HTTP2TestClient()
        let over = client.request("POST", "/validate", body: [UInt8](repeating: 7, count: 1500))
        #expect(client.exchange(with: server))
        #expect(client.responses[over]?.status == 503)
        #expect(server.bufferedBodyBytes == 0)
        let within = client.request("POST", "/validate", body: [UInt8](repeating: 1, count: 900))
        #expect(client.exchange(with: server))
        #expect(client.responses[within]?.status == 200)
        #expect(handler.requests.withLock { $0.map(\.body.count) } == [900])
        #expect(server.bufferedBodyBytes == 0)
    }

    @Test("an upload cut off by the body limit is answered 413 then reset with NO_ERROR")
    func uploadCutOff() throws {
        let handler = RecordingHandler()
        let server = try HTTP2Session(handler: handler, limits: Self.smallLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        // More than the 64 KiB first flight, so the limit is crossed while the client is still sending.
        let id = client.request("POST", "/validate", body: [UInt8](repeating: 7, count: 300_000))
        #expect(client.exchange(with: server))
        #expect(client.responses[id]?.status == 413)
        #expect(client.responses[id]?.closeCode == 0)
        #expect(handler.requests.withLock { $0.isEmpty })
        #expect(server.trackedStreamCount == 0)
        let next = client.request("GET", "/healthz")
        #expect(client.exchange(with: server))
        #expect(client.responses[next]?.status == 200)
        #expect(server.trackedStreamCount == 0)
    }

    @Test("a declared content-length over the limit gets 413 before any DATA is kept")
    func declaredLengthTooLarge() throws {
        let handler = RecordingHandler()
        let server = try HTTP2Session(handler: handler, limits: Self.smallLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        let id = client.request(
            "POST", "/validate", headers: [("content-length", "3000")], body: [UInt8](repeating: 7, count: 3000))
        #expect(client.exchange(with: server))
        #expect(client.responses[id]?.status == 413)
        #expect(handler.requests.withLock { $0.isEmpty })
        let next = client.request("GET", "/healthz")
        client.exchange(with: server)
        #expect(client.responses[next]?.status == 200)
    }

    @Test("oversized headers get 431 and the connection serves the next stream")
    func headersTooLarge() throws {
        let handler = RecordingHandler()
        let observer = RecordingObserver()
        let server = try HTTP2Session(handler: handler, limits: Self.smallLimits(), observer: observer)
        let client = HTTP2TestClient()
        let big = String(repeating: "x", count: 4000)
        let rejected = client.request("POST", "/validate", headers: [("x-big", big)], body: Array("{}".utf8))
        #expect(client.exchange(with: server))
        #expect(client.responses[rejected]?.status == 431)
        #expect(client.responses[rejected]?.closeCode == 0)
        #expect(handler.requests.withLock { $0.isEmpty })

        let next = client.request("GET", "/healthz")
        #expect(client.exchange(with: server))
        #expect(client.responses[next]?.status == 200)
        #expect(observer.completions.withLock { $0.map(\.status) } == [431, 200])
    }

    @Test("a header field past HPACK's 64 KiB field bound ends the stream or connection without a crash")
    func hugeHeaderField() throws {
        let handler = RecordingHandler()
        let server = try HTTP2Session(handler: handler, limits: ServerLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        let id = client.request("GET", "/", headers: [("x-huge", String(repeating: "y", count: 100_000))])
        // nghttp2's HPACK decoder refuses a field over 64 KiB as a connection error (RFC 7541 §4.2 lets a
        // decoder bound it): the session queues GOAWAY(COMPRESSION_ERROR) and finishes, it does not crash.
        #expect(client.exchange(with: server))
        #expect(client.responses[id]?.status == nil)
        #expect(client.goAwayCode == NGHTTP2_COMPRESSION_ERROR.rawValue)
        #expect(server.isFinished)
        #expect(handler.requests.withLock { $0.isEmpty })
    }

    @Test("bytes that are not the HTTP/2 preface are a fatal error")
    func badPreface() throws {
        let server = try HTTP2Session(handler: RecordingHandler(), limits: ServerLimits(), observer: NoServerObserver())
        let garbage = Array("GET / HTTP/1.1\r\nHost: example\r\n\r\n".utf8)
        #expect(!garbage.withUnsafeBytes { server.receive($0) })
        #expect(server.isFinished)
        #expect(server.failure != nil)
        #expect(server.failure?.description.isEmpty == false)
        #expect(!garbage.withUnsafeBytes { server.receive($0) })
    }

    @Test("goAway lets an open stream finish, then the session is finished")
    func gracefulGoAway() throws {
        let handler = RecordingHandler()
        let server = try HTTP2Session(handler: handler, limits: ServerLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        // Larger than the 64 KiB default window, so the first flight cannot carry END_STREAM.
        let id = client.request("POST", "/validate", body: [UInt8](repeating: 3, count: 200_000))
        let firstFlight = client.takeOutput()
        #expect(firstFlight.withUnsafeBytes { server.receive($0) })
        #expect(server.hasOpenStreams)

        server.goAway()
        #expect(!server.isFinished)
        client.exchange(with: server)
        #expect(client.goAwayCode == NGHTTP2_NO_ERROR.rawValue)
        #expect(client.responses[id]?.status == 200)
        #expect(handler.requests.withLock { $0.first?.body.count } == 200_000)
        #expect(!server.hasOpenStreams)
        #expect(server.trackedStreamCount == 0)
        #expect(server.isFinished)
    }

    @Test("the observer sees every answered request with method, path, status and version")
    func observerSeesCompletions() throws {
        let observer = RecordingObserver()
        let handler = RecordingHandler { _ in .error(404, "nope") }
        let server = try HTTP2Session(handler: handler, limits: ServerLimits(), observer: observer)
        let client = HTTP2TestClient()
        client.request("POST", "/validate?dryRun=true", body: Array("{}".utf8))
        client.request("HEAD", "/missing")
        client.exchange(with: server)
        let completions = observer.completions.withLock { $0 }
        #expect(completions.count == 2)
        #expect(completions.contains(.init(method: "POST", path: "/validate", status: 404, version: .http2)))
        #expect(completions.contains(.init(method: "HEAD", path: "/missing", status: 404, version: .http2)))
    }

    @Test("a HEAD response carries content-length but no body")
    func headResponse() throws {
        let server = try HTTP2Session(
            handler: RecordingHandler { _ in .text(200, "hello") }, limits: ServerLimits(), observer: NoServerObserver()
        )
        let client = HTTP2TestClient()
        let id = client.request("HEAD", "/")
        client.exchange(with: server)
        #expect(client.responses[id]?.status == 200)
        #expect(client.responses[id]?.header("content-length") == "5")
        #expect(client.responses[id]?.body.isEmpty == true)
        #expect(client.responses[id]?.closeCode == 0)
    }

    @Test("a stream the client resets mid-body is forgotten")
    func clientResetFreesStream() throws {
        let handler = RecordingHandler()
        let server = try HTTP2Session(handler: handler, limits: ServerLimits(), observer: NoServerObserver())
        let client = HTTP2TestClient()
        let id = client.request("POST", "/validate", body: [UInt8](repeating: 3, count: 200_000))
        #expect(client.takeOutput().withUnsafeBytes { server.receive($0) })
        #expect(server.hasOpenStreams)
        client.reset(id)
        client.exchange(with: server)
        #expect(!server.hasOpenStreams)
        #expect(server.trackedStreamCount == 0)
        #expect(handler.requests.withLock { $0.isEmpty })
    }
}
