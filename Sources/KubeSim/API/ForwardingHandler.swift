import Synchronization
public import WebhookServer

/// A handler whose target is set after the server binds (the target needs the bound port). Answers 503 until
/// then. Thread-safe (a mutex around the target, read once per request).
final class ForwardingHandler: HTTPHandler {
    let target = Mutex<(any HTTPHandler)?>(nil)

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let handler = target.withLock({ $0 }) else { return .error(503, "starting") }
        return handler.handle(request)
    }
}
