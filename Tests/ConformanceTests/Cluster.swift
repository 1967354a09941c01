import Dispatch
import Foundation
import KubeSim
import Logging
import Reloader
import Synchronization
import TestSupport

/// One simulated cluster for an end-to-end scenario: kube-sim in process, the real `reloader` executable as a
/// child process pointed at it with `--kubeconfig`, reloader's ValidatingWebhookConfiguration registered in
/// kube-sim by `kubectl apply` (the same `scripts/webhook-configuration.sh` that `make run` uses), and kubectl for
/// the writes. Rollouts are read from kube-sim's record. Each test owns one; call `stop()` (in a `defer`).
final class Cluster: @unchecked Sendable {  // immutable after init; the parts are thread-safe
    let directory: TemporaryDirectory
    let sim: KubeSimServer
    private let current: Mutex<ReloaderProcess>
    /// Further reloader processes against the same kube-sim (`startReplica`), stopped with the cluster.
    let replicas = Mutex<[ReloaderProcess]>([])
    private let flags: [String]
    private let environment: [String: String]
    private let metricsTransport = CurlTransport()

    /// The reloader process now running (`restartReloader` replaces it).
    var reloader: ReloaderProcess { current.withLock { $0 } }

    /// Flags every scenario gets before its own: a short coalesce window (scenarios that need a wider one pass
    /// it) and a resync period long enough that only the admission path acts unless a scenario asks otherwise.
    static let baseFlags = ["--coalesce-window=300ms", "--resync-period=1h"]

