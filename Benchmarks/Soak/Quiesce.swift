import Foundation
import Glibc

/// The end of a soak: with chaos off and every replica up, waits until nothing is left to do. A replica killed
/// with plans pending lost them, and a write reviewed by nobody (an admission error under failurePolicy Ignore) was
/// never planned: only the leader's reconciler finds those, at its next resync. So: every queue empty, then two
/// resync passes of the leader (one of them wholly after this point) and every queue empty again, then one more pass
/// at a time until a pass adds no rollout.
enum Quiesce {
    static let passes = "reloader_resyncs_total{result=\"success\"}"

    static func settle(
        replicas: ReplicaPool, rollouts: () -> Int, timeout: Duration, progress: @Sendable (String) -> Void
    ) throws(SoakError) {
        let deadline = ContinuousClock.now + timeout
        var wanted = 2
        var before = -1
        while true {
            try drain(replicas, deadline: deadline)
            var leader: ReplicaProcess?
            try waitFor("one replica leads", deadline: deadline) {
                let leaders = replicas.live.filter { $0.metrics()["reloader_leader"] == 1 }
                leader = leaders.first
                return leaders.count == 1
            }
            guard let leader else { throw .timedOut("one replica leads") }
            let start = leader.metrics()[passes] ?? 0
            try waitFor("\(wanted) resync passes of \(leader.name)", deadline: deadline) {
                guard leader.isRunning else { throw SoakError.replicaExited(name: leader.name, log: leader.log) }
                return (leader.metrics()[passes] ?? 0) >= start + Double(wanted)
            }
            try drain(replicas, deadline: deadline)
            let count = rollouts()
            progress("quiesce: \(count) rollouts after \(wanted) more pass(es) of \(leader.name)")
            if count == before { return }
            before = count
            wanted = 1
        }
    }

    private static func drain(_ replicas: ReplicaPool, deadline: ContinuousClock.Instant) throws(SoakError) {
        try waitFor("every replica's queue is empty", deadline: deadline) {
            replicas.live.allSatisfy { $0.metrics()["reloader_workqueue_depth"] == 0 }
        }
    }

    static func waitFor(
        _ what: String, deadline: ContinuousClock.Instant, _ condition: () throws -> Bool
    ) throws(SoakError) {
        do {
            while ContinuousClock.now < deadline {
                if try condition() { return }
                usleep(100_000)
            }
            if try condition() { return }
        } catch let error as SoakError {
            throw error
        } catch {
            throw .setup("\(what): \(error)")
        }
        throw .timedOut(what)
    }

    static func waitFor(_ what: String, timeout: Duration, _ condition: () throws -> Bool) throws(SoakError) {
        try waitFor(what, deadline: ContinuousClock.now + timeout, condition)
    }
}
