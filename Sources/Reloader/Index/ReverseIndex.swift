/// An immutable snapshot of the reverse index: (namespace, kind, name of a ConfigMap/Secret/SecretProviderClass)
/// -> the workloads that use it, with each workload's `WorkloadRecord`. A bulk `IndexStorage` built at a resync,
/// plus a small overlay of the records changed since (admission reviews of workload writes); the overlay's
/// records shadow the bulk's, and `nil` in the overlay is a workload confirmed gone. `IndexStore` owns the current
/// snapshot and swaps it; a snapshot itself never changes, so lookups need no lock. A pure value.
public struct ReverseIndex: Sendable {
    let base: IndexStorage
    public let keys: IndexedAnnotationKeys
    /// Changes since `base` was built: a record, or nil for a workload confirmed gone.
    private(set) var overlay: [WorkloadRef: WorkloadRecord?] = [:]

    init(base: IndexStorage, keys: IndexedAnnotationKeys) {
        self.base = base
        self.keys = keys
    }

    public static func empty(keys: IndexedAnnotationKeys = .defaults) -> ReverseIndex {
        ReverseIndex(base: .empty, keys: keys)
    }

    // MARK: - Lookups

    /// The workloads whose pod template uses `config` (contract §4), in no particular order.
    public func workloads(using config: ConfigRef) -> [WorkloadRecord] {
        var result: [WorkloadRecord] = []
        for position in base.users(of: config) {
            let record = base.records[Int(position)]
            if overlay.isEmpty || overlay[record.ref] == nil { result.append(record) }
        }
        for case let (_, record?) in overlay
        where record.ref.namespace == config.namespace && record.uses(config.kind, named: config.name) {
            result.append(record)
        }
        return result
    }

    /// The workloads of `namespace` that carry a named-reload list for `kind` (on metadata or pod template), which
    /// may name a config they do not use; the policy matches the list against the name.
    public func workloadsWithReloadList(for kind: ConfigKind, in namespace: String) -> [WorkloadRecord] {
        var result: [WorkloadRecord] = []
        for position in base.reloadListHolders[.init(kind: kind, namespace: namespace)] ?? [] {
            let record = base.records[Int(position)]
            if overlay.isEmpty || overlay[record.ref] == nil { result.append(record) }
        }
        guard let key = keys.reloadLists[kind] else { return result }
        for case let (_, record?) in overlay where record.ref.namespace == namespace && record.hasAnnotation(key) {
            result.append(record)
        }
        return result
    }

    /// Everything a decision about a change of `config` needs to look at: its users and the workloads of its
    /// namespace with a named-reload list of its kind, each once.
    public func candidates(for config: ConfigRef) -> [WorkloadRecord] {
        var result = workloads(using: config)
        let holders = workloadsWithReloadList(for: config.kind, in: config.namespace)
        if !holders.isEmpty {
            var seen = Set(result.map(\.ref))
            for record in holders where seen.insert(record.ref).inserted { result.append(record) }
        }
        return result
    }

    public func record(for ref: WorkloadRef) -> WorkloadRecord? {
        if let changed = overlay[ref] { return changed }
        return base.recordPosition(of: ref).map { base.records[$0] }
    }

    /// Every record (the reconciler's walk after a resync).
    public func forEachRecord(_ body: (WorkloadRecord) throws -> Void) rethrows {
        for record in base.records where overlay.isEmpty || overlay[record.ref] == nil { try body(record) }
        for case let (_, record?) in overlay { try body(record) }
    }

    // MARK: - Counts

    /// The number of workloads.
    public var count: Int {
        var count = base.records.count
        for (ref, record) in overlay {
            let inBase = base.recordPosition(of: ref) != nil
            if record != nil, !inBase { count += 1 }
            if record == nil, inBase { count -= 1 }
        }
        return count
    }

    /// The number of (config -> workload) references, the unit memory is proportional to.
    public var referenceCount: Int {
        var count = base.referenceCount
        for (ref, record) in overlay {
            if let position = base.recordPosition(of: ref) { count -= base.records[position].uses.count }
            count += record?.uses.count ?? 0
        }
        return count
    }

    /// Records changed since the bulk was built; `IndexStore` compacts past a bound.
    public var overlayCount: Int { overlay.count }

    // MARK: - Derived snapshots

    /// This snapshot with `record` added or replacing the workload's previous record.
    public func upserting(_ record: WorkloadRecord) -> ReverseIndex {
        var copy = self
        copy.overlay[record.ref] = .some(record)
        return copy
    }

    /// This snapshot without the workload.
    public func removing(_ ref: WorkloadRef) -> ReverseIndex {
        var copy = self
        if base.recordPosition(of: ref) != nil {
            copy.overlay[ref] = .some(nil)
        } else {
            copy.overlay[ref] = nil
        }
        return copy
    }

    /// The same content with the overlay folded into a new bulk: O(workloads).
    public func compacted() -> ReverseIndex {
        var builder = ReverseIndexBuilder(keys: keys, expectedWorkloads: count)
        forEachRecord { builder.add($0) }
        return builder.build()
    }
}
