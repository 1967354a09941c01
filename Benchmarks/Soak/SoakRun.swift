import Foundation
import Glibc
import KubeSim
import Logging
import Reloader

/// One soak, start to verdict: kube-sim in process (its webhook calls counted, the Service `soak-system/reloader`
/// mapped to a round-robin forwarder), the cluster seeded, `replicas` reloader processes with `--enable-ha`, the
/// webhooks registered (reloader's and the denying policy), then the driver and the chaos loop side by side for
/// the duration, then quiesce (chaos off, every replica up, two resync passes of the leader and every queue empty
/// with no new rollout) and the oracle. Everything started is stopped however the run ends.
public enum SoakRun {
    public static func run(_ options: SoakOptions) throws(SoakError) -> SoakResult {
        let started = ContinuousClock.now
        let verbose = options.verbose
        let progress: @Sendable (String) -> Void = { message in
            guard verbose else { return }
            let elapsed = WriteDriver.seconds(ContinuousClock.now - started)
            FileHandle.standardError.write(Data(String(format: "soak %6.1fs: %@\n", elapsed, message).utf8))
        }
        try makeDirectory(options.directory)
        var logger = Logger(label: "soak")
        logger.logLevel = .critical

        let certificates = try SoakCertificates(directory: "\(options.directory)/certs")
        let policyCertificates = try SoakCertificates(directory: "\(options.directory)/policy-certs")
        let forwarder = try ServiceForwarder()
        defer { forwarder.stop() }
        let caller = CountingWebhookCaller(CurlWebhookCaller())
        let sim: KubeSimServer
        do {
            sim = try KubeSimServer.start(
                .init(
                    certificateDirectory: "\(options.directory)/kube-sim",
                    kubeconfigPath: "\(options.directory)/kubeconfig", webhookCaller: caller,
                    serviceAddresses: ["\(SoakLayout.leaseNamespace)/reloader": "127.0.0.1:\(forwarder.port)"]),
                logger: logger)
        } catch {
            throw .setup("kube-sim: \(error)")
        }
        defer { sim.stop() }
        let policy = try DenyingWebhook(certificates: policyCertificates, logger: logger)
        defer { policy.stop() }

        let layout = SoakLayout(workloads: options.workloads, namespaces: options.namespaces, seed: options.seed)
        let initialHashes = try SoakSeed.seed(layout, into: sim.store)
        progress("seeded \(layout.workloads.count) workloads and \(layout.configs.count) configs")

        let arguments =
            [
                "--kubeconfig", sim.kubeconfigPath, "--cert-dir", certificates.servingDirectory, "--webhook-address",
                "127.0.0.1:0", "--metrics-address", "127.0.0.1:0", "--shutdown-grace-period=5s",
            ] + options.reloaderFlags
        let replicas = ReplicaPool(
            count: options.replicas, executable: options.reloaderPath, arguments: arguments,
            directory: options.directory, forwarder: forwarder, progress: progress)
        defer { replicas.stopAll() }
        for slot in 0..<options.replicas { try replicas.start(slot) }
        try register(ReloaderWebhookConfiguration.make(caPath: certificates.caPath), in: sim.store)
        try register(policy.configuration(), in: sim.store)
        try Quiesce.waitFor("exactly one replica leads", timeout: .seconds(60)) {
            replicas.live.filter { $0.metrics()["reloader_leader"] == 1 }.count == 1
        }
        replicas.startSampling()

        let driverKubeconfig = "\(options.directory)/kubeconfig-driver"
        do {
            _ = try sim.addListener(eventLoopCount: 8, kubeconfigPath: driverKubeconfig)
        } catch {
            throw .setup("kube-sim: the driver's listener: \(error)")
        }
        let driver = try WriteDriver(kubeconfigPath: driverKubeconfig, layout: layout, logger: logger)
        let chaos = ChaosLoop(
            faults: sim.handler.faults, replicas: replicas, certificates: certificates, progress: progress)
        let deadline = ContinuousClock.now + options.duration
        progress("driving \(options.writesPerSecond) writes/s with chaos every \(options.chaosInterval)")
        let done = DispatchSemaphore(value: 0)
        let runner = Thread {
            driver.run(rate: options.writesPerSecond, until: deadline, seed: options.seed &+ 1)
            done.signal()
        }
        runner.start()
        chaos.run(interval: options.chaosInterval, until: deadline, seed: options.seed &+ 2)
        done.wait()
        progress("writes done: \(driver.log.all.count); quiescing")

        sim.handler.faults.clear()
        try replicas.restartDown()
        // A run that does not settle is still judged (its findings say what was left undone), and fails.
        var quiesceFailure: String?
        do {
            try Quiesce.settle(
                replicas: replicas, rollouts: { sim.store.rollouts().count }, timeout: options.quiesceTimeout,
                progress: progress)
        } catch {
            quiesceFailure = "\(error)"
            progress("quiesce failed: \(error)")
        }

        let verdict = SoakOracle.judge(
            try OracleInput.collect(
                layout: layout, initialHashes: initialHashes, writes: driver.log.all, store: sim.store,
                coalesceWindow: options.coalesceSeconds))
        let reloaderRequests = sim.handler.requests.all.filter { $0.userAgent?.hasPrefix("reloader/") == true }
        let admission = caller.counts
        let result = SoakResult(
            options: options, writes: driver.log.counts, writeLatency: driver.log.latency, verdict: verdict,
            faultRules: chaos.faultRules,
            faultBudget: chaos.faultBudget,
            faultedRequests: reloaderRequests.filter { $0.status == 0 || $0.status == 429 || $0.status >= 500 }.count,
            reloaderRequests: reloaderRequests.count, kills: chaos.kills, terminations: chaos.terminations,
            restarts: replicas.restarts, rotations: chaos.rotations,
            admissionErrors: (admission.reloader, admission.policy), webhookCalls: admission.calls,
            deniedByPolicy: policy.deniedCount, maxQueueDepth: replicas.maxDepth,
            peakResidentKiB: replicas.peakResidentKiB, chaosErrors: chaos.errors, quiesceFailure: quiesceFailure,
            elapsed: ContinuousClock.now - started)
        try? driver.log.all.map(\.line).joined(separator: "\n").write(
            toFile: "\(options.directory)/writes.tsv", atomically: true, encoding: .utf8)
        let rolloutLines = sim.store.rollouts().map { record in
            let changes = record.env.map { "\($0.name)=\($0.newValue?.prefix(8) ?? "-")" }.joined(separator: ",")
            return "\(record.resourceVersion)\t\(record.time.timeIntervalSince1970)\t\(record.kind)"
                + "\t\(record.namespace ?? "")/\(record.name)\t\(changes)"
        }
        try? rolloutLines.joined(separator: "\n").write(
            toFile: "\(options.directory)/rollouts.tsv", atomically: true, encoding: .utf8)
        return result
    }

    /// SIGKILLs every replica this process started (for a signal handler: the run is being abandoned).
    public static func killReplicas() {
        for replica in ReplicaProcess.started.withLock({ $0 }) { replica.kill() }
    }

    private static func register(_ configuration: JSONValue, in store: ObjectStore) throws(SoakError) {
        guard
            let type = store.registry.lookup(
                group: "admissionregistration.k8s.io", version: "v1", resource: "validatingwebhookconfigurations")
        else { throw .setup("kube-sim has no validatingwebhookconfigurations") }
        do {
            _ = try store.create(type, namespace: nil, body: configuration)
        } catch {
            throw .setup(
                "cannot register \(configuration[path: ["metadata", "name"]]?.stringValue ?? "a webhook"): \(error)")
        }
    }

    private static func makeDirectory(_ path: String) throws(SoakError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .setup("cannot create \(path): \(error)")
        }
    }
}
