/// A config write the queue waits to see persisted: the config, the content hash the review said it gets (the
/// delete marker for a DELETE, which expects the config to be gone), and the object to read back when it is not
/// the config itself (`sourceName`: the SecretProviderClassPodStatus a SecretProviderClass change was seen in).
/// Writes to two pods' SecretProviderClassPodStatus objects are two keys: each is confirmed on its own object.
public struct ConfirmationKey: Sendable, Hashable, CustomStringConvertible {
    public var config: ConfigRef
    public var hash: String
    public var sourceName: String?

    public init(config: ConfigRef, hash: String, sourceName: String? = nil) {
        self.config = config
        self.hash = hash
        self.sourceName = sourceName
    }

    /// A DELETE is confirmed by the config being gone, anything else by its content hash.
    public var expectsAbsent: Bool { hash == ContentHash.deleteMarker }

    public var description: String {
        guard let sourceName else { return "\(config) @\(hash)" }
        return "\(config) (read from \(sourceName)) @\(hash)"
    }
}

/// How a reload (one patch of one workload) ended.
public enum ReloadOutcome: Sendable, Hashable {
    case success
    /// Nothing was written, and nothing needs to be: the workload already carries every hash, no longer selects
    /// the configs (an annotation removed since it was indexed), or is a suspended CronJob. Done, not a failure;
    /// the reason's `metricLabel` is the `reloader_skipped_total` reason.
    case skipped(ReloadDecision.SkipReason)
    /// 429, 5xx, a dropped connection: worth another try after a backoff.
    case retryableFailure
    /// 404, 403, 422: another try gives the same answer.
    case permanentFailure
    /// Nothing was written: right before the write, the configs as read (`CurrentContent`, with several replicas)
    /// held content this batch was not planned with (another config's change, reviewed by another replica, or a
    /// newer write of a planned config), possibly a burst still landing as the reads went by. These plans, for that
    /// content, join the batch (replacing its plan for the same config), which is written one coalesce window later,
    /// so a burst rolls out once and not half now, half later. A batch waits like this at most once: the plans it
    /// gained are marked `discovered`.
    case settle([PlannedReload])
}

/// The reload queue's decisions (DESIGN §2, §4): coalesce plans per workload within the coalesce window, confirm
/// each config write is persisted before the batch rolls out (a write that never lands is dropped, never rolled
/// out), one reload in flight per workload, retries with exponential backoff, and a bound on pending plans.
///
/// Pure: no clocks, no queues, no I/O. Each event takes `now` and returns the actions the driver performs
/// (`ReloadQueue`). Action order within one answer carries no meaning beyond each workload's own order.
public struct ReloadQueueStateMachine: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public struct Options: Sendable, Hashable {
        /// `--coalesce-window`: plans for one workload make one reload while each comes within this time of the
        /// one before it, for up to twice this time after the first (`Batch.Phase.collecting`).
        public var coalesceWindow: Duration
        /// GETs that may see the old content (or no config) before the write counts as not persisted.
        public var confirmAttempts: Int
        /// The first confirmation backoff; it doubles at each attempt (5 attempts from 200 ms span about 3 s).
        public var confirmBackoff: Duration
        /// GETs that may fail (API errors) before the plans are dropped as `failed`.
        public var confirmErrorAttempts: Int
        /// Reload attempts (the first included) for retryable failures before the batch is dropped as `failed`.
        public var reloadAttempts: Int
        /// The first reload backoff; it doubles at each retry.
        public var reloadBackoff: Duration
        /// No backoff is longer than this.
        public var maxBackoff: Duration
        /// Plans pending at once (waiting, confirming, reloading); beyond it new plans are dropped `queue_full`.
        public var maxPending: Int

