/// Leader election over one coordination.k8s.io/v1 Lease (contract §9), with client-go's `leaderelection`
/// semantics (`tryAcquireOrRenew`):
/// - a Lease held by another identity is taken only when its `leaseDurationSeconds` has passed on OUR monotonic
///   clock since we last saw the record change; remote timestamps are never compared, so clock skew between
///   replicas does not matter;
/// - the holder renews every retry period, first optimistically with the resourceVersion of its last write, and
///   steps down when it could not renew within the renew deadline (measured from the start of its last successful
///   write, which is no later than any standby's observation of it, so it steps down before a standby takes over);
/// - taking the Lease from another holder (or a released one) increments `leaseTransitions`; renewing keeps
///   `acquireTime` and the count; a 409 re-reads at once; a clean stop releases the Lease as client-go's
///   `ReleaseOnCancel` does (no holder, `leaseDurationSeconds: 1`), so a standby takes over at its next look.
///
/// Deliberate differences: a holder that reads the Lease held by someone else steps down at once instead of at its
/// deadline, and after stepping down it stays a candidate (contract §9: we keep serving, Reloader exits); standbys
/// look every retry period without client-go's jitter (a 409 settles simultaneous takeovers).
///
/// Pure: no clocks, no I/O. Each event takes `now` and returns the actions `LeaderElector` performs; at most one
/// API request is outstanding and its answer is the next `leaseRead` or `writeFinished`.
public struct LeaderElectionStateMachine: Sendable {
    public typealias Instant = ContinuousClock.Instant

    /// The answer to `.getLease`.
    public enum ReadResult: Sendable, Hashable {
        case found(LeaseRecord, resourceVersion: String)
        case notFound
        /// Any other failure (logged by the driver): try again after the retry period.
        case failed
    }

    /// The answer to `.createLease` or `.updateLease`.
    public enum WriteResult: Sendable, Hashable {
        case success(resourceVersion: String)
        /// 409 (stale resourceVersion, or the Lease was created meanwhile) or 404 on update: re-read.
        case conflict
        case failed
    }

    public enum LossReason: Sendable, Hashable {
        case renewDeadlinePassed
        case heldBy(String)
        case stopped
    }

    public enum Action: Sendable, Hashable {
        case getLease
        case createLease(LeaseRecord)
        /// PUT the Lease with this spec and the resourceVersion it was read (or last written) at.
        case updateLease(LeaseRecord, resourceVersion: String)
        case becameLeader
        case lostLeadership(LossReason)
        /// Call `tick(now:)` at this instant (replaces any earlier one).
        case scheduleTick(at: Instant)
        /// The election is over; `released` when the Lease was handed back.
        case stopped(released: Bool)
    }

    enum Phase: Equatable {
        case idle
        case running
        case stopping(release: Bool)
        case stopped
    }

    enum Request: Equatable {
        case read
        /// A create or update; `startedAt` is when its record was built.
        case write(LeaseRecord, isRelease: Bool, startedAt: Instant)
    }

    public let options: Options
    public private(set) var isLeader = false
    /// The Lease as last read or written, and the local time it last changed (client-go's `observedRecord`,
    /// `observedTime`).
    public private(set) var observed: LeaseRecord?
    private var observedAt: Instant?
    private var resourceVersion: String?
    /// The start of the last successful write while leader: the renew deadline counts from here.
    private var lastRenew: Instant?
    private var phase = Phase.idle
    private var inFlight: Request?
    private var nextAttempt: Instant?
    private var scheduled: Instant?

    public init(options: Options) {
        self.options = options
    }

    // MARK: Events

    public mutating func start(now: Now) -> [Action] {
        guard phase == .idle else { return [] }
        phase = .running
        return attempt(now: now) + reschedule()
    }

    /// The timer asked for by the last `.scheduleTick` fired (early or late firings are harmless).
    public mutating func tick(now: Now) -> [Action] {
        scheduled = nil
        guard phase == .running else { return [] }
        var actions = checkDeadline(now: now)
        if inFlight == nil, let next = nextAttempt, now.instant >= next {
            actions += attempt(now: now)
        }
        return actions + reschedule()
    }

    public mutating func leaseRead(_ result: ReadResult, now: Now) -> [Action] {
        guard inFlight == .read else { return [] }
        inFlight = nil
        if case .found(let record, let version) = result { observe(record, resourceVersion: version, now: now) }
        if case .stopping = phase { return finishStop(now: now) }
        guard phase == .running else { return [] }
        var actions = checkDeadline(now: now)
        switch result {
        case .failed:
            nextAttempt = now.instant + options.retryPeriod
        case .notFound:
            observed = nil
            resourceVersion = nil
            let record = LeaseRecord(
                holderIdentity: options.identity, leaseDurationSeconds: options.leaseDurationSeconds,
                acquireTime: MicroTime.format(now.date), renewTime: MicroTime.format(now.date), leaseTransitions: 0)
            inFlight = .write(record, isRelease: false, startedAt: now.instant)
            actions.append(.createLease(record))
        case .found(let record, let version):
            if !record.holderIdentity.isEmpty, record.holderIdentity != options.identity, isObservedValid(now: now) {
                if isLeader { actions += stepDown(.heldBy(record.holderIdentity)) }
                nextAttempt = now.instant + options.retryPeriod
            } else {
                actions += write(claiming(record, now: now), resourceVersion: version, now: now)
            }
        }
        return actions + reschedule()
    }

