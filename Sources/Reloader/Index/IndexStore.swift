import Synchronization

/// Owns the current `ReverseIndex` snapshot and applies changes to it. Thread-safe: one `Mutex` around the
/// snapshot reference (held only to copy it out or to swap in a derived one), because lookups come from many
/// admission callbacks at once and must never wait for a resync; a snapshot, once read, is immutable.
///
/// - `upsert` (workload CREATE/UPDATE review): visible to the next lookup.
/// - `markDeleted` (workload DELETE review): only recorded; the review may yet be denied, and a denied DELETE must
///   never hide a workload. `confirmGone` (the engine saw the object is gone) removes it.
/// - A resync: `beginResync()` before the first LIST page, `replace(with:startedAt:)` with the built snapshot.
///   The list shows the cluster as it was when it began, so every change that arrives in between is journalled
///   and re-applied over the new snapshot; a pending deletion marked before the list began is settled by the list
///   (listed: still there; not listed: gone) and dropped, one marked after stays pending.
///
/// Known limit: an upsert comes from a review, before the write is persisted; a write that another webhook then
/// denies stays in the index until the next resync (journalled ones too). It can only cause a lookup to consider
/// a workload, never to hide one.
public final class IndexStore: Sendable {
    public struct ResyncToken: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Resync {
        let id: UInt64
        /// Last change per workload since the resync began: a record, or nil for confirmed gone.
        var journal: [WorkloadRef: WorkloadRecord?] = [:]
        var markedDeleted: Set<WorkloadRef> = []
    }

    private struct State {
        var snapshot: ReverseIndex
        var pendingDeletions: Set<WorkloadRef> = []
        var resync: Resync?
        var nextResyncID: UInt64 = 1
    }

    private let state: Mutex<State>
    /// Past this many overlaid records an update folds the overlay into a new bulk (O(workloads), under the lock).
    public let compactionThreshold: Int

    public init(initial: ReverseIndex = .empty(), compactionThreshold: Int = 4096) {
        state = Mutex(State(snapshot: initial))
        self.compactionThreshold = compactionThreshold
    }

    /// The current snapshot; look up as much as needed in it without holding anything.
    public var snapshot: ReverseIndex { state.withLock { $0.snapshot } }

    public var pendingDeletions: Set<WorkloadRef> { state.withLock { $0.pendingDeletions } }

    // MARK: - Incremental updates

    public func upsert(_ record: WorkloadRecord) {
        state.withLock { state in
            state.snapshot = compactIfNeeded(state.snapshot.upserting(record))
            state.pendingDeletions.remove(record.ref)
            state.resync?.journal[record.ref] = .some(record)
            state.resync?.markedDeleted.remove(record.ref)
        }
    }

    public func markDeleted(_ ref: WorkloadRef) {
        state.withLock { state in
            state.pendingDeletions.insert(ref)
            state.resync?.markedDeleted.insert(ref)
        }
    }

    public func confirmGone(_ ref: WorkloadRef) {
        state.withLock { state in
            state.snapshot = compactIfNeeded(state.snapshot.removing(ref))
            state.pendingDeletions.remove(ref)
            state.resync?.journal[ref] = .some(nil)
            state.resync?.markedDeleted.remove(ref)
        }
    }

    // MARK: - Resync

    /// Call before requesting the first LIST page; changes from now on are journalled for the swap.
    /// A resync begun earlier and not yet swapped in is abandoned (its token no longer swaps).
    public func beginResync() -> ResyncToken {
        state.withLock { state in
            let id = state.nextResyncID
            state.nextResyncID += 1
            state.resync = Resync(id: id)
            return ResyncToken(id: id)
        }
    }

    /// Swaps in `newSnapshot`, built from lists requested after `token` was issued, with the journalled changes
    /// re-applied. Returns false (and changes nothing) when the token is stale: another resync began since.
    @discardableResult
    public func replace(with newSnapshot: ReverseIndex, startedAt token: ResyncToken) -> Bool {
        state.withLock { state in
            guard let resync = state.resync, resync.id == token.id else { return false }
            var snapshot = newSnapshot
            for (ref, change) in resync.journal {
                snapshot = change.map { snapshot.upserting($0) } ?? snapshot.removing(ref)
            }
            state.snapshot = compactIfNeeded(snapshot)
            state.pendingDeletions.formIntersection(resync.markedDeleted)
            state.resync = nil
            return true
        }
    }

    private func compactIfNeeded(_ snapshot: ReverseIndex) -> ReverseIndex {
        snapshot.overlayCount > compactionThreshold ? snapshot.compacted() : snapshot
    }
}