    /// Starts kube-sim, then reloader with `flags` (after `baseFlags`, so they win) and `environment`, registers
    /// the webhook and waits until reloader is ready (first index built).
    static func start(
        _ flags: [String] = [], environment: [String: String] = [:], registerWebhook: Bool = true
    ) async throws -> Cluster {
        let directory = try TemporaryDirectory("conformance")
        var logger = Logger(label: "test.kube-sim")
        logger.logLevel = .critical
        let sim: KubeSimServer
        do {
            sim = try KubeSimServer.start(
                .init(certificateDirectory: directory.file("certs"), kubeconfigPath: directory.file("kubeconfig")),
                logger: logger)
        } catch {
            directory.remove()
            throw error
        }
        let reloader: ReloaderProcess
        do {
            reloader = try await ReloaderProcess.start(
                ["--kubeconfig", sim.kubeconfigPath] + baseFlags + flags, environment: environment)
        } catch {
            sim.stop()
            directory.remove()
            throw error
        }
        let cluster = Cluster(
            directory: directory, sim: sim, reloader: reloader, flags: flags, environment: environment)
        do {
            if registerWebhook { try await cluster.registerWebhook() }
            try await cluster.waitUntilReady()
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    private init(
        directory: TemporaryDirectory, sim: KubeSimServer, reloader: ReloaderProcess, flags: [String],
        environment: [String: String]
    ) {
        self.directory = directory
        self.sim = sim
        self.current = Mutex(reloader)
        self.flags = flags
        self.environment = environment
    }

    /// Kills reloader with SIGKILL (no clean shutdown: nothing is released or finished).
    func killReloader() {
        reloader.cleanup()
    }

    /// Starts a new reloader process with the same flags (plus `extraFlags`), registers the webhook at its new
    /// address and waits until it is ready. The previous process is killed first if it still runs.
    func restartReloader(extraFlags: [String] = []) async throws {
        reloader.cleanup()
        let next = try await ReloaderProcess.start(
            ["--kubeconfig", sim.kubeconfigPath] + Self.baseFlags + flags + extraFlags, environment: environment)
        current.withLock { $0 = next }
        try await registerWebhook()
        try await waitUntilReady()
    }

    func stop() {
        reloader.cleanup()
        for replica in replicas.withLock({ $0 }) { replica.cleanup() }
        sim.stop()
        directory.remove()
    }

    // MARK: kubectl

    /// Runs kubectl against kube-sim; `check` throws on a non-zero exit. The wait happens off Swift's cooperative
    /// pool (a blocked pool thread would stall every other test's polling on this 2-core machine).
    @discardableResult
    func kubectl(_ arguments: [String], stdin: String? = nil, check: Bool = true) async throws -> ProcessResult {
        let fullArguments =
            ["--kubeconfig", sim.kubeconfigPath, "--cache-dir", directory.file("kube-cache"), "--request-timeout=20s"]
            + arguments
        return try await Self.offPool {
            try ProcessRunner.run("/usr/bin/kubectl", fullArguments, stdin: stdin.map { Data($0.utf8) }, check: check)
        }
    }

    /// Runs blocking `work` on a Dispatch thread and resumes with its result.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// `kubectl apply -f -` with `yaml`.
    func apply(_ yaml: String) async throws {
        try await kubectl(["apply", "-f", "-"], stdin: yaml)
    }

    /// `kubectl -n <namespace> patch <resource> <name> --type merge -p <patch>`.
    func mergePatch(_ resource: String, _ name: String, in namespace: String, _ patch: String) async throws {
        try await kubectl(["-n", namespace, "patch", resource, name, "--type", "merge", "-p", patch])
    }

    /// Registers the webhook of `process` (reloader by default) as ValidatingWebhookConfiguration `name`:
    /// `scripts/webhook-configuration.sh <its URL> <its CA> <name>` piped to kubectl.
    func registerWebhook(name: String = "reloader", for process: ReloaderProcess? = nil) async throws {
        let process = process ?? reloader
        let script = Self.repository + "/scripts/webhook-configuration.sh"
        let arguments = [process.webhookURL + "/validate", process.certificates.caPath, name]
        let yaml = try await Self.offPool { try ProcessRunner.run(script, arguments).stdout }
        try await apply(yaml)
    }

    // MARK: State

    /// The object as stored in kube-sim (read in process, not through the API).
    func object(
        _ resource: String, group: String = "", version: String = "v1", _ name: String, in namespace: String
    )
        throws -> JSONValue
    {
        guard let type = sim.store.registry.lookup(group: group, version: version, resource: resource) else {
            throw ClusterError.unknownResource(resource)
        }
        return try sim.store.get(type, namespace: namespace, name: name)
    }

    /// Every object of a resource in `namespace`.
    func objects(
        _ resource: String, group: String = "", version: String = "v1", in namespace: String
    ) throws
        -> [JSONValue]
    {
        guard let type = sim.store.registry.lookup(group: group, version: version, resource: resource) else {
            throw ClusterError.unknownResource(resource)
        }
        return sim.store.objects(of: type).filter { $0[path: ["metadata", "namespace"]]?.stringValue == namespace }
    }

    /// The rollouts kube-sim recorded in `namespace` (of one workload when `name` is given).
    func rollouts(in namespace: String, kind: String? = nil, name: String? = nil) -> [RolloutRecord] {
        sim.store.rollouts(namespace: namespace, kind: kind, name: name)
    }

    /// `waitUntil`, but a timeout carries the tail of reloader's log (and of each replica's), so a failure says
    /// what reloader did.
    func waitFor(
        _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
    ) async throws {
        do {
            try await waitUntil(timeout: timeout, what, condition)
        } catch let error as ConditionTimedOut {
            var logs = "reloader's log ends with:\n" + Self.tail(of: reloader, lines: 25)
            for (index, replica) in replicas.withLock({ $0 }).enumerated() {
                logs += "\nreplica \(index + 1)'s log ends with:\n" + Self.tail(of: replica, lines: 15)
            }
            throw ConditionTimedOut(what: "\(error.what); \(logs)")
        }
    }

    private static func tail(of process: ReloaderProcess, lines: Int) -> String {
        process.stderr.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Waits until `process` (reloader by default) answers `/readyz` with 200 (its first index is built).
    func waitUntilReady(_ process: ReloaderProcess? = nil) async throws {
        let process = process ?? reloader
        try await waitUntil(timeout: .seconds(30), "reloader ready (/readyz 200)") {
            guard process.isRunning else { throw ReloaderExited(status: -1, stderr: process.stderr) }
            return (try? self.get("/readyz", from: process).status) == 200
        }
    }

    /// Waits until `process` (reloader by default) has nothing pending: every plan enqueued by the writes made so
    /// far was reloaded or dropped (`reloader_workqueue_depth` is read on the queue itself at scrape time, after
    /// every enqueue the finished admission reviews made).
    func settle(_ process: ReloaderProcess? = nil, timeout: Duration = .seconds(30)) async throws {
        try await waitFor("reloader's queue drains (reloader_workqueue_depth 0)", timeout: timeout) {
            try self.metric("reloader_workqueue_depth", of: process) == 0
        }
    }

    /// The value of one sample of the `/metrics` of `process` (reloader by default), `name{labels}` exactly as
    /// exposed, or nil if absent.
    func metric(_ sample: String, of process: ReloaderProcess? = nil) throws -> Double? {
        let response = try get("/metrics", from: process)
        guard response.status == 200 else { throw ClusterError.metricsUnavailable(status: response.status) }
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    /// GET on the plain-HTTP metrics listener of `process` (reloader by default), in process (libcurl), so polling
    /// costs no process spawn.
    func get(_ path: String, from process: ReloaderProcess? = nil) throws -> TransportResponse {
        let url = (process ?? reloader).metricsURL + path
        return try metricsTransport.send(TransportRequest(method: "GET", url: url)).get()
    }

    /// `<repo>`, from this file's path.
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}

enum ClusterError: Error, CustomStringConvertible {
    case unknownResource(String)
    case metricsUnavailable(status: Int)

    var description: String {
        switch self {
        case .unknownResource(let resource): "kube-sim has no resource \(resource)"
        case .metricsUnavailable(let status): "reloader's /metrics answered \(status)"
        }
    }
}
