import Foundation
import KubeSim
import Logging
import Reloader
import Synchronization
import TestSupport

/// kube-sim in this process and the release `reloader` as a child process pointed at it with `--kubeconfig`, as
/// Tests/ConformanceTests/Cluster.swift wires them: reloader's webhook registered by `kubectl apply` of
/// `scripts/webhook-configuration.sh`, rollouts read from kube-sim's record, requests from its request log. The
/// bench's own writes go through `client` (user agent `reload-bench`) or kubectl (`kubectl/...`), so reloader's
/// requests are the ones whose user agent starts with `reloader/` (CurlTransport's default).
final class BenchCluster: @unchecked Sendable {  // used from the main thread only; the parts are thread-safe
    static let reloaderAgentPrefix = "reloader/"

    let directory: TemporaryDirectory
    let sim: KubeSimServer
    /// The bench's in-process API client: no client-side rate limit, its own user agent.
    let client: KubeClient
    let options: BenchOptions
    private(set) var reloader: ReloaderProcess?
    private var hasStartedReloader = false
    private let metricsTransport = CurlTransport(userAgent: "reload-bench-metrics")
    private let stopped = Atomic<Bool>(false)

    init(options: BenchOptions, name: String) throws {
        self.options = options
        directory = try TemporaryDirectory("reload-bench-\(name)")
        var logger = Logger(label: "reload-bench.kube-sim")
        logger.logLevel = .warning
        do {
            sim = try KubeSimServer.start(
                .init(certificateDirectory: directory.file("certs"), kubeconfigPath: directory.file("kubeconfig")),
                logger: logger)
        } catch {
            directory.remove()
            throw error
        }
        let configuration = try KubeConfiguration.kubeconfig(path: sim.kubeconfigPath)
        client = KubeClient(
            configuration: configuration, transport: CurlTransport(userAgent: "reload-bench"),
            logger: Logger(label: "reload-bench.client"), options: .init(qps: 0, burst: 1))
        Cleanup.shared.add { self.stop() }
    }

    var requestLog: RequestLog { sim.handler.requests }

    /// Starts reloader with `flags` after `--kubeconfig`, registers its webhook and waits for `/readyz` 200 (the
    /// first resync pass, reconcile included, is over). Once per cluster: kube-sim loses the webhooks' rules when
    /// their configuration is re-applied for a second reloader (bench/README.md), which would get no review.
    func startReloader(_ flags: [String], readyTimeout: Duration) throws {
        guard !hasStartedReloader else { throw BenchError.setup("one reloader per kube-sim (see bench/README.md)") }
        hasStartedReloader = true
        let arguments = ["--kubeconfig", sim.kubeconfigPath] + flags + options.extraReloaderFlags
        let process = try blocking { try await ReloaderProcess.start(arguments, timeout: .seconds(60)) }
        reloader = process
        Cleanup.shared.add { process.cleanup() }
        let script = options.repository + "/scripts/webhook-configuration.sh"
        let yaml = try ProcessRunner.run(script, [process.webhookURL + "/validate", process.certificates.caPath])
        try kubectl(["apply", "-f", "-"], stdin: yaml.stdout)
        try poll("reloader ready (/readyz 200)", timeout: readyTimeout, interval: .milliseconds(50)) {
            guard process.isRunning else { throw BenchError.reloaderExited(process.stderr) }
            return (try? get("/readyz").status) == 200
        }
    }

    func stopReloader() {
        reloader?.cleanup()
        reloader = nil
    }

    /// Stops reloader and kube-sim and removes the directory; only the first call acts.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        stopReloader()
        sim.stop()
        directory.remove()
    }

    // MARK: kubectl

    /// Runs kubectl against kube-sim with a discovery cache of its own (so only the first call discovers).
    @discardableResult
    func kubectl(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        let full =
            ["--kubeconfig", sim.kubeconfigPath, "--cache-dir", directory.file("kube-cache"), "--request-timeout=20s"]
            + arguments
        return try ProcessRunner.run(options.kubectl, full, stdin: stdin.map { Data($0.utf8) })
    }

    // MARK: reloader's side

    /// The requests kube-sim logged from reloader (by user agent).
    func reloaderRequests() -> [RequestLog.Entry] {
        requestLog.all.filter { $0.userAgent?.hasPrefix(Self.reloaderAgentPrefix) == true }
    }

    /// The value of one sample of reloader's `/metrics` (`name{labels}` exactly as exposed), or nil if absent.
    func metric(_ sample: String) throws -> Double? {
        let response = try get("/metrics")
        guard response.status == 200 else { throw BenchError.metrics(status: response.status) }
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    /// Waits until reloader has no reload plan pending (`reloader_workqueue_depth` 0).
    func settle(timeout: Duration = .seconds(60)) throws {
        try waitFor("reloader's queue drains", timeout: timeout, interval: .milliseconds(5)) {
            try metric("reloader_workqueue_depth") == 0
        }
    }

    /// `poll`, but a timeout carries the tail of reloader's log, so a failure says what reloader did.
    func waitFor(
        _ what: String, timeout: Duration, interval: Duration = .milliseconds(1), _ condition: () throws -> Bool
    ) throws {
        do {
            try poll(what, timeout: timeout, interval: interval, condition)
        } catch BenchError.timedOut(let what) {
            let tail = (reloader?.stderr ?? "").split(separator: "\n").suffix(25).joined(separator: "\n")
            throw BenchError.timedOut("\(what); reloader's log ends with:\n\(tail)")
        }
    }

    /// Successful resync passes so far.
    func resyncPasses() throws -> Int {
        Int(try metric("reloader_resyncs_total{result=\"success\"}") ?? 0)
    }

    /// A field of reloader's /proc/<pid>/status in KiB (VmRSS, VmHWM); 0 if unreadable.
    func reloaderStatusKiB(_ field: String) -> Int {
        guard let pid = reloader?.pid else { return 0 }
        return procStatusKiB(field, path: "/proc/\(pid)/status")
    }

    private func get(_ path: String) throws -> TransportResponse {
        guard let reloader else { throw BenchError.setup("reloader is not running") }
        return try metricsTransport.send(TransportRequest(method: "GET", url: reloader.metricsURL + path)).get()
    }
}
