/// Hands each reload outcome to several sinks in order: the Kubernetes Event recorder and the alert notifier when
/// alerts are on. Each sink queues its own work, so the fan-out adds nothing to the reload's path. Thread-safe when
/// its sinks are (they must be: `ReloadEventSink` is `Sendable`).
public struct ReloadEventFanOut: ReloadEventSink {
    public let sinks: [any ReloadEventSink]

    public init(_ sinks: [any ReloadEventSink]) {
        self.sinks = sinks
    }

    /// The sinks that are there, as one: nil for none, the sink itself for one, a fan-out for more (the reloader
    /// gets the Event recorder, plus the alert notifier when alerts are on).
    public static func combining(_ sinks: [(any ReloadEventSink)?]) -> (any ReloadEventSink)? {
        let present = sinks.compactMap { $0 }
        return present.count > 1 ? ReloadEventFanOut(present) : present.first
    }

    public func reloaded(_ workload: WorkloadRef, uid: String?, change: ConfigChange) {
        for sink in sinks { sink.reloaded(workload, uid: uid, change: change) }
    }

    public func failed(_ workload: WorkloadRef, uid: String?, configs: [ConfigRef], reason: String) {
        for sink in sinks { sink.failed(workload, uid: uid, configs: configs, reason: reason) }
    }
}
