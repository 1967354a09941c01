import Foundation
import Logging
import Synchronization
import TestSupport
import WebhookServer

@testable import Reloader

/// A TestServer whose handler records every request and answers through a closure: a small fake API server for
/// one test. The closure gets the request and how many requests came before it.
final class FakeAPIServer: Sendable {
    let server: TestServer
    private final class Log: Sendable {
        let requests = Mutex<[HTTPRequest]>([])
    }
    private let log = Log()

    init(_ answer: @escaping @Sendable (HTTPRequest, Int) -> HTTPResponse) throws {
        let log = log
        server = try TestServer(
            handler: HandlerFunction { request in
                let index = log.requests.withLock { list in
                    list.append(request)
                    return list.count - 1
                }
                return answer(request, index)
            })
    }

    var requests: [HTTPRequest] { log.requests.withLock { $0 } }

    func stop() { server.stop() }

    var caPEM: [UInt8] { Array((try? Data(contentsOf: URL(fileURLWithPath: server.certificates.caPath))) ?? Data()) }

    func configuration(credentials: KubeConfiguration.Credentials = .token("secret-token")) -> KubeConfiguration {
        KubeConfiguration(server: server.url, tls: TLSClientSettings(caPEM: caPEM), credentials: credentials)
    }

    /// A client with a recording sleeper (no real waits) and no jitter randomness (a fixed 0.5).
    func client(
        configuration: KubeConfiguration? = nil, options: KubeClient.Options = KubeClient.Options(),
        sleeper: Sleeper = Sleeper(), observer: any KubeRequestObserver = NoKubeRequestObserver()
    ) -> KubeClient {
        var logger = Logger(label: "reloader.kube.test")
        logger.logLevel = .warning
        return KubeClient(
            configuration: configuration ?? self.configuration(), transport: CurlTransport(), logger: logger,
            options: options, observer: observer, sleep: { sleeper.record($0) }, random: { 0.5 })
    }
}

/// Records the waits a client asked for instead of sleeping.
final class Sleeper: Sendable {
    private let waits = Mutex<[Duration]>([])
    func record(_ duration: Duration) { waits.withLock { $0.append(duration) } }
    var recorded: [Duration] { waits.withLock { $0 } }
}

/// Records observer calls.
final class RecordingObserver: KubeRequestObserver {
    private let calls = Mutex<[String]>([])
    func requestFinished(verb: String, code: Int, duration: Duration) {
        calls.withLock { $0.append("\(verb) \(code)") }
    }
    var recorded: [String] { calls.withLock { $0 } }
}

extension HTTPResponse {
    static func json(_ status: Int, _ text: String, headers extra: [(String, String)] = []) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        for (name, value) in extra { headers.add(name: name, value: value) }
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    static func status(_ code: Int, _ reason: String, _ message: String) -> HTTPResponse {
        .json(
            code,
            #"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"\#(reason)","message":"\#(message)","code":\#(code)}"#
        )
    }
}

extension HTTPRequest {
    var bodyText: String { String(decoding: body, as: UTF8.self) }
    var target: String { path + (query.map { "?" + $0 } ?? "") }
}