        public init(
            coalesceWindow: Duration = .seconds(1), confirmAttempts: Int = 5,
            confirmBackoff: Duration = .milliseconds(200), confirmErrorAttempts: Int = 10, reloadAttempts: Int = 5,
            reloadBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30),
            maxPending: Int = 10_000
        ) {
            self.coalesceWindow = coalesceWindow
            self.confirmAttempts = max(1, confirmAttempts)
            self.confirmBackoff = confirmBackoff
            self.confirmErrorAttempts = max(1, confirmErrorAttempts)
            self.reloadAttempts = max(1, reloadAttempts)
            self.reloadBackoff = reloadBackoff
            self.maxBackoff = maxBackoff
            self.maxPending = max(0, maxPending)
        }
    }

    /// What the driver saw when it read the config: its content hash equals the expected one, differs, the config
    /// does not exist, or the read failed.
    public enum ConfirmationResult: Sendable, Hashable {
        case matches
        case differs
        case notFound
        case error

        /// Compares what the driver read (`nil`: not found) with the expected hash.
        public init(observed: Result<String?, any Error>, expected: String) {
            switch observed {
            case .failure: self = .error
            case .success(nil): self = .notFound
            case .success(let hash?): self = hash == expected ? .matches : .differs
            }
        }
    }

    /// Why a plan left the queue without a reload; the raw values are the metric labels.
    public enum DropReason: String, Sendable, Hashable, CaseIterable {
        /// The write never became readable (denied by another webhook, conflict, dry-run).
        case notPersisted = "not_persisted"
        /// The reload (or the confirmation reads) kept failing.
        case failed
        /// Too many plans pending.
        case queueFull = "queue_full"
    }

    public enum Action: Sendable, Hashable {
        /// Call `timerFired(now:)` at this instant (replaces any earlier timer).
        case scheduleTimer(at: Instant)
        /// Read the key's config (from `sourceName` when set) and answer `confirmation(for:result:now:)`.
        case confirm(ConfirmationKey, attempt: Int)
        /// Patch the workload once for all these plans and answer `reloadFinished(workload:result:now:)`.
        case reload(WorkloadRef, [PlannedReload])
        /// The plan leaves the queue without a reload.
        case drop(PlannedReload, DropReason)
    }

    /// Plain values for the metrics.
    public struct Counters: Sendable, Hashable {
        /// Plans pending now.
        public var depth = 0
        /// Plans handed to the queue (`reloader_workqueue_adds_total`), dropped ones included.
        public var added = 0
        /// Plans folded into a reload another plan already caused (or replacing an older plan for their config).
        public var coalesced = 0
        /// Reloads sent to the workload reloader (retries included).
        public var reloadsStarted = 0
        /// Reloads sent again after a retryable failure and its backoff (`reloader_retries_total`).
        public var reloadRetries = 0
        /// Reloads that succeeded.
        public var reloadsSucceeded = 0
        /// Reloads that found nothing to write (`ReloadOutcome.skipped`); their plans are done.
        public var reloadsSkipped = 0
        /// Plans dropped, by reason.
        public var dropped: [DropReason: Int] = [:]

        public init() {}
    }

    struct Batch {
        enum Phase: Equatable {
            case collecting(until: Instant)
            case confirming
            case ready
            case reloading(attempt: Int)
            case backoff(attempt: Int, until: Instant)
            /// Waiting one coalesce window for the rest of a burst (`ReloadOutcome.settle`); not a retry.
            case settling(attempt: Int, until: Instant)

            /// Not yet handed to the reloader: later plans may replace this batch's plans.
            var isWaiting: Bool {
                switch self {
                case .collecting, .confirming, .ready: true
                case .reloading, .backoff, .settling: false
                }
            }
        }

        var id: UInt64
        var plans: [PlannedReload]
        var unconfirmed: Set<ConfirmationKey> = []
        var phase: Phase
        /// When its first plan came: a batch collects for at most two coalesce windows from here.
        var opened: Instant
        /// Per config, the plans a newer one replaced, oldest first: if the newer write turns out not persisted (a
        /// denied write reviewed after a persisted one), the last of them is confirmed and reloaded instead. Without
        /// this a denied write would cancel a pending reload, and a workload without a marker yet would never be
        /// reloaded for the persisted write (the reconciler acts on marked workloads only, contract §6).
        var replaced: [ConfigRef: [PlannedReload]] = [:]
    }

    struct Waiter: Hashable {
        var workload: WorkloadRef
        var batch: UInt64
    }

    struct Confirmation {
        enum State: Equatable {
            case inFlight
            case waiting(until: Instant)
        }

        var attempt = 1
        var misses = 0
        var errors = 0
        var state = State.inFlight
        var waiters: Set<Waiter> = []
    }

    public let options: Options
    public private(set) var counters = Counters()
    private var workloads: [WorkloadRef: [Batch]] = [:]
    private var confirmations: [ConfirmationKey: Confirmation] = [:]
    private var deadlines = DeadlineHeap()
    private var scheduled: Instant?
    private var nextID: UInt64 = 0

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Whether nothing is pending (no plan, no confirmation).
    public var isIdle: Bool { workloads.isEmpty && confirmations.isEmpty }

    // MARK: Events

    /// A plan from the admission side.
    public mutating func enqueue(_ plan: PlannedReload, now: Instant) -> [Action] {
        var actions = advance(now: now)
        counters.added += 1
        guard counters.depth < options.maxPending else {
            drop(plan, .queueFull, into: &actions)
            return actions + reschedule()
        }
        let workload = plan.workload
        var batches = workloads[workload] ?? []
        var superseded = false
        var replaced: [PlannedReload] = []
        // A newer plan for a config replaces the older one in every batch not yet handed to the reloader; the
        // older ones are kept aside in case the newer write never lands.
        for index in batches.indices where batches[index].phase.isWaiting {
            replaced += batches[index].replaced.removeValue(forKey: plan.config) ?? []
            while let at = batches[index].plans.firstIndex(where: { $0.config == plan.config }) {
                let old = batches[index].plans.remove(at: at)
                counters.depth -= 1
                superseded = true
                replaced.append(old)
                release(old.confirmationKey, from: &batches[index], workload)
            }
        }
        if let last = batches.indices.last, case .collecting(let until) = batches[last].phase, now < until {
            batches[last].plans.append(plan)
            counters.coalesced += 1
            // A plan that joins late would otherwise get only what is left of the window: a burst whose first write
            // joined just before the window closed would be split from the writes right behind it (rolled out once
            // with this batch, once more with the next). Its window extends to a full one from this plan, capped
            // at two windows from the batch's first plan so that a steady stream of writes cannot hold it forever.
            let extended = min(now + options.coalesceWindow, batches[last].opened + options.coalesceWindow * 2)
            if extended > until {
                batches[last].phase = .collecting(until: extended)
                deadlines.push(extended, .window(workload, batches[last].id))
            }
        } else {
            let id = newID()
            let until = now + options.coalesceWindow
            batches.append(Batch(id: id, plans: [plan], phase: .collecting(until: until), opened: now))
            deadlines.push(until, .window(workload, id))
            if superseded { counters.coalesced += 1 }
        }
        if !replaced.isEmpty, let last = batches.indices.last { batches[last].replaced[plan.config] = replaced }
        counters.depth += 1
        workloads[workload] = batches
        settle(workload, into: &actions)
        return actions + reschedule()
    }

    /// The timer asked for by the last `.scheduleTimer` fired (early or late firings are harmless).
    public mutating func timerFired(now: Instant) -> [Action] {
        scheduled = nil
        return advance(now: now) + reschedule()
    }

    /// The driver read the config of `key` after a `.confirm` action.
    public mutating func confirmation(
        for key: ConfirmationKey, result: ConfirmationResult, now: Instant
    ) -> [Action] {
        var actions = advance(now: now)
        guard var confirmation = confirmations[key], confirmation.state == .inFlight else {
            return actions + reschedule()
        }
        let satisfied = key.expectsAbsent ? result == .notFound : result == .matches
        if satisfied {
            confirmations[key] = nil
            for waiter in confirmation.waiters {
                update(waiter) { batch in
                    batch.unconfirmed.remove(key)
                    // The newest write landed: what it replaced is no longer needed.
                    batch.replaced[key.config] = nil
                }
            }
            for workload in Set(confirmation.waiters.map(\.workload)) { settle(workload, into: &actions) }
            return actions + reschedule()
        }
        var giveUp: DropReason?
        if result == .error {
            confirmation.errors += 1
            if confirmation.errors >= options.confirmErrorAttempts { giveUp = .failed }
        } else {
            confirmation.misses += 1
            if confirmation.misses >= options.confirmAttempts { giveUp = .notPersisted }
        }
        if let reason = giveUp {
            confirmations[key] = nil
            for waiter in confirmation.waiters {
                var dropped: [PlannedReload] = []
                update(waiter) { batch in
                    batch.unconfirmed.remove(key)
                    dropped = batch.plans.filter { $0.confirmationKey == key }
                    batch.plans.removeAll { $0.confirmationKey == key }
                }
                for plan in dropped { drop(plan, reason, into: &actions) }
                if reason == .notPersisted {
                    for plan in dropped { restoreReplaced(plan.config, in: waiter, into: &actions) }
                }
            }
            for workload in Set(confirmation.waiters.map(\.workload)) { settle(workload, into: &actions) }
        } else {
            let until = now + backoff(options.confirmBackoff, attempt: confirmation.attempt)
            confirmation.state = .waiting(until: until)
            confirmations[key] = confirmation
            deadlines.push(until, .confirmation(key))
        }
        return actions + reschedule()
    }

    /// The reload of `workload` started by a `.reload` action ended.
    public mutating func reloadFinished(workload: WorkloadRef, result: ReloadOutcome, now: Instant) -> [Action] {
        var actions = advance(now: now)
        guard var batches = workloads[workload], let first = batches.first,
            case .reloading(let attempt) = first.phase
        else { return actions + reschedule() }
        switch result {
        case .success, .skipped:
            if result == .success { counters.reloadsSucceeded += 1 } else { counters.reloadsSkipped += 1 }
            counters.depth -= first.plans.count
            batches.removeFirst()
        case .retryableFailure where attempt < options.reloadAttempts:
            let until = now + backoff(options.reloadBackoff, attempt: attempt)
            batches[0].phase = .backoff(attempt: attempt, until: until)
            deadlines.push(until, .reloadRetry(workload, first.id))
        case .settle(let found)
        where !first.plans.contains(where: \.discovered)
            && Self.settled(first.plans, found: found).contains(where: \.discovered):
            batches[0].plans = Self.settled(first.plans, found: found)
            counters.depth += batches[0].plans.count - first.plans.count
            let until = now + options.coalesceWindow
            batches[0].phase = .settling(attempt: attempt, until: until)
            deadlines.push(until, .reloadRetry(workload, first.id))
        case .settle where attempt < options.reloadAttempts:
            // Already waited once, or nothing new was found (a reloader asking that breaks its side of the deal):
            // a retry, bounded.
            let until = now + backoff(options.reloadBackoff, attempt: attempt)
            batches[0].phase = .backoff(attempt: attempt, until: until)
            deadlines.push(until, .reloadRetry(workload, first.id))
        case .retryableFailure, .permanentFailure, .settle:
            batches.removeFirst()
            for plan in first.plans { drop(plan, .failed, into: &actions) }
        }
        workloads[workload] = batches
        settle(workload, into: &actions)
        return actions + reschedule()
    }

    // MARK: Steps

    /// Carries out everything due at `now`: windows that closed start confirming, confirmation and reload
    /// backoffs that ended retry. Deadlines that no longer hold (their batch or read went, or moved on) are skipped.
    private mutating func advance(now: Instant) -> [Action] {
        var actions: [Action] = []
        while let (at, item) = deadlines.first, at <= now {
            deadlines.removeFirst()
            guard isCurrent(at, item) else { continue }
            switch item {
            case .confirmation(let key):
                confirmations[key]!.state = .inFlight
                confirmations[key]!.attempt += 1
                actions.append(.confirm(key, attempt: confirmations[key]!.attempt))
            case .window(let workload, let id):
                guard let index = workloads[workload]?.firstIndex(where: { $0.id == id }) else { continue }
                startConfirming(workload, index, into: &actions)
                settle(workload, into: &actions)
            case .reloadRetry(let workload, let id):
                guard let index = workloads[workload]?.firstIndex(where: { $0.id == id }) else { continue }
                switch workloads[workload]![index].phase {
                case .backoff(let attempt, _):
                    workloads[workload]![index].phase = .reloading(attempt: attempt + 1)
                    counters.reloadRetries += 1
                case .settling(let attempt, _):
                    workloads[workload]![index].phase = .reloading(attempt: attempt)
                default:
                    continue
                }
                counters.reloadsStarted += 1
                actions.append(.reload(workload, workloads[workload]![index].plans))
            }
        }
        return actions
    }

    /// The batch after a `.settle`: each found plan, marked `discovered`, replaces the batch's plan for its config
    /// (the same config at a newer hash) or joins it; one plan per config.
    private static func settled(_ plans: [PlannedReload], found: [PlannedReload]) -> [PlannedReload] {
        var result = plans
        for var plan in found {
            plan.discovered = true
            if let index = result.firstIndex(where: { $0.config == plan.config }) {
                if result[index].hash != plan.hash { result[index] = plan }
            } else {
                result.append(plan)
            }
        }
        return result
    }

    /// Whether a deadline in the heap still stands.
    private func isCurrent(_ at: Instant, _ item: DeadlineHeap.Item) -> Bool {
        switch item {
        case .confirmation(let key):
            return confirmations[key]?.state == .waiting(until: at)
        case .window(let workload, let id):
            return workloads[workload]?.first(where: { $0.id == id })?.phase == .collecting(until: at)
        case .reloadRetry(let workload, let id):
            switch workloads[workload]?.first(where: { $0.id == id })?.phase {
            case .backoff(_, let until)?, .settling(_, let until)?: return until == at
            default: return false
            }
        }
    }

    /// The window of a batch closed: every config write in it must be confirmed, sharing reads with other
    /// batches waiting for the same write.
    private mutating func startConfirming(_ workload: WorkloadRef, _ index: Int, into actions: inout [Action]) {
        let batch = workloads[workload]![index]
        let waiter = Waiter(workload: workload, batch: batch.id)
        workloads[workload]![index].phase = .confirming
        for plan in batch.plans {
            let key = plan.confirmationKey
            workloads[workload]![index].unconfirmed.insert(key)
            if confirmations[key] == nil {
                confirmations[key] = Confirmation()
                actions.append(.confirm(key, attempt: 1))
            }
            confirmations[key]!.waiters.insert(waiter)
        }
    }

    /// Brings a workload's batches up to date: empty batches go, confirmed ones are ready, and the first ready
    /// one (with the ready ones right behind it) goes out when nothing is in flight.
    private mutating func settle(_ workload: WorkloadRef, into actions: inout [Action]) {
        guard var batches = workloads[workload] else { return }
        batches.removeAll { $0.plans.isEmpty && $0.phase.isWaiting }
        for index in batches.indices where batches[index].phase == .confirming && batches[index].unconfirmed.isEmpty {
            batches[index].phase = .ready
        }
        if batches.first?.phase == .ready {
            while batches.count > 1, batches[1].phase == .ready {
                let next = batches.remove(at: 1)
                for plan in next.plans {
                    batches[0].plans.removeAll { $0.config == plan.config }
                    batches[0].plans.append(plan)
                }
            }
            batches[0].phase = .reloading(attempt: 1)
            counters.reloadsStarted += 1
            actions.append(.reload(workload, batches[0].plans))
        }
        workloads[workload] = batches.isEmpty ? nil : batches
    }

    /// The newest plan for `config` in a confirming batch was dropped as not persisted: the plan it replaced (the
    /// last one kept aside) takes its place and is confirmed in turn.
    private mutating func restoreReplaced(_ config: ConfigRef, in waiter: Waiter, into actions: inout [Action]) {
        guard let index = workloads[waiter.workload]?.firstIndex(where: { $0.id == waiter.batch }),
            var kept = workloads[waiter.workload]![index].replaced[config], let plan = kept.popLast()
        else { return }
        workloads[waiter.workload]![index].replaced[config] = kept.isEmpty ? nil : kept
        workloads[waiter.workload]![index].plans.append(plan)
        counters.depth += 1
        let key = plan.confirmationKey
        workloads[waiter.workload]![index].unconfirmed.insert(key)
        if confirmations[key] == nil {
            confirmations[key] = Confirmation()
            actions.append(.confirm(key, attempt: 1))
        }
        confirmations[key]!.waiters.insert(waiter)
    }

    /// A batch no longer waits for `key` (its plan was replaced); the read is forgotten when nobody waits for it.
    private mutating func release(_ key: ConfirmationKey, from batch: inout Batch, _ workload: WorkloadRef) {
        guard batch.unconfirmed.remove(key) != nil else { return }
        confirmations[key]?.waiters.remove(Waiter(workload: workload, batch: batch.id))
        if confirmations[key]?.waiters.isEmpty == true { confirmations[key] = nil }
    }

    private mutating func update(_ waiter: Waiter, _ body: (inout Batch) -> Void) {
        guard let index = workloads[waiter.workload]?.firstIndex(where: { $0.id == waiter.batch }) else { return }
        body(&workloads[waiter.workload]![index])
    }

    /// Counts and reports a dropped plan; all but `queue_full` ones were pending.
    private mutating func drop(_ plan: PlannedReload, _ reason: DropReason, into actions: inout [Action]) {
        if reason != .queueFull { counters.depth -= 1 }
        counters.dropped[reason, default: 0] += 1
        actions.append(.drop(plan, reason))
    }

    /// Asks for a timer at the next deadline when it is not the one already asked for.
    private mutating func reschedule() -> [Action] {
        while let (at, item) = deadlines.first, !isCurrent(at, item) { deadlines.removeFirst() }
        guard let next = deadlines.first?.at else {
            scheduled = nil
            return []
        }
        guard next != scheduled else { return [] }
        scheduled = next
        return [.scheduleTimer(at: next)]
    }

    private func backoff(_ base: Duration, attempt: Int) -> Duration {
        var delay = base
        for _ in 1..<max(1, attempt) {
            delay *= 2
            if delay >= options.maxBackoff { return options.maxBackoff }
        }
        return min(delay, options.maxBackoff)
    }

    private mutating func newID() -> UInt64 {
        nextID += 1
        return nextID
    }
}

/// The queue's pending deadlines, earliest first (a binary min-heap). Entries are never updated in place: a
/// changed deadline is pushed again and the stale entry skipped when it comes up, so each event costs O(log n).
struct DeadlineHeap: Sendable {
    enum Item: Hashable, Sendable {
        case window(WorkloadRef, UInt64)
        case confirmation(ConfirmationKey)
        case reloadRetry(WorkloadRef, UInt64)
    }

    private var entries: [(at: ContinuousClock.Instant, item: Item)] = []

    var count: Int { entries.count }
    var first: (at: ContinuousClock.Instant, item: Item)? { entries.first }

    mutating func push(_ at: ContinuousClock.Instant, _ item: Item) {
        entries.append((at, item))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].at < entries[parent].at else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() {
        guard !entries.isEmpty else { return }
        entries.swapAt(0, entries.count - 1)
        entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].at < entries[smallest].at { smallest = left }
            if right < entries.count, entries[right].at < entries[smallest].at { smallest = right }
            guard smallest != parent else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
