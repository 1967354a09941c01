import Logging
import Synchronization
import WebhookServer

/// A plain-HTTP server on 127.0.0.1:0 standing in for an alert sink (Slack, Teams, a raw webhook) or an HTTP
/// proxy: it records every request (target, headers, body) and answers with the statuses it is given, in order,
/// then `200 ok`. A 3xx answer carries `Location: <redirect>`. Thread-safe (one Mutex). Call `stop()`.
public final class AlertReceiver: HTTPHandler, @unchecked Sendable {  // `server` is set once in init
    /// One request as received.
    public struct Received: Sendable {
        public var method: String
        /// The request target's path: absolute-form (`http://host/path`) when the receiver is used as a proxy.
        public var path: String
        public var headers: HTTPHeaders
        public var body: [UInt8]
    }

    private let state: Mutex<(statuses: [Int], received: [Received])>
    private let redirect: String?
    private var server: HTTPServer!

    /// - Parameters:
    ///   - statuses: the answers to the first requests, in order; later ones get 200.
    ///   - redirect: the `Location` of every 3xx answer.
    public init(statuses: [Int] = [], redirect: String? = nil) throws {
        state = Mutex((statuses, []))
        self.redirect = redirect
        var logger = Logger(label: "test.alert-receiver")
        logger.logLevel = .warning
        server = try HTTPServer(
            configuration: .init(address: ListenAddress(host: "127.0.0.1", port: 0), eventLoopCount: 1),
            handler: self, certificates: nil, observer: NoServerObserver(), logger: logger)
        server.start()
    }

    public var url: String { "http://127.0.0.1:\(server.port)" }
    public var port: Int { server.port }
    public var requests: [Received] { state.withLock { $0.received } }
    public var count: Int { state.withLock { $0.received.count } }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let status = state.withLock { state in
            state.received.append(
                Received(method: request.method, path: request.path, headers: request.headers, body: request.body))
            return state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
        }
        var response = HTTPResponse.text(status, status < 300 ? "ok" : "no")
        if (300..<400).contains(status), let redirect { response.headers.add(name: "location", value: redirect) }
        return response
    }

    public func stop() {
        server.shutdown(gracePeriod: .seconds(1))
        server.wait()
    }
}
