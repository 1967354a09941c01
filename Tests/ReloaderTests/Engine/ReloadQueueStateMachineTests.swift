import Testing

@testable import Reloader

/// `ReloadQueueStateMachine`: one event at a time, time passed in, no I/O and no sleeping.
@Suite("ReloadQueue state machine")
struct ReloadQueueStateMachineTests {
    typealias Machine = ReloadQueueStateMachine
    typealias Action = ReloadQueueStateMachine.Action

    static let t0 = ContinuousClock().now
    static let web = WorkloadRef(kind: .deployment, namespace: "shop", name: "web")
    static let api = WorkloadRef(kind: .deployment, namespace: "shop", name: "api")

    static func config(_ name: String, _ kind: ConfigKind = .configMap) -> ConfigRef {
        ConfigRef(kind: kind, namespace: "shop", name: name)
    }

    static func plan(
        _ config: String, _ hash: String, workload: WorkloadRef = web, kind: ConfigKind = .configMap,
        operation: ConfigChange.Operation = .update
    ) -> PlannedReload {
        PlannedReload(
            workload: workload, config: Self.config(config, kind), hash: hash, trigger: .auto, container: 0,
            operation: operation)
    }

    static func at(_ milliseconds: Int) -> ContinuousClock.Instant { t0 + .milliseconds(milliseconds) }

    static func confirms(_ actions: [Action]) -> [ConfirmationKey] {
        actions.compactMap {
            if case .confirm(let key, _) = $0 { return key }
            return nil
        }
    }

    static func reloads(_ actions: [Action]) -> [(WorkloadRef, [PlannedReload])] {
        actions.compactMap {
            if case .reload(let workload, let plans) = $0 { return (workload, plans) }
            return nil
        }
    }

    static func drops(_ actions: [Action]) -> [(PlannedReload, Machine.DropReason)] {
        actions.compactMap {
            if case .drop(let plan, let reason) = $0 { return (plan, reason) }
            return nil
        }
    }

    static func timers(_ actions: [Action]) -> [ContinuousClock.Instant] {
        actions.compactMap {
            if case .scheduleTimer(let at) = $0 { return at }
            return nil
        }
    }

    static func key(_ plan: PlannedReload) -> ConfirmationKey { plan.confirmationKey }

    @Test("two configs changed within the window give one reload with both (C55)")
    func coalescesWithinWindow() {
        var machine = Machine()
        let a = Self.plan("app-config", "h1")
        let b = Self.plan("app-secret", "h2", kind: .secret)
        #expect(machine.enqueue(a, now: Self.t0) == [.scheduleTimer(at: Self.at(1000))])
        // The window runs a full one from the plan that joined (ReloadQueueStateMachineWindowTests).
        #expect(machine.enqueue(b, now: Self.at(400)) == [.scheduleTimer(at: Self.at(1400))])
        // An early firing asks again for the same deadline.
        #expect(machine.timerFired(now: Self.at(1399)) == [.scheduleTimer(at: Self.at(1400))])
        let fired = machine.timerFired(now: Self.at(1400))
        #expect(Set(Self.confirms(fired)) == [Self.key(a), Self.key(b)])
        #expect(machine.confirmation(for: Self.key(a), result: .matches, now: Self.at(1410)) == [])
        let ready = machine.confirmation(for: Self.key(b), result: .matches, now: Self.at(1420))
        let reloads = Self.reloads(ready)
        #expect(reloads.count == 1)
        #expect(reloads.first?.0 == Self.web)
        #expect(reloads.first?.1 == [a, b])
        #expect(machine.counters.coalesced == 1)
        #expect(machine.counters.depth == 2)
        #expect(machine.reloadFinished(workload: Self.web, result: .success, now: Self.at(1500)) == [])
        #expect(machine.counters.depth == 0)
        #expect(machine.counters.reloadsSucceeded == 1)
        #expect(machine.isIdle)
    }

