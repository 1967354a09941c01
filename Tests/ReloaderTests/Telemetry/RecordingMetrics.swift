import Synchronization

@testable import Reloader

/// A `ReloaderMetricsRecorder` that keeps every call, for the tests of where each counter is counted.
final class RecordingMetrics: ReloaderMetricsRecorder {
    enum Event: Hashable {
        case admission(AdmissionMetricOperation, AdmissionMetricResult)
        case received(ConfigEventType, ConfigKind)
        case processed(ConfigEventType, ConfigKind, EventMetricResult)
        case skipped(SkipMetricReason)
        case scanned(WorkloadKind)
        case matched(WorkloadKind)
        case action(WorkloadKind, succeeded: Bool)
        case executed(succeeded: Bool, namespace: String)
        case queueLatency
        case error(ErrorMetricType)
        case reconcile(ReconcileMetricResult)
    }

    private let events = Mutex<[Event]>([])
    /// Every latency and duration recorded, in order.
    let durations = Mutex<[Duration]>([])

    var all: [Event] { events.withLock { $0 } }

    func count(_ event: Event) -> Int { all.count { $0 == event } }

    /// The events other than the admission request itself (whose order is fixed by the handler).
    var multiset: [Event: Int] { all.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    private func add(_ event: Event, _ duration: Duration? = nil) {
        events.withLock { $0.append(event) }
        if let duration { durations.withLock { $0.append(duration) } }
    }

    func admissionReviewed(
        _ operation: AdmissionMetricOperation, _ result: AdmissionMetricResult, duration: Duration
    ) { add(.admission(operation, result), duration) }
    func eventReceived(_ event: ConfigEventType, _ resource: ConfigKind) { add(.received(event, resource)) }
    func eventProcessed(_ event: ConfigEventType, _ resource: ConfigKind, _ result: EventMetricResult) {
        add(.processed(event, resource, result))
    }
    func skipped(_ reason: SkipMetricReason) { add(.skipped(reason)) }
    func workloadScanned(_ kind: WorkloadKind) { add(.scanned(kind)) }
    func workloadMatched(_ kind: WorkloadKind) { add(.matched(kind)) }
    func actionFinished(_ kind: WorkloadKind, succeeded: Bool, latency: Duration) {
        add(.action(kind, succeeded: succeeded), latency)
    }
    func reloadExecuted(succeeded: Bool, namespace: String) {
        add(.executed(succeeded: succeeded, namespace: namespace))
    }
    func queueLatency(_ duration: Duration) { add(.queueLatency, duration) }
    func error(_ type: ErrorMetricType) { add(.error(type)) }
    func reconcilePass(_ result: ReconcileMetricResult, duration: Duration) { add(.reconcile(result), duration) }
}
