public import Prometheus

/// The metrics of contract §11 counted as they happen, in the same swift-prometheus registry as `ServerMetrics`
/// (so one `/metrics` renders them). Every label set with bounded values is created at `init`, at 0, and kept in
/// arrays indexed by `MetricLabelValue.position` (dictionaries off the admission path): a call takes no registry
/// lock and hashes no label string (the reason of `ServerMetrics.validatedOK`). Only `reloader_reload_executed_total_by_namespace` looks its counter up per call,
/// as its namespace label is open-ended; it exists only with `METRICS_COUNT_BY_NAMESPACE=enabled` (Reloader too).
///
/// Reloader pre-initialises only `reload_executed_total`; we create every bounded label set at 0 so each family
/// is on `/metrics` from the start and `rate()` sees the first increment. Thread-safe: only `let`s, and
/// swift-prometheus's metric types are atomics or locked boxes.
public final class ReloaderMetrics: ReloaderMetricsRecorder {
    /// Reloader's buckets (`internal/pkg/metrics/prometheus.go`), in seconds.
    static let reconcileBuckets = seconds([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
    static let actionBuckets = seconds([0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
    static let queueBuckets = seconds([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])

    private struct ActionKey: Hashable {
        var kind: WorkloadKind
        var succeeded: Bool
    }

    private let registry: PrometheusCollectorRegistry
    private let countsByNamespace: Bool
    /// By operation, then result.
    private let admissions: [[Counter]]
    private let admissionDurations: [DurationHistogram]
    /// By event type, then config kind.
    private let received: [[Counter]]
    /// By event type, then config kind, then result.
    private let processed: [[[Counter]]]
    private let skips: [Counter]
    private let scanned: [Counter]
    private let matched: [Counter]
    private let actions: [ActionKey: Counter]
    private let actionLatencies: [WorkloadKind: DurationHistogram]
    private let queueLatencies: DurationHistogram
    private let errors: [ErrorMetricType: Counter]
    private let reconcileDurations: [ReconcileMetricResult: DurationHistogram]

    /// - Parameter countsByNamespace: `METRICS_COUNT_BY_NAMESPACE=enabled` (`ReloaderConfiguration`).
    public init(registry: PrometheusCollectorRegistry, countsByNamespace: Bool = false) {
        self.registry = registry
        self.countsByNamespace = countsByNamespace
        func counters<Key: Hashable>(
            _ name: String, _ help: String, _ keys: [Key], labels: (Key) -> [(String, String)]
        ) -> [Key: Counter] {
            let descriptor = Self.descriptor(name, help)
            return Dictionary(
                uniqueKeysWithValues: keys.map {
                    ($0, registry.makeCounter(descriptor: descriptor, labels: labels($0)))
                })
        }
        func histograms<Key: Hashable>(
            _ name: String, _ help: String, _ keys: [Key], buckets: [Duration], labels: (Key) -> [(String, String)]
        ) -> [Key: DurationHistogram] {
            let descriptor = Self.descriptor(name, help)
            return Dictionary(
                uniqueKeysWithValues: keys.map {
                    ($0, registry.makeDurationHistogram(descriptor: descriptor, labels: labels($0), buckets: buckets))
                })
        }
        let kinds = WorkloadKind.allCases
        func counter(_ descriptor: MetricNameDescriptor, _ labels: [(String, String)]) -> Counter {
            registry.makeCounter(descriptor: descriptor, labels: labels)
        }
        let admissionRequests = Self.descriptor(
            "reloader_admission_requests_total", "Admission reviews answered, by operation and what came of them.")
        admissions = AdmissionMetricOperation.positioned { operation in
            AdmissionMetricResult.positioned { result in
                counter(admissionRequests, [("operation", operation.rawValue), ("result", result.rawValue)])
            }
        }
        let admissionDuration = Self.descriptor(
            "reloader_admission_duration_seconds", "Time to decode and decide one admission review, by operation.")
        admissionDurations = AdmissionMetricOperation.positioned {
            registry.makeDurationHistogram(
                descriptor: admissionDuration, labels: [("operation", $0.rawValue)],
                buckets: ServerMetrics.durationBuckets)
        }
        let eventsReceived = Self.descriptor(
            "reloader_events_received_total", "Config reviews received, by event and resource type (Reloader's).")
        received = ConfigEventType.positioned { event in
            ConfigKind.positioned { kind in
                counter(eventsReceived, [("event_type", event.rawValue), ("resource_type", kind.metricResourceType)])
            }
        }
        let eventsProcessed = Self.descriptor(
            "reloader_events_processed_total", "Config events the admission side finished, by result (Reloader's).")
        processed = ConfigEventType.positioned { event in
            ConfigKind.positioned { kind in
                EventMetricResult.positioned { result in
                    counter(
                        eventsProcessed,
                        [
                            ("event_type", event.rawValue), ("resource_type", kind.metricResourceType),
                            ("result", result.rawValue),
                        ])
                }
            }
        }
        let skipped = Self.descriptor("reloader_skipped_total", "Reloads not done, by reason (Reloader's).")
        skips = SkipMetricReason.positioned { counter(skipped, [("reason", $0.rawValue)]) }
        let workloadsScanned = Self.descriptor(
            "reloader_workloads_scanned_total", "Indexed workloads looked at for a config change (Reloader's).")
        scanned = WorkloadKind.positioned { counter(workloadsScanned, [("kind", $0.rawValue)]) }
        let workloadsMatched = Self.descriptor(
            "reloader_workloads_matched_total", "Workloads selected for a reload (Reloader's).")
        matched = WorkloadKind.positioned { counter(workloadsMatched, [("kind", $0.rawValue)]) }
        actions = counters(
            "reloader_action_total", "Reload writes, by workload kind and result (Reloader's).",
            kinds.flatMap { [ActionKey(kind: $0, succeeded: true), ActionKey(kind: $0, succeeded: false)] }
        ) { [("workload_kind", $0.kind.rawValue), ("result", $0.succeeded ? "success" : "error")] }
        actionLatencies = histograms(
            "reloader_action_latency_seconds", "Time from the start of a reload attempt to its write (Reloader's).",
            kinds, buckets: Self.actionBuckets
        ) { [("workload_kind", $0.rawValue)] }
        queueLatencies = registry.makeDurationHistogram(
            descriptor: Self.descriptor(
                "reloader_workqueue_latency_seconds", "Time from a plan's enqueue to its reload's start (Reloader's)."),
            buckets: Self.queueBuckets)
        errors = counters(
            "reloader_errors_total", "Errors, by type (Reloader's name).", ErrorMetricType.allCases
        ) { [("type", $0.rawValue)] }
        reconcileDurations = histograms(
            "reloader_reconcile_duration_seconds", "Time of one reconcile pass, by result (Reloader's name).",
            ReconcileMetricResult.allCases, buckets: Self.reconcileBuckets
        ) { [("result", $0.rawValue)] }
    }

    // MARK: ReloaderMetricsRecorder

    public func admissionReviewed(
        _ operation: AdmissionMetricOperation, _ result: AdmissionMetricResult, duration: Duration
    ) {
        admissions[operation.position][result.position].increment()
        admissionDurations[operation.position].record(duration)
    }

    public func eventReceived(_ event: ConfigEventType, _ resource: ConfigKind) {
        received[event.position][resource.position].increment()
    }

    public func eventProcessed(_ event: ConfigEventType, _ resource: ConfigKind, _ result: EventMetricResult) {
        processed[event.position][resource.position][result.position].increment()
    }

    public func skipped(_ reason: SkipMetricReason) { skips[reason.position].increment() }
    public func workloadScanned(_ kind: WorkloadKind) { scanned[kind.position].increment() }
    public func workloadMatched(_ kind: WorkloadKind) { matched[kind.position].increment() }

    public func actionFinished(_ kind: WorkloadKind, succeeded: Bool, latency: Duration) {
        actions[ActionKey(kind: kind, succeeded: succeeded)]?.increment()
        actionLatencies[kind]?.record(latency)
    }

    public func reloadExecuted(succeeded: Bool, namespace: String) {
        guard countsByNamespace else { return }
        registry.makeCounter(
            descriptor: Self.byNamespace, labels: [("success", succeeded ? "true" : "false"), ("namespace", namespace)]
        ).increment()
    }

    public func queueLatency(_ duration: Duration) { queueLatencies.record(duration) }
    public func error(_ type: ErrorMetricType) { errors[type]?.increment() }

    public func reconcilePass(_ result: ReconcileMetricResult, duration: Duration) {
        reconcileDurations[result]?.record(duration)
    }

    // MARK: Descriptors

    private static var byNamespace: MetricNameDescriptor {
        descriptor("reloader_reload_executed_total_by_namespace", "Reloads carried out, by success and namespace.")
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    private static func seconds(_ values: [Double]) -> [Duration] {
        values.map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
    }
}