    public mutating func writeFinished(_ result: WriteResult, now: Now) -> [Action] {
        guard case .write(let record, let isRelease, let startedAt) = inFlight else { return [] }
        inFlight = nil
        if case .success(let version) = result {
            // What we wrote is what the API holds now; we saw it change when we built it.
            observed = record
            observedAt = startedAt
            resourceVersion = version
        }
        if isRelease {
            phase = .stopped
            if case .success = result { return [.stopped(released: true)] }
            return [.stopped(released: false)]
        }
        if case .stopping = phase { return finishStop(now: now) }
        guard phase == .running else { return [] }
        var actions: [Action] = []
        switch result {
        case .success:
            // A write that took longer than the renew deadline proves nothing about now: do not lead on it.
            if now.instant < startedAt + options.renewDeadline {
                lastRenew = startedAt
                if !isLeader {
                    isLeader = true
                    actions.append(.becameLeader)
                }
            }
            nextAttempt = now.instant + options.retryPeriod
        case .conflict:
            inFlight = .read
            actions.append(.getLease)
        case .failed:
            nextAttempt = now.instant + options.retryPeriod
        }
        return actions + checkDeadline(now: now) + reschedule()
    }

    /// Stops the election. A leader steps down first (`.lostLeadership(.stopped)`), then, with `release`, hands the
    /// Lease back if the API last showed us holding it. An answer still outstanding is awaited first.
    public mutating func stop(release: Bool, now: Now) -> [Action] {
        switch phase {
        case .idle:
            phase = .stopped
            return [.stopped(released: false)]
        case .stopping, .stopped:
            return []
        case .running:
            phase = .stopping(release: release)
            scheduled = nil
            let actions = isLeader ? stepDown(.stopped) : []
            return inFlight == nil ? actions + finishStop(now: now) : actions
        }
    }

    // MARK: Decisions

    private mutating func attempt(now: Now) -> [Action] {
        nextAttempt = nil
        // client-go's fast path: while the Lease we last saw is ours and unexpired, renew it without reading it.
        if let observed, observed.holderIdentity == options.identity, let resourceVersion, isObservedValid(now: now) {
            return write(claiming(observed, now: now), resourceVersion: resourceVersion, now: now)
        }
        inFlight = .read
        return [.getLease]
    }

    private mutating func write(_ record: LeaseRecord, resourceVersion: String, now: Now) -> [Action] {
        inFlight = .write(record, isRelease: false, startedAt: now.instant)
        return [.updateLease(record, resourceVersion: resourceVersion)]
    }

    /// The record that makes us the holder of `current`: a renewal keeps `acquireTime` and the transition count; a
    /// takeover starts a new term and counts one transition.
    private func claiming(_ current: LeaseRecord, now: Now) -> LeaseRecord {
        let stamp = MicroTime.format(now.date)
        let renewing = current.holderIdentity == options.identity
        return LeaseRecord(
            holderIdentity: options.identity, leaseDurationSeconds: options.leaseDurationSeconds,
            acquireTime: renewing ? current.acquireTime ?? stamp : stamp, renewTime: stamp,
            leaseTransitions: renewing ? current.leaseTransitions : current.leaseTransitions + 1)
    }

    private mutating func observe(_ record: LeaseRecord, resourceVersion version: String, now: Now) {
        if record != observed {
            observed = record
            observedAt = now.instant
        }
        resourceVersion = version
    }

    /// Whether the Lease we last saw is unexpired by our clock: its duration has not passed since it last changed.
    private func isObservedValid(now: Now) -> Bool {
        guard let observed, let observedAt else { return false }
        return now.instant < observedAt + .seconds(observed.leaseDurationSeconds)
    }

    private mutating func checkDeadline(now: Now) -> [Action] {
        guard isLeader, let lastRenew, now.instant >= lastRenew + options.renewDeadline else { return [] }
        return stepDown(.renewDeadlinePassed)
    }

    private mutating func stepDown(_ reason: LossReason) -> [Action] {
        isLeader = false
        lastRenew = nil
        return [.lostLeadership(reason)]
    }

    private mutating func finishStop(now: Now) -> [Action] {
        guard case .stopping(let release) = phase else { return [] }
        if release, let observed, observed.holderIdentity == options.identity, let resourceVersion {
            // client-go's `release()`: no holder, a one-second lease, the transition count kept.
            let stamp = MicroTime.format(now.date)
            let record = LeaseRecord(
                holderIdentity: "", leaseDurationSeconds: 1, acquireTime: stamp, renewTime: stamp,
                leaseTransitions: observed.leaseTransitions)
            inFlight = .write(record, isRelease: true, startedAt: now.instant)
            return [.updateLease(record, resourceVersion: resourceVersion)]
        }
        phase = .stopped
        return [.stopped(released: false)]
    }

    /// One timer: the next attempt when no request is out, and a leader's renew deadline even while one is (a
    /// request that hangs must not keep a leader in office past its deadline).
    private mutating func reschedule() -> [Action] {
        guard phase == .running else { return [] }
        var deadlines: [Instant] = []
        if inFlight == nil, let nextAttempt { deadlines.append(nextAttempt) }
        if isLeader, let lastRenew { deadlines.append(lastRenew + options.renewDeadline) }
        guard let target = deadlines.min(), target != scheduled else { return [] }
        scheduled = target
        return [.scheduleTick(at: target)]
    }
}
