import Foundation
import KubeSim
import Reloader

/// API cost at scale (DESIGN §6): the `ClusterSeed` cluster, one reloader started with a short `--resync-period`.
/// Its first pass makes it ready; then, before the second pass starts, two reloads (a config used by one
/// Deployment, then one used by `sharedUsers`), each counted from a cleared request log to the last rollout and
/// an empty queue; then the log is cleared again and the second pass is counted whole (from the
/// `reloader_resyncs_total{result="success"}` step 1 to 2), timed by its "resync finished" log line.
struct CostRun {
    struct Reload: Sendable {
        var config: String
        var namespace: String
        /// The Deployments that use the config.
        var users: [String]
        var workloads: Int { users.count }
        var tally: RequestTally
        var entries: [RequestLog.Entry]
        /// From just before the write to the last rollout's record time.
        var span: Double
        /// Computed from the objects' sizes (`ResponseBytes`).
        var responseBytes: Int
    }

    struct Resync: Sendable {
        var tally: RequestTally
        var entries: [RequestLog.Entry]
        /// `duration_ms` of reloader's "resync finished" line for this pass, and its other fields.
        var log: [String: String]
        var rssKiB: Int
        var peakKiB: Int
        var indexReferences: Int
        /// Computed from the objects' sizes (`ResponseBytes`).
        var responseBytes: Int
        /// From start to readiness: the first pass.
        var startupEntries: [RequestLog.Entry]
        var firstReadiness: Double

        var startup: RequestTally { RequestTally(startupEntries) }
    }

    let cluster: BenchCluster
    let layout: ClusterSeed.Layout

    func run() throws -> (single: Reload, shared: Reload, resync: Resync) {
        let started = Date()
        note("starting reloader on \(grouped(layout.workloads)) workloads (its first pass reads every config)")
        try cluster.startReloader(
            ["--resync-period=\(cluster.options.resyncPeriod)"], readyTimeout: .seconds(900))
        let readiness = Date().timeIntervalSince(started)
        let startupEntries = cluster.reloaderRequests()
        // Ready means the first index is built; the pass (and its count) ends after the reconcile that follows.
        try cluster.waitFor(
            "the first resync pass, reconcile included", timeout: .seconds(900), interval: .milliseconds(20)
        ) {
            try cluster.resyncPasses() >= 1
        }
        let passes = try cluster.resyncPasses()
        guard passes == 1 else { throw BenchError.unexpected("expected 1 finished resync pass, saw \(passes)") }
        let enqueued = Int(try cluster.metric("reloader_reconcile_enqueued_total") ?? -1)
        guard enqueued == 0 else {
            throw BenchError.unexpected(
                "the first reconcile enqueued \(enqueued) reloads: the seeded markers are wrong")
        }

        let single = try reload(
            ClusterSeed.soloConfig, in: ClusterSeed.Layout.namespace(0),
            users: [ClusterSeed.Layout.deployment(0)])
        let shared = try reload(
            ClusterSeed.sharedConfig, in: ClusterSeed.Layout.namespace(1),
            users: (0..<layout.sharedUsers).map(ClusterSeed.Layout.deployment))
        guard try cluster.resyncPasses() == 1 else {
            throw BenchError.unexpected("a resync pass ran during the reloads; raise --resync-period")
        }

        note("waiting for the second resync pass (--resync-period=\(cluster.options.resyncPeriod))")
        cluster.requestLog.clear()
        try cluster.waitFor("the second resync pass", timeout: .seconds(1200), interval: .milliseconds(20)) {
            if let failed = try cluster.metric("reloader_resyncs_total{result=\"error\"}"), failed > 0 {
                throw BenchError.unexpected("a resync pass failed (see reloader's log)")
            }
            return try cluster.resyncPasses() >= 2
        }
        let entries = cluster.reloaderRequests()
        // A pass that began before the log was cleared would be counted short: its first list pages are missing.
        let pages = (layout.perNamespace * layout.namespaces + 499) / 500
        guard RequestTally(entries).count("list deployments") == pages else {
            throw BenchError.unexpected("the second pass began before the log was cleared; raise --resync-period")
        }
        let resync = Resync(
            tally: RequestTally(entries), entries: entries, log: try resyncLine(occurrence: 2),
            rssKiB: cluster.reloaderStatusKiB("VmRSS"),
            peakKiB: cluster.reloaderStatusKiB("VmHWM"),
            indexReferences: Int(try cluster.metric("reloader_index_references") ?? 0),
            responseBytes: ResponseBytes.computed(entries, store: cluster.sim.store),
            startupEntries: startupEntries, firstReadiness: readiness)
        cluster.stopReloader()
        return (single, shared, resync)
    }

    /// Changes `config` (a merge patch of one data key, from this process) and counts reloader's requests until
    /// every user rolled out once and the queue is empty.
    private func reload(_ config: String, in namespace: String, users: [String]) throws -> Reload {
        let store = cluster.sim.store
        func rolled() -> [RolloutRecord] {
            let names = Set(users)
            return store.rollouts(namespace: namespace, kind: "Deployment").filter { names.contains($0.name) }
        }
        let before = rolled().count
        let namespaceBefore = store.rollouts(namespace: namespace).count
        cluster.requestLog.clear()
        let start = Date()
        let path = ResourcePath(resource: "configmaps", namespace: namespace, name: config)
        _ = try cluster.client.patch(path, ["data": ["revision": .string("changed")]], type: .merge)
        try cluster.waitFor("\(users.count) rollouts after changing \(namespace)/\(config)", timeout: .seconds(120)) {
            rolled().count >= before + users.count
        }
        try cluster.settle()
        let records = rolled()
        let extra = store.rollouts(namespace: namespace).count - namespaceBefore - users.count
        guard records.count == before + users.count, extra == 0, Set(records.map(\.name)) == Set(users) else {
            throw BenchError.unexpected(
                "changing \(config) rolled out \(records.count - before) of its \(users.count) users and \(extra) others"
            )
        }
        let last = records.suffix(users.count).map(\.time).max() ?? start
        let entries = cluster.reloaderRequests()
        return Reload(
            config: config, namespace: namespace, users: users, tally: RequestTally(entries),
            entries: entries, span: last.timeIntervalSince(start),
            responseBytes: ResponseBytes.computed(entries, store: store))
    }

    /// The fields of reloader's `occurrence`-th "resync finished" line (`duration_ms=… workloads=…`).
    private func resyncLine(occurrence: Int) throws -> [String: String] {
        let lines = (cluster.reloader?.stderr ?? "").split(separator: "\n").filter { $0.contains(": resync finished") }
        guard lines.count >= occurrence else {
            throw BenchError.unexpected(
                "reloader logged \(lines.count) \"resync finished\" lines, expected \(occurrence)")
        }
        var fields: [String: String] = [:]
        for part in lines[occurrence - 1].split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        return fields
    }
}
