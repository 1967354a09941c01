import Foundation
import Testing

@testable import Reloader

/// `LeaderElectionStateMachine`: one event at a time, both clocks passed in, no I/O and no sleeping. Timings are
/// the contract's defaults (lease 15s, renew deadline 10s, retry 2s); we are "a", the other replica is "b".
@Suite("Leader election state machine")
struct LeaderElectionStateMachineTests {
    typealias Machine = LeaderElectionStateMachine
    typealias Action = LeaderElectionStateMachine.Action

    static let t0 = Machine.Now(instant: ContinuousClock.now, date: Date(timeIntervalSince1970: 1_795_000_000.25))

    static func at(_ milliseconds: Int) -> Machine.Now { t0.advanced(by: .milliseconds(milliseconds)) }
    static func stamp(_ milliseconds: Int) -> String { MicroTime.format(at(milliseconds).date) }

    static func machine() throws -> Machine {
        Machine(options: try Machine.Options(identity: "a"))
    }

    static func record(
        holder: String, duration: Int = 15, acquired: String? = "2020-01-01T00:00:00.000000Z",
        renewed: String? = "2020-01-01T00:00:05.000000Z", transitions: Int = 0
    ) -> LeaseRecord {
        LeaseRecord(
            holderIdentity: holder, leaseDurationSeconds: duration, acquireTime: acquired, renewTime: renewed,
            leaseTransitions: transitions)
    }

    /// What "a" writes when it claims the Lease at `milliseconds`.
    static func claim(at milliseconds: Int, acquired: Int? = nil, transitions: Int) -> LeaseRecord {
        record(
            holder: "a", acquired: stamp(acquired ?? milliseconds), renewed: stamp(milliseconds),
            transitions: transitions)
    }

    /// A leader: created the Lease at t0 (resourceVersion "1").
    static func leader() throws -> Machine {
        var machine = try machine()
        _ = machine.start(now: t0)
        _ = machine.leaseRead(.notFound, now: t0)
        _ = machine.writeFinished(.success(resourceVersion: "1"), now: at(10))
        return machine
    }

    @Test("no Lease: create one naming us, with no transitions, and lead once it is stored")
    func createsWhenNotFound() throws {
        var machine = try Self.machine()
        #expect(machine.start(now: Self.t0) == [.getLease])
        #expect(machine.leaseRead(.notFound, now: Self.t0) == [.createLease(Self.claim(at: 0, transitions: 0))])
        #expect(!machine.isLeader)
        let stored = machine.writeFinished(.success(resourceVersion: "1"), now: Self.at(10))
        #expect(stored == [.becameLeader, .scheduleTick(at: Self.at(2010).instant)])
        #expect(machine.isLeader)
    }

    @Test(
        "a free Lease is taken at once and counts one transition",
        arguments: [
            (Self.record(holder: "", duration: 1, transitions: 3), 4),  // released by its holder
            (Self.record(holder: "", duration: 0, acquired: nil, renewed: nil), 1),  // spec never written
            (Self.record(holder: "b", duration: 0, transitions: 7), 8),  // zero duration: already expired
        ])
    func takesFreeLease(current: LeaseRecord, transitions: Int) throws {
        var machine = try Self.machine()
        _ = machine.start(now: Self.t0)
        let actions = machine.leaseRead(.found(current, resourceVersion: "41"), now: Self.at(5))
        #expect(actions == [.updateLease(Self.claim(at: 5, transitions: transitions), resourceVersion: "41")])
        #expect(machine.writeFinished(.success(resourceVersion: "42"), now: Self.at(20)).first == .becameLeader)
    }

