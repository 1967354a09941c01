import Dispatch
public import Logging
import Synchronization

/// Where the reloader reports what it did to a workload (contract §11: Kubernetes Events on the workload).
public protocol ReloadEventSink: Sendable {
    /// A config change was carried out on the workload (`uid`: the workload's, as read before the write).
    func reloaded(_ workload: WorkloadRef, uid: String?, change: ConfigChange)
    /// A reload of the workload failed for good.
    func failed(_ workload: WorkloadRef, uid: String?, configs: [ConfigRef], reason: String)
}

/// Kubernetes Events on reloaded workloads (contract §11): Normal `Reloaded` with Reloader's key line, Warning
/// `ReloadFail`, source component `reloader-configmaps` / `reloader-secrets` (`reloader-secretproviderclasses`).
/// POSTed to core/v1 on a serial queue of its own, never on the reload's path; at most `qps` per second with
/// bursts of `burst` (a reload storm must not become an Event storm): beyond that they are dropped and counted.
/// An Event that cannot be written is logged, never retried. Thread-safe.
public final class KubeEventRecorder: ReloadEventSink {
    /// What became of the Events so far.
    public struct Counters: Sendable, Hashable {
        public var sent = 0
        public var dropped = 0
        public var failed = 0
    }

    private let client: KubeClient
    private let logger: Logger
    private let queue = DispatchQueue(label: "reloader.events")
    private let state: Mutex<(bucket: TokenBucket, counters: Counters)>
    private let now: @Sendable () -> Int64

    public init(
        client: KubeClient, logger: Logger, qps: Double = 1, burst: Int = 25,
        now: @escaping @Sendable () -> Int64 = UnixTime.now
    ) {
        self.client = client
        self.logger = logger
        self.now = now
        state = Mutex((TokenBucket(qps: qps, burst: burst, now: .now), Counters()))
    }

    public var counters: Counters { state.withLock { $0.counters } }

    /// Blocks until the Events handed in so far are written or given up (tests, shutdown).
    public func drain() { queue.sync {} }

    public func reloaded(_ workload: WorkloadRef, uid: String?, change: ConfigChange) {
        record(
            Self.event(
                workload, uid: uid, type: "Normal", reason: "Reloaded",
                message: KubeWorkloadReloader.reloadedMessage(change.config, workload: workload),
                component: Self.component(change.config.kind), now: now()))
    }

    public func failed(_ workload: WorkloadRef, uid: String?, configs: [ConfigRef], reason: String) {
        let names = configs.map { "\($0.kind.typeName.lowercased()) \($0.name)" }.joined(separator: ", ")
        record(
            Self.event(
                workload, uid: uid, type: "Warning", reason: "ReloadFail",
                message: "Reload of \(workload.kind.rawValue) '\(workload.name)' for \(names) failed: \(reason)",
                component: Self.component(configs.first?.kind ?? .configMap), now: now()))
    }

    private func record(_ event: JSONValue) {
        let admitted = state.withLock { state in
            var trial = state.bucket
            guard trial.reserve(now: .now) == .zero else {
                state.counters.dropped += 1
                return false
            }
            state.bucket = trial
            return true
        }
        guard admitted else { return }
        let namespace = event[path: ["metadata", "namespace"]]?.stringValue ?? ""
        queue.async { [self] in
            do {
                _ = try client.create(ResourcePath(resource: "events", namespace: namespace), event)
                state.withLock { $0.counters.sent += 1 }
            } catch {
                state.withLock { $0.counters.failed += 1 }
                logger.warning(
                    "could not record the Event",
                    metadata: [
                        "k8s.namespace": "\(namespace)", "reason": "\(event["reason"]?.stringValue ?? "")",
                        "error": "\(error)",
                    ])
            }
        }
    }

    /// `reloader-configmaps`, `reloader-secrets` or `reloader-secretproviderclasses`.
    static func component(_ kind: ConfigKind) -> String {
        switch kind {
        case .configMap: "reloader-configmaps"
        case .secret: "reloader-secrets"
        case .secretProviderClass: "reloader-secretproviderclasses"
        }
    }

    /// A core/v1 Event about `workload`. Pure.
    static func event(
        _ workload: WorkloadRef, uid: String?, type: String, reason: String, message: String, component: String,
        now unixSeconds: Int64
    ) -> JSONValue {
        let time = JSONValue.string(RFC3339Time.format(unixSeconds: unixSeconds))
        var involved: JSONValue = [
            "apiVersion": .string(
                workload.kind.group.isEmpty
                    ? workload.kind.version : "\(workload.kind.group)/\(workload.kind.version)"),
            "kind": .string(workload.kind.rawValue), "namespace": .string(workload.namespace),
            "name": .string(workload.name),
        ]
        if let uid, !uid.isEmpty { involved["uid"] = .string(uid) }
        return [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["generateName": .string(workload.name + "."), "namespace": .string(workload.namespace)],
            "involvedObject": involved, "type": .string(type), "reason": .string(reason),
            "message": .string(message), "source": ["component": .string(component)],
            "reportingComponent": "reloader", "firstTimestamp": time, "lastTimestamp": time, "count": 1,
        ]
    }
}
