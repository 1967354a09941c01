/// The bulk of a reverse index, built once by `ReverseIndexBuilder` and never changed: the records, a slot table
/// from `WorkloadRef` to record, the distinct configs with a slot table, and the references in compressed-row form
/// (`postingOffsets[c] ..< postingOffsets[c + 1]` in `postings` are the records that use config `c`; 4 bytes a
/// reference). Strings are interned by the builder, so a namespace or config name is stored once however many
/// records use it. Immutable, hence `Sendable`; shared by every `ReverseIndex` snapshot derived from it.
final class IndexStorage: Sendable {
    let records: [WorkloadRecord]
    let recordTable: SlotTable
    let configs: [ConfigRef]
    let configTable: SlotTable
    let postingOffsets: [UInt32]
    let postings: [UInt32]
    /// Records carrying a named-reload list of a config kind, per namespace (§2.1 step 5: no usage needed).
    let reloadListHolders: [ReloadListKey: [UInt32]]

    struct ReloadListKey: Hashable, Sendable {
        var kind: ConfigKind
        var namespace: String
    }

    init(
        records: [WorkloadRecord], recordTable: SlotTable, configs: [ConfigRef], configTable: SlotTable,
        postingOffsets: [UInt32], postings: [UInt32], reloadListHolders: [ReloadListKey: [UInt32]]
    ) {
        self.records = records
        self.recordTable = recordTable
        self.configs = configs
        self.configTable = configTable
        self.postingOffsets = postingOffsets
        self.postings = postings
        self.reloadListHolders = reloadListHolders
    }

    static let empty = IndexStorage(
        records: [], recordTable: SlotTable(), configs: [], configTable: SlotTable(), postingOffsets: [0],
        postings: [], reloadListHolders: [:])

    var referenceCount: Int { postings.count }

    func recordPosition(of ref: WorkloadRef) -> Int? {
        recordTable.find(hash: ref.hashValue) { records[$0].ref == ref }
    }

    /// Positions of the records using `config`.
    func users(of config: ConfigRef) -> ArraySlice<UInt32> {
        guard let position = configTable.find(hash: config.hashValue, matches: { configs[$0] == config }) else {
            return []
        }
        return postings[Int(postingOffsets[position])..<Int(postingOffsets[position + 1])]
    }
}
