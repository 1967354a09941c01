import KubeSim
import Reloader
import Synchronization
import Testing
import WebhookServer

/// A transport that records the request and answers with a fixed result.
private final class FixedTransport: HTTPTransport {
    let requests = Mutex<[TransportRequest]>([])
    let result: Result<TransportResponse, TransportError>
    init(_ result: Result<TransportResponse, TransportError>) { self.result = result }
    func send(_ request: TransportRequest) -> Result<TransportResponse, TransportError> {
        requests.withLock { $0.append(request) }
        return result
    }
}

@Suite("webhook caller over HTTPTransport")
struct CurlWebhookCallerTests {
    @Test("a 200 answer's body comes back; the POST carries JSON headers, the caBundle and the webhook's timeout")
    func posts() throws {
        let transport = FixedTransport(.success(TransportResponse(status: 200, body: Array("{}".utf8))))
        let caller = CurlWebhookCaller(transport: transport)
        let result = caller.call(
            url: "https://127.0.0.1:1/validate", caBundle: Array("PEM".utf8), body: Array("review".utf8),
            timeout: .seconds(7))
        #expect(result == .success(Array("{}".utf8)))
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.method == "POST")
        #expect(request.url == "https://127.0.0.1:1/validate")
        #expect(request.body == Array("review".utf8))
        #expect(request.timeout == .seconds(7))
        #expect(request.tls == TLSClientSettings(caPEM: Array("PEM".utf8)))
        #expect(
            request.headers.map { "\($0.name): \($0.value)" }
                == ["content-type: application/json", "accept: application/json"])
    }

    @Test("no caBundle trusts the system roots")
    func systemRoots() throws {
        let transport = FixedTransport(.success(TransportResponse(status: 200)))
        _ = CurlWebhookCaller(transport: transport)
            .call(url: "https://x/", caBundle: nil, body: [], timeout: .seconds(1))
        #expect(transport.requests.withLock { $0.first?.tls } == TLSClientSettings())
    }

    @Test("a non-200 answer is an error with the status and a bounded slice of the body")
    func non200() {
        let body = Array(("oops\n" + String(repeating: "x", count: 1000)).utf8)
        let caller = CurlWebhookCaller(transport: FixedTransport(.success(TransportResponse(status: 503, body: body))))
        guard case .failure(let error) = caller.call(url: "https://h/v", caBundle: nil, body: [], timeout: .seconds(1))
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(
            error.message.hasPrefix("failed to call webhook: Post \"https://h/v\": the webhook answered 503: oops x"))
        #expect(error.message.hasSuffix("… (1005 bytes)"))
        #expect(error.message.count < 400)
    }

    @Test("a transport error carries curl's text")
    func transportError() {
        let failure = TransportError(
            kind: .connectionRefused, url: "https://h/v", detail: "Failed to connect (curl error 7)")
        let caller = CurlWebhookCaller(transport: FixedTransport(.failure(failure)))
        #expect(
            caller.call(url: "https://h/v", caBundle: nil, body: [], timeout: .seconds(1))
                == .failure(
                    WebhookCallError(
                        "failed to call webhook: Post \"https://h/v\": connection refused: "
                            + "Failed to connect (curl error 7)")))
    }
}
