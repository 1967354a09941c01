/// The reload engine's metrics, read from their owners at scrape time (a Prometheus collector in all but name): the
/// queue's counters are read on the queue itself, so a scrape that follows an admission review sees the plans that
/// review enqueued. Reloader's names where it has them (contract §11), ours beside them. Immutable; thread-safe
/// when the closures are.
public struct EngineMetrics: Sendable {
    /// The live values, each read once per scrape.
    public struct Sources: Sendable {
        public var queue: @Sendable () -> ReloadQueueStateMachine.Counters
        /// Workloads and (config → workload) references in the current index.
        public var index: @Sendable () -> (workloads: Int, references: Int)
        public var isLeader: @Sendable () -> Bool
        public var resync: @Sendable () -> ResyncLoop.Status
        /// The alert notifier's counters (all zero when alerts are off).
        public var alerts: @Sendable () -> AlertNotifier.Counters

        public init(
            queue: @escaping @Sendable () -> ReloadQueueStateMachine.Counters,
            index: @escaping @Sendable () -> (workloads: Int, references: Int),
            isLeader: @escaping @Sendable () -> Bool,
            resync: @escaping @Sendable () -> ResyncLoop.Status = { ResyncLoop.Status() },
            alerts: @escaping @Sendable () -> AlertNotifier.Counters = { AlertNotifier.Counters() }
        ) {
            self.queue = queue
            self.index = index
            self.isLeader = isLeader
            self.resync = resync
            self.alerts = alerts
        }
    }

    private let sources: Sources

    public init(sources: Sources) {
        self.sources = sources
    }

    /// Prometheus text exposition format 0.0.4.
    public func render() -> String {
        let queue = sources.queue()
        let index = sources.index()
        let resync = sources.resync()
        let alerts = sources.alerts()
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Int)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { text += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        family(
            "reloader_reload_executed_total", "counter", "Reloads carried out, by success (Reloader's metric).",
            [("{success=\"true\"}", queue.reloadsSucceeded), ("{success=\"false\"}", queue.dropped[.failed] ?? 0)])
        family("reloader_workqueue_depth", "gauge", "Reload plans pending (Reloader's metric).", [("", queue.depth)])
        family(
            "reloader_workqueue_adds_total", "counter", "Reload plans handed to the queue (Reloader's metric).",
            [("", queue.added)])
        family(
            "reloader_queue_coalesced_total", "counter",
            "Plans folded into a reload another plan of the same workload caused.", [("", queue.coalesced)])
        family(
            "reloader_queue_dropped_total", "counter", "Plans that left the queue without a reload, by reason.",
            ReloadQueueStateMachine.DropReason.allCases.map { ("{reason=\"\($0.rawValue)\"}", queue.dropped[$0] ?? 0) })
        family(
            "reloader_index_workloads", "gauge", "Workloads in the reverse index.", [("", index.workloads)])
        family(
            "reloader_index_references", "gauge", "Config-to-workload references in the reverse index.",
            [("", index.references)])
        family(
            "reloader_resyncs_total", "counter", "Resync passes (workload lists and index swap), by result.",
            [("{result=\"success\"}", resync.passes - resync.failures), ("{result=\"error\"}", resync.failures)])
        family(
            "reloader_reconcile_total", "counter",
            "Workloads the reconciler went through, by result, once per pass (Reloader's metric, Δ per item).",
            [
                ("{result=\"success\"}", resync.reconciled.checked),
                ("{result=\"skipped\"}", resync.reconciled.skipped),
                ("{result=\"error\"}", resync.reconciled.errors),
            ])
        family(
            "reloader_reconcile_enqueued_total", "counter", "Reloads the reconciler enqueued for stale markers.",
            [("", resync.reconciled.enqueued)])
        family(
            "reloader_alerts_total", "counter", "Reload alerts, by result (dropped: backlog full or shutting down).",
            [
                ("{result=\"sent\"}", alerts.sent), ("{result=\"failed\"}", alerts.failed),
                ("{result=\"dropped\"}", alerts.dropped),
            ])
        family(
            "reloader_leader", "gauge", "1 while this replica holds the leader Lease (or HA is off).",
            [("", sources.isLeader() ? 1 : 0)])
        return text
    }
}
