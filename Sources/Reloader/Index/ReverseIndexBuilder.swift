/// Builds a `ReverseIndex` off to the side, page by page, from a resync's paginated workload lists (or from records
/// one by one); `build()` produces the snapshot to swap in. Interns namespaces and config names so each is stored
/// once; keeps references as `(config, record)` pairs until `build()` sorts them into compressed rows. A later
/// record for the same workload replaces an earlier one. Not thread-safe: one builder per resync, one task.
public struct ReverseIndexBuilder {
    public let keys: IndexedAnnotationKeys
    private var records: [WorkloadRecord] = []
    private var recordTable = SlotTable()
    private var configs: [ConfigRef] = []
    private var configTable = SlotTable()
    /// `config << 32 | record`, sorted into rows by `build()`.
    private var pairs: [UInt64] = []
    private var strings: [String: String] = [:]

    public init(keys: IndexedAnnotationKeys = .defaults, expectedWorkloads: Int = 0) {
        self.keys = keys
        if expectedWorkloads > 0 {
            records.reserveCapacity(expectedWorkloads)
            recordTable = SlotTable(minimumCapacity: expectedWorkloads)
            pairs.reserveCapacity(expectedWorkloads * 3)
        }
    }

    public var count: Int { records.count }

    /// Decodes one LIST page of `kind` and adds its records; returns the page (its continue token and
    /// resourceVersion drive the next request) with `records` emptied, since the builder has them.
    @discardableResult
    public mutating func addListPage(
        _ bytes: [UInt8], kind: WorkloadKind
    ) throws(WorkloadListPage.DecodingError)
        -> WorkloadListPage
    {
        var page = try WorkloadListPage.decode(bytes, kind: kind, keys: keys)
        for record in page.records { add(record) }
        page.records = []
        return page
    }

    public mutating func add(_ record: WorkloadRecord) {
        var record = record
        record.ref.namespace = intern(record.ref.namespace)
        for index in record.uses.indices { record.uses[index].name = intern(record.uses[index].name) }

        let existing = recordTable.find(hash: record.ref.hashValue) { records[$0].ref == record.ref }
        let position: Int
        if let existing {
            // A workload listed twice (should not happen within one consistent list): the later copy wins.
            position = existing
            records[existing] = record
            pairs.removeAll { UInt32(truncatingIfNeeded: $0) == UInt32(existing) }
        } else {
            position = records.count
            records.append(record)
            recordTable.insert(position, hash: record.ref.hashValue) { records[$0].ref.hashValue }
        }
        for use in record.uses {
            let config = ConfigRef(kind: use.kind, namespace: record.ref.namespace, name: use.name)
            pairs.append(UInt64(configPosition(config)) << 32 | UInt64(position))
        }
    }

    /// The snapshot. The builder can be dropped afterwards; its transient tables go with it.
    public consuming func build() -> ReverseIndex {
        // Counting sort of the pairs into rows: offsets per config, then record positions (in record order).
        var offsets = [UInt32](repeating: 0, count: configs.count + 1)
        for pair in pairs { offsets[Int(pair >> 32) + 1] += 1 }
        for index in 0..<configs.count { offsets[index + 1] += offsets[index] }
        var cursor = offsets
        var postings = [UInt32](repeating: 0, count: pairs.count)
        for pair in pairs {
            let config = Int(pair >> 32)
            postings[Int(cursor[config])] = UInt32(truncatingIfNeeded: pair)
            cursor[config] += 1
        }
        pairs = []

        var holders: [IndexStorage.ReloadListKey: [UInt32]] = [:]
        for (position, record) in records.enumerated() {
            for (kind, key) in keys.reloadLists where record.hasAnnotation(key) {
                holders[.init(kind: kind, namespace: record.ref.namespace), default: []].append(UInt32(position))
            }
        }
        let storage = IndexStorage(
            records: records, recordTable: recordTable, configs: configs, configTable: configTable,
            postingOffsets: offsets, postings: postings, reloadListHolders: holders)
        return ReverseIndex(base: storage, keys: keys)
    }

    // MARK: - Interning

    private mutating func configPosition(_ config: ConfigRef) -> Int {
        let hash = config.hashValue
        if let position = configTable.find(hash: hash, matches: { configs[$0] == config }) { return position }
        let position = configs.count
        configs.append(config)
        configTable.insert(position, hash: hash) { configs[$0].hashValue }
        return position
    }

    /// The shared instance of `string`. Strings of 15 UTF-8 bytes or fewer are stored inline by Swift and need
    /// no interning.
    private mutating func intern(_ string: String) -> String {
        guard string.utf8.count > 15 else { return string }
        if let shared = strings[string] { return shared }
        strings[string] = string
        return string
    }
}
