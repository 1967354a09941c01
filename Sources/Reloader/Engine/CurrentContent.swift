/// With several replicas (contract §9), each reviews a share of the writes, so the plans one replica holds for a
/// workload can be incomplete (a burst of two configs reviewed by two replicas: each would patch its half, two
/// rollouts where DESIGN §4 promises one) or outdated (a plan confirmed, then delayed by API faults while another
/// replica rolled out a newer change: the late patch would roll the workload back to the older hash, and then
/// forward again). Right before a write, `KubeWorkloadReloader` therefore asks this type for the batch to write:
/// every config the batch names and every config the workload carries a marker of is read once, the batch's
/// hashes become the current ones, and each stale marker of another config joins the batch, decided as the
/// reconciler decides it (`ReconcilePlanner`). A batch that finds such changes first waits one coalesce window
/// (`ReloadOutcome.settle`), once: the reads are one at a time, so they can straddle a burst still landing, and
/// writing then would roll out half of it now and the rest later. The write then carries the workload's
/// resourceVersion, so two replicas writing at once cannot undo each other (409, read again). Costs one GET per
/// config of the workload per reload, so it is on with `--enable-ha` only. Immutable; safe on any thread (reads
/// block the calling thread).
public struct CurrentContent: Sendable {
    private let reader: any ConfigStateReader
    private let options: Reconciler.Options
    private let namespaceLabels: @Sendable (String) -> [String: String]?

    public init(
        reader: any ConfigStateReader, options: Reconciler.Options,
        namespaceLabels: @escaping @Sendable (String) -> [String: String]? = { _ in nil }
    ) {
        self.reader = reader
        self.options = options
        self.namespaceLabels = namespaceLabels
    }

    /// A config read failed: the reload is retried later.
    public struct ReadFailure: Error, CustomStringConvertible {
        public var config: ConfigRef
        public var reason: String
        public var description: String { "cannot read \(config): \(reason)" }
    }

    /// The batch to write for `plans` on `object` as just read.
    public func batch(
        _ plans: [PlannedReload], object: JSONValue, kind: WorkloadKind
    ) -> Result<[PlannedReload], ReadFailure> {
        guard let record = WorkloadRecord.extract(from: object, kind: kind) else { return .success(plans) }
        let labels = options.filter.needsNamespaceLabels ? namespaceLabels(record.ref.namespace) : nil
        let markers = ReconcilePlanner.markers(
            of: record, policy: options.policy, filter: options.filter, namespaceLabels: labels)
        var configs: [ConfigRef] = []
        for config in plans.map(\.config) + markers.flatMap(\.configs)
        where config.kind != .secretProviderClass && !configs.contains(config) {
            configs.append(config)
        }
        var reads: [ConfigRef: ReconcilePlanner.ConfigRead] = [:]
        for config in configs {
            switch reader.state(of: config) {
            case .success(let state?): reads[config] = .present(state)
            case .success(nil): reads[config] = .absent
            case .failure(let error): return .failure(ReadFailure(config: config, reason: "\(error)"))
            }
        }
        return .success(
            Self.batch(
                plans, record: record, markers: markers, reads: reads, options: options, namespaceLabels: labels))
    }

    /// The pure half: each plan with its config's current hash (a plan whose config is gone, or is back when the plan
    /// deletes, is left out: the review of that later write plans it), then the reconciler's plans for the other
    /// configs whose markers are stale.
    static func batch(
        _ plans: [PlannedReload], record: WorkloadRecord, markers: [ReconcilePlanner.Marker],
        reads: [ConfigRef: ReconcilePlanner.ConfigRead], options: Reconciler.Options,
        namespaceLabels: [String: String]?
    ) -> [PlannedReload] {
        var batch: [PlannedReload] = []
        for var plan in plans {
            switch (reads[plan.config], plan.operation) {
            case (.present(let state)?, .create), (.present(let state)?, .update):
                plan.hash = state.hash
            case (.absent?, .delete), (nil, _):
                break
            case (.present?, .delete), (.absent?, _), (.failed?, _):
                continue
            }
            batch.removeAll { $0.config == plan.config }
            batch.append(plan)
        }
        let outcome = ReconcilePlanner.evaluate(
            record, markers: markers, reads: reads, policy: options.policy, filter: options.filter,
            namespaceLabels: namespaceLabels)
        if case .checked(let stale) = outcome {
            for plan in stale where !batch.contains(where: { $0.config == plan.config }) { batch.append(plan) }
        }
        return batch
    }
}
