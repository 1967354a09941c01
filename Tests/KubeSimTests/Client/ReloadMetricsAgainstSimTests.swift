import Testing

@testable import Reloader

/// The metrics the API-facing parts count, read back from a real registry after real requests to kube-sim: a
/// reload write is one action with its latency, a resync that fails is an error, a reconcile pass is timed.
@Suite("reload metrics against kube-sim")
struct ReloadMetricsAgainstSimTests {
    typealias F = ReloadSimFixtures

    /// The registry of a `ServerMetrics`, which renders it, shared with the `ReloaderMetrics` under test.
    static func lines(_ server: ServerMetrics) -> [String] {
        server.render().split(separator: "\n").map(String.init)
    }

    static func reloader(_ client: KubeClient, _ metrics: ReloaderMetrics) -> KubeWorkloadReloader {
        var options = PolicyOptions()
        options.reloadOnDelete = true
        return KubeWorkloadReloader(client: client, options: options, logger: ResyncFixtures.logger, metrics: metrics)
    }

    @Test("a Deployment patched: one successful action, timed; a repeat that writes nothing is no action")
    func actionSucceeded() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.deployment), .deployment)
        let registry = ServerMetrics()
        let reloader = Self.reloader(try harness.client(), ReloaderMetrics(registry: registry.registry))
        let web = F.ref(.deployment)
        #expect(reloader.reload(web, plans: [F.plan(web, hash: "h1")]) == .success)
        #expect(reloader.reload(web, plans: [F.plan(web, hash: "h1")]) == .skipped(.alreadyCurrent))
        let lines = Self.lines(registry)
        #expect(lines.contains("reloader_action_total{workload_kind=\"Deployment\",result=\"success\"} 1"))
        #expect(lines.contains("reloader_action_total{workload_kind=\"Deployment\",result=\"error\"} 0"))
        #expect(lines.contains("reloader_action_latency_seconds_count{workload_kind=\"Deployment\"} 1"))
    }

    @Test("a write the API server refuses is an action in error")
    func actionFailed() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.deployment), .deployment)
        try harness.fault(["verb": "patch", "resource": "deployments", "kind": "status", "status": 403, "count": 1])
        let registry = ServerMetrics()
        let reloader = Self.reloader(try harness.client(), ReloaderMetrics(registry: registry.registry))
        let web = F.ref(.deployment)
        #expect(reloader.reload(web, plans: [F.plan(web, hash: "h1")]) == .permanentFailure)
        let lines = Self.lines(registry)
        #expect(lines.contains("reloader_action_total{workload_kind=\"Deployment\",result=\"error\"} 1"))
        #expect(lines.contains("reloader_action_total{workload_kind=\"Deployment\",result=\"success\"} 0"))
    }

    @Test("a failed resync pass is a resync_error; a reconcile pass is timed with its result")
    func resyncAndReconcile() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try ResyncAgainstSimTests.seed(harness)
        let client = try harness.client(retry: RetryPolicy(maximumRetries: 0))
        try harness.fault(["verb": "list", "resource": "deployments", "kind": "status", "status": 500, "count": 1])
        let registry = ServerMetrics()
        let reconciler = ResyncAgainstSimTests.reconciler(client, RecordingReloadSink())
        let loop = ResyncLoop(
            store: IndexStore(), lister: ResyncFixtures.lister(client), reconciler: reconciler, isLeader: { true },
            schedule: ResyncSchedule(), clock: ContinuousClock(), logger: ResyncFixtures.logger,
            metrics: ReloaderMetrics(registry: registry.registry))
        defer { loop.stop() }
        #expect(loop.runOnce() != nil)
        #expect(loop.runOnce() == nil)
        let lines = Self.lines(registry)
        #expect(lines.contains("reloader_errors_total{type=\"resync_error\"} 1"))
        // The seed has markers to check and no failed read: one successful pass, the failed one never reconciled.
        #expect(lines.contains("reloader_reconcile_duration_seconds_count{result=\"success\"} 1"))
        #expect(lines.contains("reloader_reconcile_duration_seconds_count{result=\"error\"} 0"))
    }
}
