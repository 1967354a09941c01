/// Where the engine's parts report what they did, for the metrics of contract §11 that are counted as they happen
/// (the ones read from their owners at scrape time are `EngineMetrics`). The parts decide; this only counts: each
/// call names a bounded label value (an enum, a workload kind), never a string taken from a request, except the
/// namespace of `reloadExecuted`, which only `METRICS_COUNT_BY_NAMESPACE=enabled` turns into a label (as Reloader).
///
/// Called from the admission event loops, the reload queue's workers and the resync loop, all at once:
/// implementations must be thread-safe and cheap (no registry look-up per call on the admission path).
public protocol ReloaderMetricsRecorder: Sendable {
    /// One `POST /validate` answered: decode plus decide, by operation and what came of it.
    func admissionReviewed(_ operation: AdmissionMetricOperation, _ result: AdmissionMetricResult, duration: Duration)
    /// A config review that Reloader's informer would have seen: `reloader_events_received_total`.
    func eventReceived(_ event: ConfigEventType, _ resource: ConfigKind)
    /// The admission side finished with a received event: `reloader_events_processed_total`.
    func eventProcessed(_ event: ConfigEventType, _ resource: ConfigKind, _ result: EventMetricResult)
    func skipped(_ reason: SkipMetricReason)
    /// One indexed workload looked at for a config change (a candidate of the reverse index).
    func workloadScanned(_ kind: WorkloadKind)
    /// One workload the policy selected for a reload.
    func workloadMatched(_ kind: WorkloadKind)
    /// One reload write (a patch, a Job created, a Job deleted and re-created) ended; `latency` runs from the start
    /// of the attempt (the workload's GET) to the end of the write, as Reloader's `actionStartTime`.
    func actionFinished(_ kind: WorkloadKind, succeeded: Bool, latency: Duration)
    /// A reload done (`true`, once per reload) or given up (`false`, once per plan), for the by-namespace counter.
    func reloadExecuted(succeeded: Bool, namespace: String)
    /// Time from a plan's enqueue to the start of its workload's reload.
    func queueLatency(_ duration: Duration)
    func error(_ type: ErrorMetricType)
    /// One reconcile pass ended (the items are counted in `reloader_reconcile_total`).
    func reconcilePass(_ result: ReconcileMetricResult, duration: Duration)
}

/// Counts nothing: the default of every part, so tests and tools that need no metrics pass none.
public struct NoReloaderMetrics: ReloaderMetricsRecorder {
    public init() {}
    public func admissionReviewed(
        _ operation: AdmissionMetricOperation, _ result: AdmissionMetricResult, duration: Duration
    ) {}
    public func eventReceived(_ event: ConfigEventType, _ resource: ConfigKind) {}
    public func eventProcessed(_ event: ConfigEventType, _ resource: ConfigKind, _ result: EventMetricResult) {}
    public func skipped(_ reason: SkipMetricReason) {}
    public func workloadScanned(_ kind: WorkloadKind) {}
    public func workloadMatched(_ kind: WorkloadKind) {}
    public func actionFinished(_ kind: WorkloadKind, succeeded: Bool, latency: Duration) {}
    public func reloadExecuted(succeeded: Bool, namespace: String) {}
    public func queueLatency(_ duration: Duration) {}
    public func error(_ type: ErrorMetricType) {}
    public func reconcilePass(_ result: ReconcileMetricResult, duration: Duration) {}
}

/// `reloader_skipped_total{reason}`: Reloader's three values (its `controller.go`, `handler/update.go`,
/// `handler/upgrade.go`).
public enum SkipMetricReason: String, Sendable, Hashable, CaseIterable {
    /// Filters (namespaces, selectors), `ignore: "true"`, or the policy said no for a candidate workload.
    case ignoredOrNotSelected = "ignored_or_not_selected"
    /// Same content hash: a labels- or annotations-only write.
    case noDataChange = "no_data_change"
    /// The workload already carries the hash: the write would change nothing (`ReloadOutcome.skipped`).
    case strategyNotUpdated = "strategy_not_updated"
}

/// `reloader_errors_total{type}`. Reloader counts a failed handler run as `handler_error`; a failed reload attempt
/// is ours. The others have no Reloader counterpart (its informers never see a malformed object).
public enum ErrorMetricType: String, Sendable, Hashable, CaseIterable {
    /// A reload attempt failed (its GET or its write); the queue retries or gives up.
    case handlerError = "handler_error"
    /// A read of a config while confirming its write persisted failed.
    case confirmationError = "confirmation_error"
    /// A resync pass failed (a list error).
    case resyncError = "resync_error"
    /// A `POST /validate` body that is not an AdmissionReview (answered 400 or 415).
    case admissionRejected = "admission_rejected"
    /// A config review whose content cannot be hashed (Secret data not base64, no object).
    case unreadableConfig = "unreadable_config"
}

/// `event_type` of the event counters: Reloader's informer callbacks `add`, `update`, `delete`.
public enum ConfigEventType: String, Sendable, Hashable, CaseIterable {
    case add, update, delete

    /// nil for CONNECT, which no informer reports.
    public init?(_ operation: AdmissionOperation) {
        switch operation {
        case .create: self = .add
        case .update: self = .update
        case .delete: self = .delete
        case .connect: return nil
        }
    }
}

/// `result` of `reloader_events_processed_total`.
public enum EventMetricResult: String, Sendable, Hashable, CaseIterable {
    case success, dropped
}

/// `result` of `reloader_reconcile_total` and `reloader_reconcile_duration_seconds`.
public enum ReconcileMetricResult: String, Sendable, Hashable, CaseIterable {
    case success, error, skipped
}

/// `operation` of the admission metrics: the review's operation, `unknown` when the body could not be decoded.
public enum AdmissionMetricOperation: String, Sendable, Hashable, CaseIterable {
    case create = "CREATE"
    case update = "UPDATE"
    case delete = "DELETE"
    case connect = "CONNECT"
    case unknown

    public init(_ operation: AdmissionOperation) {
        switch operation {
        case .create: self = .create
        case .update: self = .update
        case .delete: self = .delete
        case .connect: self = .connect
        }
    }
}

/// `result` of `reloader_admission_requests_total`: what one review led to.
public enum AdmissionMetricResult: String, Sendable, Hashable, CaseIterable {
    /// A config review that enqueued at least one reload.
    case enqueued
    /// A config review with nothing to reload (no change, filtered, no workload selected).
    case skipped
    /// Answered with the plan only (`X-Reloader-DryRun: true` or `--dry-run`).
    case dryRun = "dry_run"
    /// `--webhook-url`: the change was posted there instead of reloaded.
    case notified
    /// A workload or Namespace review that updated the index or the namespace labels.
    case indexed
    /// Any other review (a kind reloader does not act on).
    case ignored
    /// The body was not an AdmissionReview (400 or 415).
    case rejected
}

extension ConfigKind {
    /// `resource_type` of the event counters: the resource Reloader's controller watches.
    public var metricResourceType: String {
        switch self {
        case .configMap: "configmaps"
        case .secret: "secrets"
        case .secretProviderClass: "secretproviderclasspodstatuses"
        }
    }
}