    @Test("a later plan for the same config within the window replaces the earlier hash")
    func laterHashReplaces() {
        var machine = Machine()
        _ = machine.enqueue(Self.plan("app-config", "h1"), now: Self.t0)
        _ = machine.enqueue(Self.plan("app-config", "h2"), now: Self.at(100))
        let fired = machine.timerFired(now: Self.at(1100))
        #expect(Self.confirms(fired) == [ConfirmationKey(config: Self.config("app-config"), hash: "h2")])
        let ready = machine.confirmation(
            for: ConfirmationKey(config: Self.config("app-config"), hash: "h2"), result: .matches, now: Self.at(1101))
        #expect(Self.reloads(ready).first?.1 == [Self.plan("app-config", "h2")])
        #expect(machine.counters.depth == 1)
    }

    @Test("a denied write reviewed after a persisted one: the persisted write is still reloaded")
    func deniedWriteDoesNotCancelPersisted() {
        var machine = Machine()
        let persisted = Self.plan("app-config", "h1")
        let denied = Self.plan("app-config", "hX")
        _ = machine.enqueue(persisted, now: Self.t0)
        _ = machine.enqueue(denied, now: Self.at(100))
        var now = Self.at(1100)
        var actions = machine.timerFired(now: now)
        #expect(Self.confirms(actions) == [Self.key(denied)])
        for attempt in 1...5 {
            actions = machine.confirmation(for: Self.key(denied), result: .differs, now: now)
            if attempt < 5, let at = Self.timers(actions).first {
                now = at
                actions = machine.timerFired(now: now)
            }
        }
        #expect(Self.drops(actions).map(\.0) == [denied])
        #expect(Self.confirms(actions) == [Self.key(persisted)], "the replaced plan is confirmed in its place")
        #expect(machine.counters.depth == 1)
        let ready = machine.confirmation(for: Self.key(persisted), result: .matches, now: now + .milliseconds(5))
        #expect(Self.reloads(ready).map(\.1) == [[persisted]])
        #expect(machine.reloadFinished(workload: Self.web, result: .success, now: now + .milliseconds(50)).isEmpty)
        #expect(machine.isIdle && machine.counters.depth == 0)
    }

    @Test("a replaced plan is forgotten once the newer write is confirmed")
    func replacedForgottenWhenNewerLands() {
        var machine = Machine()
        _ = machine.enqueue(Self.plan("app-config", "h1"), now: Self.t0)
        _ = machine.enqueue(Self.plan("app-config", "h2"), now: Self.at(100))
        _ = machine.timerFired(now: Self.at(1100))
        let ready = machine.confirmation(
            for: Self.key(Self.plan("app-config", "h2")), result: .matches, now: Self.at(1110))
        #expect(Self.reloads(ready).map(\.1) == [[Self.plan("app-config", "h2")]])
        #expect(Self.confirms(ready).isEmpty)
        #expect(machine.reloadFinished(workload: Self.web, result: .success, now: Self.at(1150)).isEmpty)
        #expect(machine.isIdle)
    }

    @Test("two plans outside the window give two reloads (C09)")
    func twoWindowsTwoReloads() {
        var machine = Machine()
        let first = Self.plan("app-config", "h1")
        let second = Self.plan("app-config", "h2")
        _ = machine.enqueue(first, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        #expect(
            Self.reloads(machine.confirmation(for: Self.key(first), result: .matches, now: Self.at(1010))).count == 1)
        #expect(machine.reloadFinished(workload: Self.web, result: .success, now: Self.at(1050)) == [])
        #expect(machine.enqueue(second, now: Self.at(5000)) == [.scheduleTimer(at: Self.at(6000))])
        #expect(Self.confirms(machine.timerFired(now: Self.at(6000))) == [Self.key(second)])
        let ready = machine.confirmation(for: Self.key(second), result: .matches, now: Self.at(6010))
        #expect(Self.reloads(ready).map(\.1) == [[second]])
        #expect(machine.counters.coalesced == 0)
    }

