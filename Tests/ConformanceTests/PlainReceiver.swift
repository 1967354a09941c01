import Logging
import Synchronization
import WebhookServer

/// A plain-HTTP server on 127.0.0.1 that answers 200 to every request and keeps the bodies, for `--webhook-url`
/// and alert sinks. Thread-safe (one Mutex). Call `stop()`.
final class PlainReceiver: HTTPHandler, @unchecked Sendable {  // `server` is set once in init
    private let received = Mutex<[[UInt8]]>([])
    private var server: HTTPServer!

    init() throws {
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .warning
        server = try HTTPServer(
            configuration: .init(address: ListenAddress(host: "127.0.0.1", port: 0), eventLoopCount: 1),
            handler: self, certificates: nil, observer: NoServerObserver(), logger: logger)
        server.start()
    }

    var url: String { "http://127.0.0.1:\(server.port)" }
    var bodies: [[UInt8]] { received.withLock { $0 } }
    var count: Int { received.withLock { $0.count } }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        received.withLock { $0.append(request.body) }
        return .text(200, "ok")
    }

    func stop() {
        server.shutdown(gracePeriod: .seconds(1))
        server.wait()
    }
}
