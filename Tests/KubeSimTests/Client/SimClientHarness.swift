import Foundation
import KubeSim
import Logging
import Synchronization
import TestSupport

@testable import Reloader

/// An in-process kube-sim and `KubeClient`s configured from the kubeconfig it writes. The `/sim/...` endpoints are
/// driven over HTTPS (a separate `CurlTransport`, so the client under test keeps its own connections). Call `stop()`.
final class SimClientHarness: @unchecked Sendable {  // immutable after init
    let directory: TemporaryDirectory
    let server: KubeSimServer
    private let simTransport = CurlTransport()

    static let configMaps = ResourcePath(resource: "configmaps", namespace: "default")
    static let deployments = ResourcePath(group: "apps", version: "v1", resource: "deployments", namespace: "default")

    init() throws {
        directory = try TemporaryDirectory("kube-sim-client")
        var logger = Logger(label: "test.kube-sim")
        logger.logLevel = .warning
        server = try KubeSimServer.start(
            .init(certificateDirectory: directory.file("certs"), kubeconfigPath: directory.file("kubeconfig")),
            logger: logger)
    }

    func stop() {
        server.stop()
        directory.remove()
    }

    var caPEM: [UInt8] { Array(FileManager.default.contents(atPath: server.caPath) ?? Data()) }

    /// A client from `kubeconfig` (kube-sim's own by default): no client-side rate limit, a fixed jitter of 0.5 and
    /// the retry waits recorded in `waits` instead of slept.
    func client(
        kubeconfig: String? = nil, retry: RetryPolicy = RetryPolicy(), waits: RecordedWaits = RecordedWaits(),
        tokenRereadInterval: Duration = .seconds(60)
    ) throws -> KubeClient {
        let configuration = try KubeConfiguration.kubeconfig(path: kubeconfig ?? server.kubeconfigPath)
        var logger = Logger(label: "test.kube-client")
        logger.logLevel = .critical
        return KubeClient(
            configuration: configuration, transport: CurlTransport(), logger: logger,
            options: .init(qps: 0, burst: 1, retry: retry, tokenRereadInterval: tokenRereadInterval),
            sleep: { waits.record($0) }, random: { 0.5 })
    }

    // MARK: /sim endpoints

    @discardableResult
    func sim(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        let response = try simTransport.send(
            TransportRequest(
                method: method, url: server.url + path, headers: [("Content-Type", "application/json")],
                body: body?.serialized() ?? [], tls: TLSClientSettings(caPEM: caPEM))
        ).get()
        guard (200..<300).contains(response.status) else {
            throw SimEndpointFailed(request: "\(method) \(path)", status: response.status)
        }
        return try JSONValue.parse(response.body)
    }

    func fault(_ rule: JSONValue) throws { try sim("POST", "/sim/faults", rule) }

    func clearRequests() throws { try sim("DELETE", "/sim/requests") }

    /// The request log's resource requests (`/sim/...` calls left out), oldest first.
    func requests() throws -> [LoggedRequest] {
        (try sim("GET", "/sim/requests")["items"]?.arrayValue ?? []).compactMap(LoggedRequest.init)
            .filter { !$0.path.hasPrefix("/sim/") }
    }

    // MARK: Seeding through the store

    func seedConfigMaps(_ count: Int, prefix: String = "cm") throws {
        guard let resource = server.store.registry.lookup(group: "", version: "v1", resource: "configmaps") else {
            throw SimEndpointFailed(request: "registry lookup of configmaps", status: 0)
        }
        for index in 0..<count {
            let name = "\(prefix)-\(String(format: "%05d", index))"
            _ = try server.store.create(
                resource, namespace: "default",
                body: ["metadata": ["name": .string(name)], "data": ["index": .string(String(index))]])
        }
    }
}

struct SimEndpointFailed: Error, CustomStringConvertible {
    let request: String
    let status: Int
    var description: String { "\(request) answered \(status)" }
}

/// One entry of `GET /sim/requests`.
struct LoggedRequest: Sendable, Equatable, CustomStringConvertible {
    var method: String
    var path: String
    var query: String
    var status: Int
    var tokenSuffix: String

    init?(_ json: JSONValue) {
        guard let method = json["method"]?.stringValue, let path = json["path"]?.stringValue,
            let status = json["status"]?.intValue
        else { return nil }
        self.method = method
        self.path = path
        self.status = status
        query = json["query"]?.stringValue ?? ""
        tokenSuffix = json["tokenSuffix"]?.stringValue ?? ""
    }

    /// The query's parameters, percent-escapes left as sent.
    var parameters: [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    var description: String { "\(method) \(path)?\(query) \(status)" }
}

/// Records the waits a client asked for (rate limit, backoff, Retry-After) instead of sleeping.
final class RecordedWaits: Sendable {
    private let waits = Mutex<[Duration]>([])
    func record(_ duration: Duration) { waits.withLock { $0.append(duration) } }
    var all: [Duration] { waits.withLock { $0 } }
}
