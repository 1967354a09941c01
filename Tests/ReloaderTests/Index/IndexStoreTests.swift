import Testing

@testable import Reloader

/// `IndexStore`: incremental updates from workload reviews, pending deletions, and the resync swap with the race
/// of changes that arrive while the resync's lists are being read.
@Suite("IndexStore updates and swaps")
struct IndexStoreTests {
    static let config = ConfigRef(kind: .configMap, namespace: "shop", name: "app-config")

    static func record(
        _ name: String, version: String = "1", using configName: String = "app-config"
    )
        -> WorkloadRecord
    {
        WorkloadRecord(
            ref: WorkloadRef(kind: .deployment, namespace: "shop", name: name), resourceVersion: version,
            uses: [.init(kind: .configMap, name: configName, containerIndex: 0)])
    }

    static func built(_ records: [WorkloadRecord]) -> ReverseIndex {
        var builder = ReverseIndexBuilder()
        for record in records { builder.add(record) }
        return builder.build()
    }

    static func users(_ store: IndexStore) -> [String] {
        store.snapshot.workloads(using: config).map(\.ref.name).sorted()
    }

    @Test("an upsert is visible to the next lookup, and replaces the previous record")
    func upsert() {
        let store = IndexStore(initial: Self.built([Self.record("a")]))
        store.upsert(Self.record("b"))
        #expect(Self.users(store) == ["a", "b"])
        store.upsert(Self.record("a", version: "2", using: "other"))
        #expect(Self.users(store) == ["b"])
        #expect(store.snapshot.record(for: Self.record("a").ref)?.resourceVersion == "2")
        #expect(store.snapshot.count == 2 && store.snapshot.referenceCount == 2)
    }

    @Test("a DELETE review only marks; the workload stays until confirmed gone")
    func deletion() {
        let store = IndexStore(initial: Self.built([Self.record("a"), Self.record("b")]))
        let a = Self.record("a").ref
        store.markDeleted(a)
        #expect(Self.users(store) == ["a", "b"])  // the DELETE may yet be denied
        #expect(store.pendingDeletions == [a])
        store.confirmGone(a)
        #expect(Self.users(store) == ["b"])
        #expect(store.pendingDeletions.isEmpty)
        #expect(store.snapshot.record(for: a) == nil && store.snapshot.count == 1)
    }

    @Test("a write after a DELETE review (denied, or re-created) clears the pending deletion")
    func upsertClearsPendingDeletion() {
        let store = IndexStore(initial: Self.built([Self.record("a")]))
        store.markDeleted(Self.record("a").ref)
        store.upsert(Self.record("a", version: "2"))
        #expect(store.pendingDeletions.isEmpty)
    }

    @Test("a swap replaces the index; a pending deletion from before the list began is settled by it")
    func swapSettlesOldDeletions() {
        let store = IndexStore(initial: Self.built([Self.record("a"), Self.record("b")]))
        store.markDeleted(Self.record("a").ref)
        store.markDeleted(Self.record("b").ref)
        let token = store.beginResync()
        // The list shows b deleted, a still there (its DELETE was denied).
        #expect(store.replace(with: Self.built([Self.record("a")]), startedAt: token))
        #expect(Self.users(store) == ["a"])
        #expect(store.pendingDeletions.isEmpty)
    }

    @Test("race: an upsert that arrives while the resync lists survives the swap")
    func upsertDuringResyncSurvives() {
        let store = IndexStore(initial: Self.built([Self.record("a")]))
        let token = store.beginResync()
        var builder = ReverseIndexBuilder()
        builder.add(Self.record("a"))  // page 1, read before the new workload existed
        store.upsert(Self.record("new"))  // CREATE review while the list is being read
        store.upsert(Self.record("a", version: "9", using: "moved"))  // and an UPDATE of a listed one
        #expect(Self.users(store) == ["new"])
        #expect(store.replace(with: builder.build(), startedAt: token))
        #expect(Self.users(store) == ["new"])
        #expect(store.snapshot.record(for: Self.record("a").ref)?.resourceVersion == "9")
        // The journal is gone after the swap: the next resync's snapshot is taken as it is.
        let next = store.beginResync()
        store.replace(with: Self.built([Self.record("a", version: "10")]), startedAt: next)
        #expect(Self.users(store) == ["a"])
    }

    @Test("race: a deletion confirmed while the resync lists is not undone by the listed copy")
    func confirmedGoneDuringResyncStaysGone() {
        let store = IndexStore(initial: Self.built([Self.record("a"), Self.record("b")]))
        let token = store.beginResync()
        let listed = Self.built([Self.record("a"), Self.record("b")])  // listed before the delete
        store.markDeleted(Self.record("b").ref)
        store.confirmGone(Self.record("b").ref)
        store.replace(with: listed, startedAt: token)
        #expect(Self.users(store) == ["a"])
    }

    @Test("race: a DELETE review during the list stays pending after the swap")
    func markedDuringResyncStaysPending() {
        let store = IndexStore(initial: Self.built([Self.record("a")]))
        let token = store.beginResync()
        store.markDeleted(Self.record("a").ref)
        store.replace(with: Self.built([Self.record("a")]), startedAt: token)
        #expect(Self.users(store) == ["a"])
        #expect(store.pendingDeletions == [Self.record("a").ref])
        store.confirmGone(Self.record("a").ref)
        #expect(Self.users(store).isEmpty)
    }

    @Test("a stale resync token does not swap")
    func staleToken() {
        let store = IndexStore(initial: Self.built([Self.record("a")]))
        let first = store.beginResync()
        let second = store.beginResync()
        #expect(!store.replace(with: Self.built([]), startedAt: first))
        #expect(Self.users(store) == ["a"])
        #expect(store.replace(with: Self.built([Self.record("b")]), startedAt: second))
        #expect(Self.users(store) == ["b"])
        #expect(!store.replace(with: Self.built([]), startedAt: second))  // already used
    }

    @Test("past the threshold the overlay is compacted into the bulk, with the same content")
    func compaction() {
        let store = IndexStore(initial: Self.built([Self.record("a"), Self.record("b")]), compactionThreshold: 2)
        store.upsert(Self.record("c"))
        store.confirmGone(Self.record("a").ref)
        #expect(store.snapshot.overlayCount == 2)
        store.upsert(Self.record("d"))
        #expect(store.snapshot.overlayCount == 0)
        #expect(Self.users(store) == ["b", "c", "d"])
        #expect(store.snapshot.count == 3 && store.snapshot.referenceCount == 3)
    }

    @Test("a snapshot taken before an update does not change")
    func snapshotsAreImmutable() {
        let store = IndexStore(initial: Self.built([Self.record("a")]))
        let before = store.snapshot
        store.upsert(Self.record("b"))
        store.confirmGone(Self.record("a").ref)
        #expect(before.workloads(using: Self.config).map(\.ref.name) == ["a"])
        #expect(Self.users(store) == ["b"])
    }

    @Test("concurrent upserts and lookups")
    func concurrent() async {
        let store = IndexStore(initial: Self.built([Self.record("seed")]), compactionThreshold: 64)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for index in 0..<200 {
                        store.upsert(Self.record("w\(task)-\(index)"))
                        _ = store.snapshot.workloads(using: Self.config)
                    }
                }
            }
        }
        #expect(store.snapshot.count == 801)
        #expect(store.snapshot.workloads(using: Self.config).count == 801)
    }
}
