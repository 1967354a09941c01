import Testing

@testable import Reloader

/// How long a batch collects: a full coalesce window after each plan that joins it, at most two windows after its
/// first, so a burst that starts just before a batch's window would have closed is not split in two rollouts.
@Suite("ReloadQueue state machine: the coalesce window")
struct ReloadQueueStateMachineWindowTests {
    typealias T = ReloadQueueStateMachineTests
    typealias Machine = ReloadQueueStateMachine

    /// Fires the timer at `milliseconds` and confirms every read it asks for; returns the reloads that start.
    static func fire(_ machine: inout Machine, at milliseconds: Int) -> [(WorkloadRef, [PlannedReload])] {
        var actions = machine.timerFired(now: T.at(milliseconds))
        for key in T.confirms(actions) {
            actions += machine.confirmation(for: key, result: .matches, now: T.at(milliseconds))
        }
        return T.reloads(actions)
    }

    @Test("a burst whose first write joins a batch just before its window closes rolls out once, with the batch")
    func burstStraddlingTheWindowEnd() {
        // The soak's shape (CI, seed 7): a write of app-config opens the batch; one window later a burst writes
        // app-secret and app-config again; app-secret's review lands 1 ms before the window closes, app-config's
        // 1 ms after. Closing at 1,000 ms would roll out app-secret with the older app-config at once, and the
        // burst's app-config a second time.
        var machine = Machine()
        let first = T.plan("app-config", "h1")
        let secret = T.plan("app-secret", "s2", kind: .secret)
        let config = T.plan("app-config", "h2")
        #expect(machine.enqueue(first, now: T.t0) == [.scheduleTimer(at: T.at(1000))])
        #expect(machine.enqueue(secret, now: T.at(999)) == [.scheduleTimer(at: T.at(1999))])
        #expect(Self.fire(&machine, at: 1000).isEmpty)
        // The cap (two windows from the first plan) bounds the second extension.
        #expect(machine.enqueue(config, now: T.at(1001)) == [.scheduleTimer(at: T.at(2000))])
        #expect(Self.fire(&machine, at: 1999).isEmpty)
        let reloads = Self.fire(&machine, at: 2000)
        #expect(reloads.count == 1)
        #expect(reloads.first?.1 == [secret, config])
        #expect(machine.reloadFinished(workload: T.web, result: .success, now: T.at(2010)).isEmpty)
        #expect(machine.isIdle)
        #expect(machine.counters.reloadsStarted == 1)
    }

    @Test("a steady stream of writes is rolled out every two windows at most, never held back for ever")
    func steadyStreamIsCapped() {
        var machine = Machine()
        var reloads: [[PlannedReload]] = []
        // A write every 600 ms for 6 s: each joins the batch before its window closes.
        for tick in 0...8000 {
            for (workload, plans) in Self.fire(&machine, at: tick) {
                reloads.append(plans)
                _ = machine.reloadFinished(workload: workload, result: .success, now: T.at(tick))
            }
            if tick % 600 == 0, tick < 6000 {
                _ = machine.enqueue(T.plan("app-config", "h\(tick / 600)"), now: T.at(tick))
            }
        }
        // Batches open at 0, 2,400 and 4,800 ms and close two windows later (the last one a window after its last
        // plan, at 6,400 ms): three rollouts, each with the newest hash of its batch.
        #expect(reloads.map { $0.map(\.hash) } == [["h3"], ["h7"], ["h9"]])
        #expect(machine.isIdle)
    }

    @Test("a plan after the window closed opens a batch of its own (C09)")
    func afterTheWindow() {
        var machine = Machine()
        let first = T.plan("app-config", "h1")
        let second = T.plan("app-secret", "s2", kind: .secret)
        _ = machine.enqueue(first, now: T.t0)
        #expect(Self.fire(&machine, at: 1000).map(\.1) == [[first]])
        #expect(machine.enqueue(second, now: T.at(1001)).contains(.scheduleTimer(at: T.at(2001))))
        _ = machine.reloadFinished(workload: T.web, result: .success, now: T.at(1010))
        #expect(Self.fire(&machine, at: 2001).map(\.1) == [[second]])
    }
}
