import Dispatch
public import Logging
import Synchronization

/// What one reconcile pass did, for `reloader_reconcile_total{result}` (contract §11 Δ: counted once per item; an
/// item is an indexed workload): `checked` is `success`, `skipped` and `errors` the other two results. A pure value.
public struct ReconcileReport: Sendable, Hashable {
    /// Workloads whose markers were compared with the configs' current hashes.
    public var checked = 0
    /// Workloads with no marker of the current strategy for a watched config (never reloaded by the reconciler).
    public var skipped = 0
    /// Workloads left for the next pass because a config read failed.
    public var errors = 0
    /// Reloads enqueued (one per workload and stale config).
    public var enqueued = 0
    /// Configs read, one GET each.
    public var configsRead = 0

    public init() {}

    /// Every workload counted once.
    public var workloads: Int { checked + skipped + errors }

    /// The `result` of `reloader_reconcile_duration_seconds` for this pass: `error` when a workload was left for
    /// the next pass, `skipped` when none carried a marker to check, else `success`.
    public var metricResult: ReconcileMetricResult {
        if errors > 0 { return .error }
        return checked == 0 ? .skipped : .success
    }
}

/// Catches what the webhook missed (contract §6, DESIGN §2): after a resync, for every indexed workload that
/// carries a reload marker, reads the current hash of the configs the markers name (each config once per pass,
/// at most `maxConcurrentReads` GETs at once) and enqueues a reload where the stored hash differs and the policy
/// says yes; the reload queue then confirms and patches. Decisions are `ReconcilePlanner`'s. Runs on the resync
/// loop's thread (it blocks on the reads), on the leader only. Immutable; safe on any thread.
public final class Reconciler: Sendable {
    public struct Options: Sendable, Hashable {
        public var policy: PolicyOptions
        public var filter: ConfigFilter
        public var maxConcurrentReads: Int

        public init(
            policy: PolicyOptions = PolicyOptions(), filter: ConfigFilter = ConfigFilter(), maxConcurrentReads: Int = 8
        ) {
            self.policy = policy
            self.filter = filter
            self.maxConcurrentReads = maxConcurrentReads
        }
    }

    public let options: Options
    private let reader: any ConfigStateReader
    private let sink: any ReloadSink
    private let namespaceLabels: @Sendable (String) -> [String: String]?
    private let logger: Logger

    /// `namespaceLabels`: as for `AdmissionEngine`, only read when a namespace selector is set.
    public init(
        options: Options, reader: any ConfigStateReader, sink: any ReloadSink, logger: Logger,
        namespaceLabels: @escaping @Sendable (String) -> [String: String]? = { _ in nil }
    ) {
        self.options = options
        self.reader = reader
        self.sink = sink
        self.logger = logger
        self.namespaceLabels = namespaceLabels
    }

    /// One pass over `index`. Blocks until every read is done and every reload enqueued.
    public func reconcile(_ index: ReverseIndex) -> ReconcileReport {
        var labelsByNamespace: [String: [String: String]?] = [:]
        func labels(_ namespace: String) -> [String: String]? {
            guard options.filter.needsNamespaceLabels else { return nil }
            if let known = labelsByNamespace[namespace] { return known }
            let found = namespaceLabels(namespace)
            labelsByNamespace[namespace] = found
            return found
        }

        var report = ReconcileReport()
        var marked: [(WorkloadRecord, [ReconcilePlanner.Marker])] = []
        var configs: [ConfigRef] = []
        var seen = Set<ConfigRef>()
        index.forEachRecord { record in
            let markers = ReconcilePlanner.markers(
                of: record, policy: options.policy, filter: options.filter,
                namespaceLabels: labels(record.ref.namespace))
            guard !markers.isEmpty else {
                report.skipped += 1
                return
            }
            marked.append((record, markers))
            for marker in markers {
                for config in marker.configs where seen.insert(config).inserted { configs.append(config) }
            }
        }

        let reads = Self.read(configs, with: reader, maxConcurrent: options.maxConcurrentReads)
        report.configsRead = configs.count
        for (config, read) in reads {
            if case .failed(let reason) = read {
                logger.warning(
                    "reconcile could not read a config",
                    metadata: ["config": "\(config)", "error": "\(reason)"])
            }
        }

        for (record, markers) in marked {
            let outcome = ReconcilePlanner.evaluate(
                record, markers: markers, reads: reads, policy: options.policy, filter: options.filter,
                namespaceLabels: labels(record.ref.namespace))
            switch outcome {
            case .skipped:
                report.skipped += 1
            case .failed(let config, _):
                report.errors += 1
                logger.debug(
                    "reconcile skipped a workload this pass",
                    metadata: ["workload": "\(record.ref)", "config": "\(config)"])
            case .checked(let plans):
                report.checked += 1
                for plan in plans {
                    logger.info(
                        "reconcile found a stale reload marker",
                        metadata: [
                            "workload": "\(plan.workload)", "config": "\(plan.config)",
                            "operation": "\(plan.operation.rawValue)", "reloader.hash": "\(plan.hash.prefix(12))",
                        ])
                    sink.enqueue(plan)
                }
                report.enqueued += plans.count
            }
        }
        return report
    }

    /// Reads each config once, `maxConcurrent` at a time: that many workers on the global queue take the next
    /// config until none is left (the client's rate limit bounds the request rate on top).
    static func read(
        _ configs: [ConfigRef], with reader: any ConfigStateReader, maxConcurrent: Int
    ) -> [ConfigRef: ReconcilePlanner.ConfigRead] {
        let batch = ReadBatch(configs)
        let group = DispatchGroup()
        for _ in 0..<min(max(1, maxConcurrent), configs.count) {
            DispatchQueue.global().async(group: group) {
                while let config = batch.next() {
                    let read: ReconcilePlanner.ConfigRead =
                        switch reader.state(of: config) {
                        case .success(let state?): .present(state)
                        case .success(nil): .absent
                        case .failure(let error): .failed(reason: "\(error)")
                        }
                    batch.record(read, for: config)
                }
            }
        }
        group.wait()
        return batch.results
    }
}

/// The configs of one read pass and what was read, shared by its workers. Thread-safe: one `Mutex`, held only to
/// take the next config or store a result, never during a read.
private final class ReadBatch: Sendable {
    private struct State {
        var position = 0
        var results: [ConfigRef: ReconcilePlanner.ConfigRead] = [:]
    }

    private let configs: [ConfigRef]
    private let state = Mutex(State())

    init(_ configs: [ConfigRef]) { self.configs = configs }

    func next() -> ConfigRef? {
        state.withLock { state in
            guard state.position < configs.count else { return nil }
            defer { state.position += 1 }
            return configs[state.position]
        }
    }

    func record(_ read: ReconcilePlanner.ConfigRead, for config: ConfigRef) {
        state.withLock { $0.results[config] = read }
    }

    var results: [ConfigRef: ReconcilePlanner.ConfigRead] { state.withLock { $0.results } }
}
