import Testing

@testable import Reloader

/// `ReloadOutcome.settle`: the reloader (with several replicas) found content changes beyond its batch right before
/// writing; the found plans join the batch, which is written once, one coalesce window later, and waits at most once.
@Suite("ReloadQueue state machine: settling a burst")
struct ReloadQueueStateMachineSettleTests {
    typealias T = ReloadQueueStateMachineTests
    typealias Machine = ReloadQueueStateMachine

    /// A machine whose batch for `web` (one plan, `app-config`) is being reloaded at 1,000 ms.
    static func reloading(_ options: Machine.Options = .init()) -> (Machine, PlannedReload) {
        var machine = Machine(options: options)
        let plan = T.plan("app-config", "h1")
        _ = machine.enqueue(plan, now: T.t0)
        _ = machine.timerFired(now: T.at(1000))
        let actions = machine.confirmation(for: T.key(plan), result: .matches, now: T.at(1000))
        #expect(T.reloads(actions).map(\.1) == [[plan]])
        return (machine, plan)
    }

    @Test("found plans join the batch, marked; it is written one window later, and that is not a retry")
    func settleOnce() {
        var (machine, plan) = Self.reloading()
        let found = T.plan("db", "s2", kind: .secret)
        #expect(
            machine.reloadFinished(workload: T.web, result: .settle([found, plan, found]), now: T.at(1100)) == [
                .scheduleTimer(at: T.at(2100))
            ])
        #expect(machine.counters.depth == 2)
        #expect(T.reloads(machine.timerFired(now: T.at(2000))).isEmpty)
        var marked = found
        marked.discovered = true
        // The batch's own plan for app-config is kept; the found one for it is not added twice.
        #expect(machine.timerFired(now: T.at(2100)) == [.reload(T.web, [plan, marked])])
        #expect(machine.reloadFinished(workload: T.web, result: .success, now: T.at(2200)).isEmpty)
        #expect(machine.counters.reloadsStarted == 2)
        #expect(machine.counters.reloadRetries == 0)
        #expect(machine.counters.reloadsSucceeded == 1)
        #expect(machine.counters.depth == 0)
        #expect(machine.isIdle)
    }

    @Test("a newer write of a planned config found before the write replaces the plan, marked, after one window")
    func newerContentOfAPlannedConfig() {
        var (machine, _) = Self.reloading()
        let newer = T.plan("app-config", "h2")
        #expect(
            machine.reloadFinished(workload: T.web, result: .settle([newer]), now: T.at(1100)) == [
                .scheduleTimer(at: T.at(2100))
            ])
        #expect(machine.counters.depth == 1)
        var marked = newer
        marked.discovered = true
        #expect(machine.timerFired(now: T.at(2100)) == [.reload(T.web, [marked])])
    }

    @Test("a settle that brings nothing new is a bounded retry, not a wait")
    func settleWithNothingNew() {
        var (machine, plan) = Self.reloading()
        #expect(
            machine.reloadFinished(workload: T.web, result: .settle([plan]), now: T.at(1100)) == [
                .scheduleTimer(at: T.at(1600))
            ])
        #expect(machine.timerFired(now: T.at(1600)) == [.reload(T.web, [plan])])
        #expect(machine.counters.reloadRetries == 1)
    }

    @Test("plans for the workload reviewed while it settles wait for it, then go out in their own reload")
    func reviewsDuringTheWait() {
        var (machine, _) = Self.reloading()
        _ = machine.reloadFinished(
            workload: T.web, result: .settle([T.plan("db", "s2", kind: .secret)]), now: T.at(1100))
        let later = T.plan("app-config", "h2")
        _ = machine.enqueue(later, now: T.at(1500))
        _ = machine.timerFired(now: T.at(2100))
        _ = machine.reloadFinished(workload: T.web, result: .success, now: T.at(2200))
        let confirms = T.confirms(machine.timerFired(now: T.at(2500)))
        #expect(confirms == [T.key(later)])
        let actions = machine.confirmation(for: T.key(later), result: .matches, now: T.at(2500))
        #expect(T.reloads(actions).map(\.1) == [[later]])
    }

    @Test("a batch that settled once and is asked again retries with backoff, then drops as failed")
    func askedTwice() {
        var (machine, plan) = Self.reloading(.init(reloadAttempts: 2))
        let found = T.plan("db", "s2", kind: .secret)
        _ = machine.reloadFinished(workload: T.web, result: .settle([found]), now: T.at(1100))
        var marked = found
        marked.discovered = true
        #expect(machine.timerFired(now: T.at(2100)) == [.reload(T.web, [plan, marked])])
        // Same attempt as before the wait: the first retry backs off 500 ms.
        #expect(
            machine.reloadFinished(workload: T.web, result: .settle([T.plan("c", "x")]), now: T.at(2200)) == [
                .scheduleTimer(at: T.at(2700))
            ])
        #expect(machine.timerFired(now: T.at(2700)) == [.reload(T.web, [plan, marked])])
        let actions = machine.reloadFinished(workload: T.web, result: .settle([T.plan("c", "x")]), now: T.at(2800))
        #expect(actions == [.drop(plan, .failed), .drop(marked, .failed)])
        #expect(machine.counters.depth == 0)
        #expect(machine.isIdle)
    }
}
