import Testing

@testable import Reloader

@Suite("engine metrics")
struct EngineMetricsTests {
    @Test("Reloader's metric names and ours, with the values read from their sources at render time")
    func rendersLiveValues() {
        var counters = ReloadQueueStateMachine.Counters()
        counters.depth = 3
        counters.added = 7
        counters.coalesced = 2
        counters.reloadsSucceeded = 4
        counters.dropped = [.failed: 1, .notPersisted: 5]
        counters.reloadRetries = 6
        let metrics = EngineMetrics(
            sources: .init(
                queue: { [counters] in counters }, index: { (workloads: 10, references: 30) }, isLeader: { true }))
        let lines = Set(metrics.render().split(separator: "\n").map(String.init))
        for expected in [
            "reloader_reload_executed_total{success=\"true\"} 4", "reloader_reload_executed_total{success=\"false\"} 1",
            "reloader_workqueue_depth 3", "reloader_workqueue_adds_total 7", "reloader_queue_coalesced_total 2",
            "reloader_queue_dropped_total{reason=\"not_persisted\"} 5",
            "reloader_queue_dropped_total{reason=\"queue_full\"} 0", "reloader_index_workloads 10",
            "reloader_index_references 30", "reloader_leader 1", "# TYPE reloader_workqueue_depth gauge",
            "reloader_retries_total 6", "reloader_confirmation_giveups_total 5",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
    }

    @Test("reloader_alerts_total by result: zeros without alerts, the notifier's counters with them")
    func alertCounters() {
        let base = EngineMetrics.Sources(
            queue: { ReloadQueueStateMachine.Counters() }, index: { (0, 0) }, isLeader: { true })
        let off = Set(EngineMetrics(sources: base).render().split(separator: "\n").map(String.init))
        for result in ["sent", "failed", "dropped"] {
            #expect(off.contains("reloader_alerts_total{result=\"\(result)\"} 0"), "\(result)")
        }
        var on = base
        on.alerts = { AlertNotifier.Counters(sent: 5, failed: 2, dropped: 9) }
        let lines = Set(EngineMetrics(sources: on).render().split(separator: "\n").map(String.init))
        #expect(lines.contains("# TYPE reloader_alerts_total counter"))
        #expect(lines.contains("reloader_alerts_total{result=\"sent\"} 5"))
        #expect(lines.contains("reloader_alerts_total{result=\"failed\"} 2"))
        #expect(lines.contains("reloader_alerts_total{result=\"dropped\"} 9"))
    }

    @Test("the queue counts every plan handed to it, dropped ones included")
    func queueCountsAdds() {
        var machine = ReloadQueueStateMachine(options: .init(maxPending: 1))
        let now = ContinuousClock.now
        let plan = PlannedReload(
            workload: WorkloadRef(kind: .deployment, namespace: "n", name: "w"),
            config: ConfigRef(kind: .configMap, namespace: "n", name: "c"), hash: "h", trigger: .named, container: 0,
            operation: .update)
        _ = machine.enqueue(plan, now: now)
        var other = plan
        other.workload.name = "x"
        _ = machine.enqueue(other, now: now)
        #expect(machine.counters.added == 2)
        #expect(machine.counters.depth == 1)
        #expect(machine.counters.dropped[.queueFull] == 1)
    }

    @Test("before the first successful resync the resync gauges have no sample (an age of 0 would be a lie)")
    func noResyncYet() {
        let metrics = EngineMetrics(
            sources: .init(queue: { ReloadQueueStateMachine.Counters() }, index: { (0, 0) }, isLeader: { false }))
        let lines = metrics.render().split(separator: "\n")
        #expect(lines.contains("# TYPE reloader_last_resync_age_seconds gauge"))
        #expect(!lines.contains { $0.hasPrefix("reloader_last_resync_age_seconds ") })
        #expect(!lines.contains { $0.hasPrefix("reloader_last_resync_timestamp_seconds ") })
        #expect(!lines.contains { $0.hasPrefix("reloader_last_resync_duration_seconds ") })
    }
}
