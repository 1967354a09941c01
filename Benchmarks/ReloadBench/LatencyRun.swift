import Foundation
import KubeSim
import Reloader

/// Reload latency (DESIGN §6): sequential writes to one ConfigMap used by one auto-annotated Deployment, each
/// waited for until its rollout is recorded and reloader's queue is empty again. Per write, the span from just
/// before the write starts to the rollout's record time (kube-sim's clock at the commit of reloader's PATCH;
/// same process, same wall clock), for two writers taking turns: `kubectl patch` as a child process, and
/// `KubeClient.patch` in this process.
struct LatencyRun {
    enum Writer: String, CaseIterable, Sendable {
        case kubectl
        case client = "in-process KubeClient"
    }

    struct Sample: Sendable {
        var writer: Writer
        var sequence: Int
        /// Write start to rollout record time.
        var span: Double
        /// Write start to the writer returning (kubectl's exit, or the PATCH response).
        var write: Double
        /// Requests reloader sent for this write (confirmation GETs, the workload GET, the PATCH).
        var reloaderRequests: Int
    }

    /// Idle time after each write (once its rollout is recorded and the queue is empty) before the next starts.
    /// reloader's client-side rate limit (`--kube-api-qps=50`, burst 100) refills a token per 20 ms and a write
    /// costs it 3 requests: back to back, writes at the 0s window drain the bucket after about 40 writes and
    /// every later request waits 20 ms, so the series would measure the limiter, not a reload.
    static let pause: Duration = .milliseconds(100)

    static let namespace = "bench"
    static let configMap = "latency-config"
    static let deployment = "latency-app"

    let cluster: BenchCluster
    /// reloader's `--coalesce-window` for this series.
    let window: String

    /// Seeds the namespace, its ConfigMap and the Deployment using it (through `envFrom`) into kube-sim.
    static func seed(_ store: ObjectStore) throws {
        func create(_ resource: String, group: String = "", namespace: String?, _ body: JSONValue) throws {
            guard let type = store.registry.lookup(group: group, version: "v1", resource: resource) else {
                throw BenchError.setup("kube-sim has no \(resource)")
            }
            _ = try store.create(type, namespace: namespace, body: body)
        }
        try create("namespaces", namespace: nil, ["metadata": ["name": .string(namespace)]])
        let data = ClusterSeed.configMapData(configMap)
        try create("configmaps", namespace: namespace, ClusterSeed.configMap(configMap, namespace, data))
        let use = ConfigUse(kind: .configMap, name: configMap, style: .envFrom)
        try create(
            "deployments", group: "apps", namespace: namespace,
            ClusterSeed.deployment(deployment, namespace, uses: [use], markers: []))
    }

    /// Runs `warmups` unmeasured writes per writer, then `writes` measured ones per writer, alternating.
    func run(writes: Int, warmups: Int = 3) throws -> [Sample] {
        try cluster.startReloader(
            ["--coalesce-window=\(window)", "--resync-period=1h"], readyTimeout: .seconds(120))
        defer { cluster.stopReloader() }
        var samples: [Sample] = []
        for sequence in -warmups..<writes {
            for writer in Writer.allCases {
                let sample = try write(writer, sequence: sequence)
                if sequence >= 0 { samples.append(sample) }
                usleep(useconds_t(Self.pause / .microseconds(1)))
            }
            if sequence >= 0 && (sequence + 1) % 50 == 0 {
                note("  window \(window): \(sequence + 1)/\(writes) writes")
            }
        }
        return samples
    }

    private func rollouts() -> [RolloutRecord] {
        cluster.sim.store.rollouts(namespace: Self.namespace, kind: "Deployment", name: Self.deployment)
    }

    private func write(_ writer: Writer, sequence: Int) throws -> Sample {
        let before = rollouts().count
        let value = "\(writer == .kubectl ? "k" : "c")\(sequence)-\(window)"
        cluster.requestLog.clear()
        let start = Date()
        switch writer {
        case .kubectl:
            try cluster.kubectl([
                "-n", Self.namespace, "patch", "configmap", Self.configMap, "--type", "merge",
                "-p", #"{"data":{"revision":"\#(value)"}}"#,
            ])
        case .client:
            let path = ResourcePath(resource: "configmaps", namespace: Self.namespace, name: Self.configMap)
            _ = try cluster.client.patch(path, ["data": ["revision": .string(value)]], type: .merge)
        }
        let written = Date()
        var record: RolloutRecord?
        try cluster.waitFor(
            "the rollout of write \(sequence) (\(writer.rawValue), window \(window))", timeout: .seconds(30)
        ) {
            let all = rollouts()
            guard all.count > before else { return false }
            record = all[before]
            return true
        }
        try cluster.settle()
        let after = rollouts().count
        guard after == before + 1, let record else {
            throw BenchError.unexpected("write \(sequence) gave \(after - before) rollouts, expected exactly 1")
        }
        return Sample(
            writer: writer, sequence: sequence, span: record.time.timeIntervalSince(start),
            write: written.timeIntervalSince(start), reloaderRequests: cluster.reloaderRequests().count)
    }
}