    @Test("a live holder is respected: look again every retry period, never write")
    func respectsLiveHolder() throws {
        var machine = try Self.machine()
        let held = Self.record(holder: "b")
        _ = machine.start(now: Self.t0)
        let first = machine.leaseRead(.found(held, resourceVersion: "7"), now: Self.t0)
        #expect(first == [.scheduleTick(at: Self.at(2000).instant)])
        #expect(machine.tick(now: Self.at(1999)) == [.scheduleTick(at: Self.at(2000).instant)])  // early firing
        for second in stride(from: 2, through: 14, by: 2) {
            #expect(machine.tick(now: Self.at(second * 1000)) == [.getLease])
            let next = Self.at(second * 1000 + 2000).instant
            #expect(
                machine.leaseRead(.found(held, resourceVersion: "7"), now: Self.at(second * 1000)) == [
                    .scheduleTick(at: next)
                ])
        }
        #expect(!machine.isLeader)
    }

    @Test("an unchanged record is taken over once its duration passed on our clock since we first saw it")
    func takesOverExpired() throws {
        var machine = try Self.machine()
        // Its remote renewTime is years old: only our observation time counts (clock skew).
        let held = Self.record(holder: "b", duration: 15, transitions: 2)
        _ = machine.start(now: Self.t0)
        _ = machine.leaseRead(.found(held, resourceVersion: "7"), now: Self.at(1000))
        _ = machine.tick(now: Self.at(15_999))
        let stillLive = machine.leaseRead(.found(held, resourceVersion: "7"), now: Self.at(15_999))
        #expect(stillLive == [.scheduleTick(at: Self.at(17_999).instant)])
        _ = machine.tick(now: Self.at(18_000))
        let takeover = machine.leaseRead(.found(held, resourceVersion: "7"), now: Self.at(18_000))
        #expect(takeover == [.updateLease(Self.claim(at: 18_000, transitions: 3), resourceVersion: "7")])
    }

    @Test("a holder that keeps renewing is never taken over, whatever its remote timestamps say")
    func renewedHolderIsKept() throws {
        var machine = try Self.machine()
        _ = machine.start(now: Self.t0)
        var version = 7
        for second in stride(from: 0, through: 40, by: 2) {
            // Renewed every 2s but with a renewTime far in the future: a skewed clock, not a reason to wait.
            let held = Self.record(holder: "b", renewed: "2099-01-01T00:00:0\(second % 10).000000Z")
            version += 1
            if second > 0 { #expect(machine.tick(now: Self.at(second * 1000)) == [.getLease]) }
            let actions = machine.leaseRead(.found(held, resourceVersion: String(version)), now: Self.at(second * 1000))
            #expect(actions == [.scheduleTick(at: Self.at(second * 1000 + 2000).instant)])
        }
    }

    @Test("the leader renews every retry period with the resourceVersion it wrote, keeping acquireTime and count")
    func renews() throws {
        var machine = try Self.leader()
        // While the renewal is out, the timer watches the renew deadline (t0 + 10s).
        let renew = machine.tick(now: Self.at(2010))
        let first = Self.claim(at: 2010, acquired: 0, transitions: 0)
        #expect(renew == [.updateLease(first, resourceVersion: "1"), .scheduleTick(at: Self.at(10_000).instant)])
        let renewed = machine.writeFinished(.success(resourceVersion: "2"), now: Self.at(2030))
        #expect(renewed == [.scheduleTick(at: Self.at(4030).instant)])
        let second = Self.claim(at: 4030, acquired: 0, transitions: 0)
        let again = machine.tick(now: Self.at(4030))
        #expect(again == [.updateLease(second, resourceVersion: "2"), .scheduleTick(at: Self.at(12_010).instant)])
        #expect(machine.isLeader)
    }

    @Test("failed renewals for the renew deadline step the leader down, and it stays a candidate")
    func losesAfterRenewDeadline() throws {
        var machine = try Self.leader()  // last successful write started at t0
        var now = 2010
        while now < 10_000 {
            #expect(
                machine.tick(now: Self.at(now)).first
                    == .updateLease(
                        Self.claim(at: now, acquired: 0, transitions: 0), resourceVersion: "1"))
            let after = machine.writeFinished(.failed, now: Self.at(now + 5))
            #expect(!after.contains(.lostLeadership(.renewDeadlinePassed)))
            now += 2005
        }
        // The deadline (t0 + 10s) comes before the next retry: the timer fires there.
        let deadline = machine.tick(now: Self.at(10_000))
        #expect(deadline == [.lostLeadership(.renewDeadlinePassed), .scheduleTick(at: Self.at(10_030).instant)])
        #expect(!machine.isLeader)
        // Still a candidate: the Lease it last saw is its own and unexpired, so it keeps renewing it (client-go's
        // fast path) and leads again once the API answers.
        let retry = machine.tick(now: Self.at(10_030))
        #expect(retry == [.updateLease(Self.claim(at: 10_030, acquired: 0, transitions: 0), resourceVersion: "1")])
        #expect(machine.writeFinished(.success(resourceVersion: "5"), now: Self.at(10_050)).first == .becameLeader)
    }

    @Test("a renewal that hangs past the deadline steps the leader down without waiting for its answer")
    func hangingRenewalLoses() throws {
        var machine = try Self.leader()
        #expect(machine.tick(now: Self.at(2010)).count == 2)  // the renewal goes out and hangs
        #expect(machine.tick(now: Self.at(10_000)) == [.lostLeadership(.renewDeadlinePassed)])
        // Its success arrives 10.5s after it started: it proves nothing about now, so no leadership on it.
        let late = machine.writeFinished(.success(resourceVersion: "2"), now: Self.at(12_510))
        #expect(late == [.scheduleTick(at: Self.at(14_510).instant)])
        #expect(!machine.isLeader)
    }

    @Test("a 409 on a write re-reads the Lease at once")
    func conflictRereads() throws {
        var machine = try Self.leader()
        _ = machine.tick(now: Self.at(2010))
        #expect(machine.writeFinished(.conflict, now: Self.at(2020)) == [.getLease])
        // Someone else took it meanwhile: the leader steps down at once.
        let taken = Self.record(holder: "b", transitions: 1)
        let read = machine.leaseRead(.found(taken, resourceVersion: "9"), now: Self.at(2030))
        #expect(read == [.lostLeadership(.heldBy("b")), .scheduleTick(at: Self.at(4030).instant)])
        #expect(!machine.isLeader)
    }

    @Test("a create that finds the Lease already there re-reads it")
    func createConflictRereads() throws {
        var machine = try Self.machine()
        _ = machine.start(now: Self.t0)
        _ = machine.leaseRead(.notFound, now: Self.t0)
        #expect(machine.writeFinished(.conflict, now: Self.at(5)) == [.getLease])
    }

    @Test("a failed read or write retries after the retry period")
    func failuresRetry() throws {
        var machine = try Self.machine()
        _ = machine.start(now: Self.t0)
        #expect(machine.leaseRead(.failed, now: Self.at(5)) == [.scheduleTick(at: Self.at(2005).instant)])
        #expect(machine.tick(now: Self.at(2005)) == [.getLease])
        _ = machine.leaseRead(.notFound, now: Self.at(2010))
        #expect(machine.writeFinished(.failed, now: Self.at(2020)) == [.scheduleTick(at: Self.at(4020).instant)])
    }

    @Test("restarting under the same identity takes its own Lease back without a transition")
    func reclaimsOwnLease() throws {
        var machine = try Self.machine()
        _ = machine.start(now: Self.t0)
        let own = Self.record(holder: "a", transitions: 4)
        let actions = machine.leaseRead(.found(own, resourceVersion: "3"), now: Self.at(5))
        let expected = Self.record(holder: "a", renewed: Self.stamp(5), transitions: 4)
        #expect(actions == [.updateLease(expected, resourceVersion: "3")])
    }
}
