import Foundation
import KubeSim
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Reloader

/// `LeaderElector` against kube-sim's Leases, with short timings. Every wait has a generous deadline and no test
/// asserts a timing tighter than several seconds: the machine is shared and noisy.
@Suite("LeaderElector against kube-sim")
struct LeaderElectorAgainstSimTests {
    static let leases = ResourcePath(
        group: "coordination.k8s.io", version: "v1", resource: "leases", namespace: "default")
    static let lock = leases.named("stakater-reloader-lock")

    /// Every `onChange` call of every elector of a test, in the order they ran.
    final class Transitions: Sendable {
        private let log = Mutex<[(String, Bool)]>([])
        func record(_ identity: String, _ leading: Bool) { log.withLock { $0.append((identity, leading)) } }
        var all: [(String, Bool)] { log.withLock { $0 } }

        /// The most replicas that believed they led at once, replaying the log.
        var mostLeadersAtOnce: Int {
            var leaders: Set<String> = []
            var most = 0
            for (identity, leading) in all {
                if leading { leaders.insert(identity) } else { leaders.remove(identity) }
                most = max(most, leaders.count)
            }
            return most
        }
    }

    static func elector(
        _ identity: String, harness: SimClientHarness, transitions: Transitions, lease: Duration = .seconds(3),
        renew: Duration = .seconds(2), retry: Duration = .milliseconds(300), namespace: String = "default"
    ) throws -> LeaderElector {
        var logger = Logger(label: "test.leader-election")
        logger.logLevel = .critical
        return LeaderElector(
            options: try .init(identity: identity, leaseDuration: lease, renewDeadline: renew, retryPeriod: retry),
            leaseName: "stakater-reloader-lock", namespace: namespace, client: try harness.client(), logger: logger,
            onChange: { transitions.record(identity, $0) })
    }

    static func record(_ client: KubeClient) throws -> LeaseRecord {
        try LeaseRecord(spec: try client.get(lock)["spec"], namespace: "default", name: "stakater-reloader-lock")
    }

    @Test("two electors: exactly one leads, the Lease names it, and the other takes over when it stops")
    func oneLeaderThenHandOver() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let transitions = Transitions()
        let a = try Self.elector("reloader-a", harness: harness, transitions: transitions)
        let b = try Self.elector("reloader-b", harness: harness, transitions: transitions)
        defer { a.stop(release: false) }
        defer { b.stop(release: false) }
        a.start()
        b.start()
        try await waitUntil(timeout: .seconds(20), "one of two electors leads") { a.isLeader != b.isLeader }
        let (leader, standby) = a.isLeader ? (a, b) : (b, a)
        let first = try Self.record(client)
        #expect(first.holderIdentity == leader.identity)
        // The leader keeps renewing: renewTime moves on, the term and the count do not.
        try await waitUntil(timeout: .seconds(20), "the leader renews the Lease") {
            try Self.record(client).renewTime != first.renewTime
        }
        let renewed = try Self.record(client)
        #expect(renewed.holderIdentity == leader.identity)
        #expect(renewed.acquireTime == first.acquireTime)
        #expect(renewed.leaseTransitions == first.leaseTransitions)

        #expect(leader.stop(release: true, timeout: .seconds(10)))
        #expect(!leader.isLeader)
        try await waitUntil(timeout: .seconds(20), "the standby takes over the released Lease") { standby.isLeader }
        let taken = try Self.record(client)
        #expect(taken.holderIdentity == standby.identity)
        #expect(taken.leaseTransitions == first.leaseTransitions + 1)
        #expect(transitions.mostLeadersAtOnce == 1, "\(transitions.all)")
    }

    @Test("a released Lease has no holder and a one-second duration, and a standby takes it long before it expires")
    func releaseIsPrompt() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let transitions = Transitions()
        // A 30s lease: without the release the standby would wait at least that long.
        let a = try Self.elector(
            "reloader-a", harness: harness, transitions: transitions, lease: .seconds(30), renew: .seconds(20))
        defer { a.stop(release: false) }
        a.start()
        try await waitUntil(timeout: .seconds(20), "the only elector leads") { a.isLeader }
        #expect(a.stop(release: true, timeout: .seconds(10)))
        let released = try Self.record(client)
        #expect(released.holderIdentity == "")
        #expect(released.leaseDurationSeconds == 1)
        #expect(released.leaseTransitions == 0)

        let b = try Self.elector(
            "reloader-b", harness: harness, transitions: transitions, lease: .seconds(30), renew: .seconds(20))
        defer { b.stop(release: false) }
        b.start()
        // Shorter than the 30s the Lease would have held: only the release lets the standby in this soon.
        try await waitUntil(timeout: .seconds(20), "the standby takes the released Lease") { b.isLeader }
        #expect(try Self.record(client).leaseTransitions == 1)
    }

    @Test("a leader killed without releasing is replaced once its Lease expires")
    func killedLeaderIsReplaced() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let transitions = Transitions()
        let a = try Self.elector("reloader-a", harness: harness, transitions: transitions)
        defer { a.stop(release: false) }
        a.start()
        try await waitUntil(timeout: .seconds(20), "the first elector leads") { a.isLeader }
        let b = try Self.elector("reloader-b", harness: harness, transitions: transitions)
        defer { b.stop(release: false) }
        b.start()
        #expect(!a.stop(release: false))
        // Nothing was written on the way out: the Lease still names the dead leader until it expires.
        let orphaned = try Self.record(client)
        #expect(orphaned.holderIdentity == "reloader-a")
        try await waitUntil(timeout: .seconds(30), "the standby takes over the expired Lease") { b.isLeader }
        let taken = try Self.record(client)
        #expect(taken.holderIdentity == "reloader-b")
        #expect(taken.leaseTransitions == orphaned.leaseTransitions + 1)
        #expect(transitions.mostLeadersAtOnce == 1, "\(transitions.all)")
    }

    @Test("a missing namespace: the Lease create is tried once per retry period, and the elector leads once it exists")
    func missingNamespace() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let transitions = Transitions()
        let a = try Self.elector(
            "reloader-a", harness: harness, transitions: transitions, retry: .milliseconds(300),
            namespace: "reloader-system")
        defer { a.stop(release: false) }
        a.start()
        let creates: @Sendable () -> [Date] = {
            harness.server.handler.requests.all.filter {
                $0.method == "POST" && $0.path == "/apis/coordination.k8s.io/v1/namespaces/reloader-system/leases"
            }.map(\.time)
        }
        try await waitUntil(timeout: .seconds(20), "three refused Lease creates") { creates().count >= 3 }
        // A 404 on create is not a conflict: the next create waits a retry period instead of following at once.
        // A lower bound only: a slow machine makes the gaps longer, never shorter.
        let times = creates()
        let gaps = zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }
        #expect(gaps.allSatisfy { $0 >= 0.27 }, "seconds between creates: \(gaps)")
        #expect(!a.isLeader)
        _ = try client.create(
            ResourcePath(resource: "namespaces"),
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "reloader-system"]])
        try await waitUntil(timeout: .seconds(20), "the elector leads once the namespace exists") { a.isLeader }
        let lease = try LeaseRecord(
            spec: try client.get(
                ResourcePath(
                    group: "coordination.k8s.io", version: "v1", resource: "leases", namespace: "reloader-system",
                    name: "stakater-reloader-lock"))["spec"],
            namespace: "reloader-system", name: "stakater-reloader-lock")
        #expect(lease.holderIdentity == "reloader-a")
    }
}
