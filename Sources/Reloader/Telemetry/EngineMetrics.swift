/// The reload engine's metrics, read from their owners at scrape time (a Prometheus collector in all but name): the
/// queue's counters are read on the queue itself, so a scrape that follows an admission review sees the plans that
/// review enqueued. Reloader's names where it has them (contract §11), ours beside them; the metrics counted as
/// they happen are `ReloaderMetrics`, in the registry (no family here may share a name with one there).
/// Immutable; thread-safe when the closures are.
public struct EngineMetrics: Sendable {
    /// The live values, each read once per scrape.
    public struct Sources: Sendable {
        public var queue: @Sendable () -> ReloadQueueStateMachine.Counters
        /// Workloads and (config → workload) references in the current index.
        public var index: @Sendable () -> (workloads: Int, references: Int)
        public var isLeader: @Sendable () -> Bool
        public var resync: @Sendable () -> ResyncLoop.Status
        /// The clock `ResyncLoop.Status.lastSuccess` was read on, for the resync age.
        public var now: @Sendable () -> ContinuousClock.Instant
        /// Unix time in seconds, for the last resync's timestamp (now minus its age).
        public var unixTime: @Sendable () -> Double
        /// The alert notifier's counters (all zero when alerts are off).
        public var alerts: @Sendable () -> AlertNotifier.Counters

        public init(
            queue: @escaping @Sendable () -> ReloadQueueStateMachine.Counters,
            index: @escaping @Sendable () -> (workloads: Int, references: Int),
            isLeader: @escaping @Sendable () -> Bool,
            resync: @escaping @Sendable () -> ResyncLoop.Status = { ResyncLoop.Status() },
            now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
            unixTime: @escaping @Sendable () -> Double = UnixTime.exact,
            alerts: @escaping @Sendable () -> AlertNotifier.Counters = { AlertNotifier.Counters() }
        ) {
            self.queue = queue
            self.index = index
            self.isLeader = isLeader
            self.resync = resync
            self.now = now
            self.unixTime = unixTime
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
            seconds(name, type, help, samples.map { ($0.labels, String($0.value)) })
        }
        /// A family whose values are already rendered (seconds as decimals); no samples while unknown.
        func seconds(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
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
            "reloader_retries_total", "counter",
            "Reloads tried again after a failure and a backoff (Reloader's metric).",
            [("", queue.reloadRetries)])
        family(
            "reloader_confirmation_giveups_total", "counter",
            "Plans dropped because the config write never showed up persisted (queue drop reason not_persisted).",
            [("", queue.dropped[.notPersisted] ?? 0)])
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
        let age = resync.lastSuccess.map { $0.duration(to: sources.now()) }.map(Self.seconds)
        seconds(
            "reloader_last_resync_duration_seconds", "gauge", "How long the last resync pass took, failed or not.",
            resync.lastDuration.map { [("", Self.decimal(Self.seconds($0)))] } ?? [])
        seconds(
            "reloader_last_resync_timestamp_seconds", "gauge", "When the last successful resync pass ended, Unix time.",
            age.map { [("", Self.decimal(sources.unixTime() - $0))] } ?? [])
        seconds(
            "reloader_last_resync_age_seconds", "gauge", "Time since the last successful resync pass ended.",
            age.map { [("", Self.decimal($0))] } ?? [])
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

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Swift's shortest exact form, which Prometheus parses (no exponent below 1e16).
    static func decimal(_ value: Double) -> String { "\(value)" }
}
