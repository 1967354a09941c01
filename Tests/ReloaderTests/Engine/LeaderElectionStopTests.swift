import Foundation
import Testing

@testable import Reloader

/// `LeaderElectionStateMachine.stop`: stepping down, releasing the Lease as client-go's `ReleaseOnCancel` does, and
/// the timing checks of `Options`.
@Suite("Leader election stop and options")
struct LeaderElectionStopTests {
    typealias T = LeaderElectionStateMachineTests
    typealias Machine = LeaderElectionStateMachine

    @Test("a leader steps down, then releases: no holder, a one-second lease, the count kept")
    func releasesOnStop() throws {
        var machine = try T.leader()
        let released = T.record(
            holder: "", duration: 1, acquired: T.stamp(3000), renewed: T.stamp(3000), transitions: 0)
        let actions = machine.stop(release: true, now: T.at(3000))
        #expect(actions == [.lostLeadership(.stopped), .updateLease(released, resourceVersion: "1")])
        #expect(!machine.isLeader)
        #expect(machine.tick(now: T.at(4000)) == [])
        #expect(machine.writeFinished(.success(resourceVersion: "2"), now: T.at(3010)) == [.stopped(released: true)])
        #expect(machine.stop(release: true, now: T.at(3020)) == [])
    }

    @Test(
        "a release that conflicts or fails ends the election anyway",
        arguments: [
            Machine.WriteResult.conflict, .failed,
        ])
    func releaseFailureStops(result: Machine.WriteResult) throws {
        var machine = try T.leader()
        _ = machine.stop(release: true, now: T.at(3000))
        #expect(machine.writeFinished(result, now: T.at(3010)) == [.stopped(released: false)])
    }

    @Test("stop without release leaves the Lease to expire, as a crash would")
    func stopWithoutRelease() throws {
        var machine = try T.leader()
        #expect(
            machine.stop(release: false, now: T.at(3000)) == [.lostLeadership(.stopped), .stopped(released: false)])
    }

    @Test("a standby stops without writing; a machine never started stops at once")
    func standbyStops() throws {
        var machine = try T.machine()
        _ = machine.start(now: T.t0)
        _ = machine.leaseRead(.found(T.record(holder: "b"), resourceVersion: "7"), now: T.t0)
        #expect(machine.stop(release: true, now: T.at(100)) == [.stopped(released: false)])
        var idle = try T.machine()
        #expect(idle.stop(release: true, now: T.t0) == [.stopped(released: false)])
        #expect(idle.start(now: T.t0) == [])
    }

    @Test("a stop during a request waits for its answer, then releases what that answer made ours")
    func stopWaitsForRequest() throws {
        var machine = try T.machine()
        _ = machine.start(now: T.t0)
        _ = machine.leaseRead(.notFound, now: T.t0)  // the create goes out
        #expect(machine.stop(release: true, now: T.at(5)) == [])
        let released = T.record(holder: "", duration: 1, acquired: T.stamp(20), renewed: T.stamp(20), transitions: 0)
        let created = machine.writeFinished(.success(resourceVersion: "1"), now: T.at(20))
        #expect(created == [.updateLease(released, resourceVersion: "1")])
        #expect(!machine.isLeader)
        #expect(machine.writeFinished(.success(resourceVersion: "2"), now: T.at(30)) == [.stopped(released: true)])
    }

    @Test(
        "timings client-go refuses are refused, naming the flag",
        arguments: [
            (15, 15, 2, ConfigurationFlag.leaderElectionRenewDeadline),  // renew deadline not shorter than the lease
            (15, 20, 2, .leaderElectionRenewDeadline),
            (15, 10, 9, .leaderElectionRetryPeriod),  // 9 · 1.2 > 10
            (15, 10, 0, .leaderElectionRetryPeriod),
            (0, 10, 2, .leaderElectionLeaseDuration),
        ])
    func refusesTimings(lease: Int, renew: Int, retry: Int, flag: ConfigurationFlag) {
        #expect {
            _ = try Machine.Options(
                identity: "a", leaseDuration: .seconds(lease), renewDeadline: .seconds(renew),
                retryPeriod: .seconds(retry))
        } throws: { error in
            guard case .invalidTiming(let named, _) = error as? LeaderElectionError else { return false }
            return named == flag
        }
    }

    @Test("an empty identity is refused as a missing POD_NAME; fractional durations round up to whole seconds")
    func identityAndRounding() throws {
        #expect(throws: LeaderElectionError.missingEnvironment(flag: .enableHA, variable: "POD_NAME")) {
            _ = try Machine.Options(identity: "")
        }
        let options = try Machine.Options(
            identity: "a", leaseDuration: .milliseconds(2500), renewDeadline: .seconds(2),
            retryPeriod: .milliseconds(300))
        #expect(options.leaseDurationSeconds == 3)
        #expect(try Machine.Options(identity: "a").leaseDurationSeconds == 15)
    }
}
