import Foundation
import KubeSim
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Reloader

/// The reconciler and the resync loop against kube-sim: markers compared with what the API stores, passes on a
/// short injected period, the leader-only steps, and the retry after a failed list.
@Suite("Resync against kube-sim")
struct ResyncAgainstSimTests {
    typealias F = ResyncFixtures

    static let appData = ["port": "8080", "log_level": "debug"]
    static let appHash = "8d8f29b2a79932569402720b08d1014ae00c809f"  // contract §3 worked example
    static let marker = "STAKATER_APP_CONFIG_CONFIGMAP"

    /// A cluster with `app-config` and two auto Deployments that use it: `stale` carries an old hash, `current`
    /// the stored one.
    static func seed(_ harness: SimClientHarness) throws {
        try harness.createConfigMap("app-config", data: appData)
        let auto = ["reloader.stakater.com/auto": "true"]
        try harness.createWorkload(
            .deployment, "stale", configMap: "app-config", env: [marker: "0000"], annotations: auto)
        try harness.createWorkload(
            .deployment, "current", configMap: "app-config", env: [marker: appHash], annotations: auto)
    }

    static func reconciler(_ client: KubeClient, _ sink: RecordingReloadSink) -> Reconciler {
        Reconciler(options: .init(), reader: KubeConfigReader(client: client), sink: sink, logger: F.logger)
    }

    @Test("a Deployment whose env var holds a stale hash is enqueued, one with the stored hash is not")
    func reconcileEndToEnd() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try Self.seed(harness)
        let client = try harness.client()
        let store = IndexStore()
        let index = try F.lister(client).resync(into: store)
        try harness.clearRequests()