    @Test("a write that never lands is retried with backoff, then dropped not_persisted with no reload (C58)")
    func notPersisted() {
        var machine = Machine()
        let plan = Self.plan("app-config", "h1")
        _ = machine.enqueue(plan, now: Self.t0)
        var now = Self.at(1000)
        var actions = machine.timerFired(now: now)
        var delays: [Duration] = []
        for attempt in 1...5 {
            #expect(actions.contains(.confirm(Self.key(plan), attempt: attempt)))
            actions = machine.confirmation(for: Self.key(plan), result: .differs, now: now)
            #expect(Self.reloads(actions).isEmpty)
            if attempt < 5 {
                let timer = Self.timers(actions)
                #expect(timer.count == 1)
                guard let at = timer.first else { return }
                delays.append(now.duration(to: at))
                now = at
                actions = machine.timerFired(now: now)
            }
        }
        #expect(delays == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600)])
        #expect(Self.drops(actions).map(\.0) == [plan])
        #expect(Self.drops(actions).map(\.1) == [.notPersisted])
        #expect(machine.counters.dropped[.notPersisted] == 1)
        #expect(machine.counters.depth == 0)
        #expect(machine.counters.reloadsStarted == 0)
        #expect(machine.isIdle)
    }

    @Test("a not-found config is retried like a differing one; a later match reloads")
    func eventuallyMatches() {
        var machine = Machine()
        let plan = Self.plan("app-config", "h1")
        _ = machine.enqueue(plan, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        #expect(
            Self.timers(machine.confirmation(for: Self.key(plan), result: .notFound, now: Self.at(1000))) == [
                Self.at(1200)
            ])
        #expect(machine.timerFired(now: Self.at(1200)) == [.confirm(Self.key(plan), attempt: 2)])
        #expect(
            Self.timers(machine.confirmation(for: Self.key(plan), result: .error, now: Self.at(1210))) == [
                Self.at(1610)
            ])
        #expect(machine.timerFired(now: Self.at(1610)) == [.confirm(Self.key(plan), attempt: 3)])
        let ready = machine.confirmation(for: Self.key(plan), result: .matches, now: Self.at(1620))
        #expect(ready == [.reload(Self.web, [plan])])
    }

    @Test("a DELETE plan is confirmed by the config being gone, not by a match")
    func deleteConfirmedByNotFound() {
        var machine = Machine()
        let plan = Self.plan("app-config", ContentHash.deleteMarker, operation: .delete)
        _ = machine.enqueue(plan, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        let stillThere = machine.confirmation(for: Self.key(plan), result: .differs, now: Self.at(1000))
        #expect(Self.reloads(stillThere).isEmpty)
        _ = machine.timerFired(now: Self.at(1200))
        #expect(
            machine.confirmation(for: Self.key(plan), result: .notFound, now: Self.at(1210)) == [
                .reload(Self.web, [plan])
            ])
    }

    @Test("one write used by two workloads is read once and reloads both")
    func sharedConfirmation() {
        var machine = Machine()
        let web = Self.plan("app-config", "h1")
        let api = Self.plan("app-config", "h1", workload: Self.api)
        _ = machine.enqueue(web, now: Self.t0)
        _ = machine.enqueue(api, now: Self.t0)
        #expect(Self.confirms(machine.timerFired(now: Self.at(1000))) == [Self.key(web)])
        let ready = machine.confirmation(for: Self.key(web), result: .matches, now: Self.at(1001))
        #expect(Set(Self.reloads(ready).map(\.0)) == [Self.web, Self.api])
    }

    @Test("beyond the bound new plans are dropped queue_full and counted")
    func queueFull() {
        var machine = Machine(options: .init(maxPending: 2))
        _ = machine.enqueue(Self.plan("a", "h"), now: Self.t0)
        _ = machine.enqueue(Self.plan("b", "h"), now: Self.t0)
        let third = Self.plan("c", "h")
        #expect(machine.enqueue(third, now: Self.t0) == [.drop(third, .queueFull)])
        #expect(machine.counters.dropped[.queueFull] == 1)
        #expect(machine.counters.depth == 2)
    }

    @Test("a retryable failure is retried with exponential backoff, then succeeds")
    func retryableThenSuccess() {
        var machine = Machine()
        let plan = Self.plan("app-config", "h1")
        _ = machine.enqueue(plan, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        _ = machine.confirmation(for: Self.key(plan), result: .matches, now: Self.at(1000))
        #expect(
            machine.reloadFinished(workload: Self.web, result: .retryableFailure, now: Self.at(1100)) == [
                .scheduleTimer(at: Self.at(1600))
            ])
        #expect(machine.timerFired(now: Self.at(1600)) == [.reload(Self.web, [plan])])
        #expect(
            machine.reloadFinished(workload: Self.web, result: .retryableFailure, now: Self.at(1700)) == [
                .scheduleTimer(at: Self.at(2700))
            ])
        #expect(machine.timerFired(now: Self.at(2700)) == [.reload(Self.web, [plan])])
        #expect(machine.reloadFinished(workload: Self.web, result: .success, now: Self.at(2800)) == [])
        #expect(machine.counters.reloadsStarted == 3)
        #expect(machine.counters.reloadRetries == 2)
        #expect(machine.counters.reloadsSucceeded == 1)
        #expect(machine.isIdle)
    }

    @Test("retryable failures beyond the bound drop the batch as failed")
    func retryableBound() {
        var machine = Machine(options: .init(reloadAttempts: 2))
        let plan = Self.plan("app-config", "h1")
        _ = machine.enqueue(plan, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        _ = machine.confirmation(for: Self.key(plan), result: .matches, now: Self.at(1000))
        _ = machine.reloadFinished(workload: Self.web, result: .retryableFailure, now: Self.at(1000))
        _ = machine.timerFired(now: Self.at(1500))
        let actions = machine.reloadFinished(workload: Self.web, result: .retryableFailure, now: Self.at(1600))
        #expect(actions == [.drop(plan, .failed)])
        #expect(machine.counters.dropped[.failed] == 1)
        #expect(machine.isIdle)
    }

    @Test("a permanent failure drops the batch as failed at once")
    func permanentFailure() {
        var machine = Machine()
        let a = Self.plan("a", "h1")
        let b = Self.plan("b", "h2")
        _ = machine.enqueue(a, now: Self.t0)
        _ = machine.enqueue(b, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        _ = machine.confirmation(for: Self.key(a), result: .matches, now: Self.at(1000))
        _ = machine.confirmation(for: Self.key(b), result: .matches, now: Self.at(1000))
        let actions = machine.reloadFinished(workload: Self.web, result: .permanentFailure, now: Self.at(1100))
        #expect(actions == [.drop(a, .failed), .drop(b, .failed)])
        #expect(machine.counters.dropped[.failed] == 2)
        #expect(machine.counters.depth == 0)
    }

    @Test(
        "a skipped reload (nothing to write) is done: no drop, no retry, the next batch goes out",
        arguments: [ReloadDecision.SkipReason.alreadyCurrent, .notSelected, .cronJobSuspended])
    func skippedIsDone(reason: ReloadDecision.SkipReason) {
        var machine = Machine()
        let first = Self.plan("a", "h1")
        let second = Self.plan("a", "h2")
        _ = machine.enqueue(first, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        _ = machine.confirmation(for: Self.key(first), result: .matches, now: Self.at(1000))
        _ = machine.enqueue(second, now: Self.at(1100))
        _ = machine.timerFired(now: Self.at(2100))
        _ = machine.confirmation(for: Self.key(second), result: .matches, now: Self.at(2100))
        let actions = machine.reloadFinished(workload: Self.web, result: .skipped(reason), now: Self.at(2200))
        #expect(actions == [.reload(Self.web, [second])])
        #expect(machine.counters.reloadsSkipped == 1 && machine.counters.reloadsSucceeded == 0)
        #expect(machine.counters.dropped.isEmpty)
        #expect(machine.counters.depth == 1)
        #expect(machine.reloadFinished(workload: Self.web, result: .skipped(reason), now: Self.at(2300)) == [])
        #expect(machine.isIdle && machine.counters.depth == 0 && machine.counters.reloadsStarted == 2)
    }

    @Test("plans for a workload being reloaded run after it, never alongside")
    func queuedBehindInFlight() {
        var machine = Machine()
        let first = Self.plan("a", "h1")
        let second = Self.plan("a", "h2")
        let third = Self.plan("b", "h3")
        _ = machine.enqueue(first, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        #expect(
            Self.reloads(machine.confirmation(for: Self.key(first), result: .matches, now: Self.at(1000))).count == 1)
        // While the first reload is in flight, a new change of the same config and one of another config.
        _ = machine.enqueue(second, now: Self.at(1100))
        _ = machine.timerFired(now: Self.at(2100))
        let confirmed = machine.confirmation(for: Self.key(second), result: .matches, now: Self.at(2150))
        #expect(Self.reloads(confirmed).isEmpty)
        _ = machine.enqueue(third, now: Self.at(2200))
        _ = machine.timerFired(now: Self.at(3200))
        #expect(Self.reloads(machine.confirmation(for: Self.key(third), result: .matches, now: Self.at(3210))).isEmpty)
        // The first one ends: both ready batches go out as one reload.
        let next = machine.reloadFinished(workload: Self.web, result: .success, now: Self.at(3300))
        #expect(next == [.reload(Self.web, [second, third])])
        _ = machine.reloadFinished(workload: Self.web, result: .success, now: Self.at(3400))
        #expect(machine.isIdle)
        #expect(machine.counters.reloadsSucceeded == 2)
    }

    @Test("a newer write of a config replaces the older one waiting in an earlier batch")
    func supersedesEarlierBatch() {
        var machine = Machine()
        let old = Self.plan("a", "h1")
        let new = Self.plan("a", "h2")
        _ = machine.enqueue(old, now: Self.t0)
        _ = machine.timerFired(now: Self.at(1000))
        // The old write is still being confirmed when the new one arrives: the old batch empties and goes.
        _ = machine.enqueue(new, now: Self.at(1050))
        #expect(machine.confirmation(for: Self.key(old), result: .differs, now: Self.at(1060)) == [])
        #expect(Self.confirms(machine.timerFired(now: Self.at(2050))) == [Self.key(new)])
        #expect(
            machine.confirmation(for: Self.key(new), result: .matches, now: Self.at(2060)) == [.reload(Self.web, [new])]
        )
        #expect(machine.counters.dropped.isEmpty)
        #expect(machine.counters.coalesced == 1)
    }

    @Test("the driver's read compares to the expected hash")
    func resultFromObserved() {
        struct Boom: Error {}
        #expect(Machine.ConfirmationResult(observed: .success("h"), expected: "h") == .matches)
        #expect(Machine.ConfirmationResult(observed: .success("x"), expected: "h") == .differs)
        #expect(Machine.ConfirmationResult(observed: .success(nil), expected: "h") == .notFound)
        #expect(Machine.ConfirmationResult(observed: .failure(Boom()), expected: "h") == .error)
    }

    @Test("a burst of 10,000 plans for distinct workloads: each event is cheap, every workload reloads once")
    func burst() {
        var machine = Machine()
        var timers = 0
        for index in 0..<10_000 {
            let workload = WorkloadRef(kind: .deployment, namespace: "shop", name: "w\(index)")
            timers +=
                Self.timers(machine.enqueue(Self.plan("shared", "h1", workload: workload), now: Self.at(index % 500)))
                .count
        }
        #expect(timers == 1)
        #expect(machine.counters.depth == 10_000)
        let fired = machine.timerFired(now: Self.at(1500))
        #expect(Self.confirms(fired).count == 1)
        let key = ConfirmationKey(config: Self.config("shared"), hash: "h1")
        let ready = machine.confirmation(for: key, result: .matches, now: Self.at(1510))
        #expect(Self.reloads(ready).count == 10_000)
        #expect(Set(Self.reloads(ready).map(\.0)).count == 10_000)
    }

    @Test("the deadline heap gives deadlines earliest first")
    func deadlineHeap() {
        var heap = DeadlineHeap()
        let offsets = [5, 3, 9, 1, 7, 2, 8, 0, 6, 4, 3]
        for (index, offset) in offsets.enumerated() {
            heap.push(Self.at(offset), .window(Self.web, UInt64(index)))
        }
        var popped: [ContinuousClock.Instant] = []
        while let first = heap.first {
            popped.append(first.at)
            heap.removeFirst()
        }
        #expect(popped == offsets.sorted().map { Self.at($0) })
    }
}