        let sink = RecordingReloadSink()
        let report = Self.reconciler(client, sink).reconcile(index)
        #expect(
            sink.all == [
                PlannedReload(
                    workload: WorkloadRef(kind: .deployment, namespace: "default", name: "stale"),
                    config: ConfigRef(kind: .configMap, namespace: "default", name: "app-config"), hash: Self.appHash,
                    trigger: .auto, container: 0, operation: .update)
            ])
        #expect(report.checked == 2 && report.enqueued == 1 && report.errors == 0)
        // One GET of the one config both markers name; nothing listed.
        #expect(
            try harness.requests().map(\.description) == ["GET /api/v1/namespaces/default/configmaps/app-config? 200"])
    }

    @Test("the loop passes again after its period; reconcile and the hook run only while leader")
    func periodicAndLeaderOnly() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try Self.seed(harness)
        let client = try harness.client()
        let sink = RecordingReloadSink()
        let leader = Atomic<Bool>(false)
        let hooks = Atomic<Int>(0)
        let store = IndexStore()
        let loop = ResyncLoop(
            store: store, lister: F.lister(client), reconciler: Self.reconciler(client, sink),
            isLeader: { leader.load(ordering: .relaxed) }, afterResync: { hooks.add(1, ordering: .relaxed) },
            schedule: ResyncSchedule(period: .milliseconds(50)), clock: ContinuousClock(), logger: F.logger)
        defer { loop.stop() }
        #expect(!loop.isReady)
        loop.start()

        try await waitUntil("two passes as a follower") { loop.status.passes >= 2 }
        #expect(loop.isReady)
        #expect(loop.status.indexSize == 2 && store.snapshot.count == 2)
        #expect(sink.all.isEmpty && hooks.load(ordering: .relaxed) == 0)
        #expect(loop.status.lastReconcile == nil)
        let delay = try #require(loop.status.nextDelay)
        #expect(delay >= .milliseconds(45) && delay <= .milliseconds(55))

        leader.store(true, ordering: .relaxed)
        try await waitUntil("a reconcile and the hook as leader") {
            !sink.all.isEmpty && hooks.load(ordering: .relaxed) >= 1
        }
        #expect(Set(sink.all.map(\.workload.name)) == ["stale"])
        #expect(loop.status.lastReconcile?.enqueued == 1)
    }

    @Test("a failed pass is retried with backoff long before the period; the index of the retry is swapped in")
    func failedPassRetriedSooner() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try Self.seed(harness)
        let client = try harness.client(retry: RetryPolicy(maximumRetries: 0))
        try harness.fault(["verb": "list", "resource": "deployments", "kind": "status", "status": 500, "count": 1])
        let hooks = Atomic<Int>(0)
        let loop = ResyncLoop(
            store: IndexStore(), lister: F.lister(client), reconciler: nil, isLeader: { true },
            afterResync: { hooks.add(1, ordering: .relaxed) },
            schedule: ResyncSchedule(period: .seconds(3600), retryBase: .milliseconds(20)), clock: ContinuousClock(),
            logger: F.logger)
        defer { loop.stop() }
        loop.start()

        try await waitUntil("a successful retry after the failed pass") { loop.isReady }
        let status = loop.status
        #expect(status.passes == 2 && status.consecutiveFailures == 0 && status.lastError == nil)
        #expect(status.indexSize == 2 && status.lastSuccess != nil)
        #expect(try #require(status.nextDelay) >= .seconds(3240))
        #expect(hooks.load(ordering: .relaxed) == 1)  // the failed pass skipped the leader steps
        let deploymentLists = try harness.requests().filter { $0.path == "/apis/apps/v1/deployments" }
        #expect(deploymentLists.map(\.status) == [500, 200])
    }

    @Test("with a namespace cache the loop is ready only once the labels are listed too")
    func readyWaitsForNamespaceLabels() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.createNamespace("team-a", labels: ["tier": "prod"])
        let client = try harness.client(retry: RetryPolicy(maximumRetries: 0))
        try harness.fault(["verb": "list", "resource": "namespaces", "kind": "status", "status": 500, "count": 1])
        let cache = NamespaceLabelCache(logger: F.logger)
        let loop = ResyncLoop(
            store: IndexStore(), lister: F.lister(client), namespaceLabels: cache, reconciler: nil,
            isLeader: { false }, schedule: ResyncSchedule(), clock: ContinuousClock(), logger: F.logger)
        defer { loop.stop() }

        let first = loop.runOnce()
        guard case .listFailed(let resource, _, _)? = first else {
            Issue.record("expected the namespace list to fail, got \(String(describing: first))")
            return
        }
        #expect(resource == "namespaces")
        #expect(!loop.isReady && loop.status.consecutiveFailures == 1)
        #expect(loop.runOnce() == nil)
        #expect(loop.isReady && cache.labels(of: "team-a")?["tier"] == "prod")
    }
}

/// A config reader that blocks until released, to hold a reconcile in the middle of its reads.
final class BlockingConfigStateReader: ConfigStateReader {
    private let gate = DispatchSemaphore(value: 0)
    let entered = Atomic<Bool>(false)

    func state(of config: ConfigRef) -> Result<ConfigState?, any Error> {
        entered.store(true, ordering: .relaxed)
        gate.wait()
        return .success(nil)
    }

    func release() { gate.signal() }
}

extension ResyncAgainstSimTests {
    @Test("the loop is ready once the index is swapped in, while the reconcile is still reading configs")
    func readyBeforeTheReconcileEnds() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try Self.seed(harness)
        let client = try harness.client()
        let reader = BlockingConfigStateReader()
        let loop = ResyncLoop(
            store: IndexStore(), lister: F.lister(client),
            reconciler: Reconciler(options: .init(), reader: reader, sink: RecordingReloadSink(), logger: F.logger),
            isLeader: { true }, schedule: ResyncSchedule(period: .seconds(3600)), clock: ContinuousClock(),
            logger: F.logger)
        defer { loop.stop() }
        loop.start()
        try await waitUntil("the reconcile reads a config") { reader.entered.load(ordering: .relaxed) }
        #expect(loop.isReady)
        #expect(loop.status.passes == 0, "the pass has not ended")
        reader.release()
        try await waitUntil("the pass ends") { loop.status.passes == 1 }
    }
}
