import Foundation
import Glibc
import Reloader
import TestSupport
import Testing

/// Two replicas with `--enable-ha` (contract §9): the first is the cluster's own reloader, started before the
/// Lease namespace exists (its elector retries once per retry period until the namespace is created; kube-sim
/// refuses a Lease in a missing namespace as kube-apiserver does), the second a replica with its own webhook
/// configuration, so every review reaches both. Only the Lease decides who reconciles; both reload what they review.
extension FaultScenarios {
    static let leaseNamespace = "reloader-system"

    /// One replica: its `POD_NAME` and its process.
    struct Replica {
        let name: String
        let process: ReloaderProcess
    }

    static func haFlags(lease: String, renew: String, retry: String) -> [String] {
        [
            "--enable-ha", "--leader-election-lease-duration=\(lease)", "--leader-election-renew-deadline=\(renew)",
            "--leader-election-retry-period=\(retry)",
        ]
    }

    static func environment(_ name: String) -> [String: String] {
        ["POD_NAME": name, "POD_NAMESPACE": leaseNamespace]
    }

    /// Starts replica-a (the cluster's reloader), creates the Lease namespace and the scenario's objects in
    /// `namespace`, then starts replica-b, and waits until exactly one of them leads.
    func startReplicas(_ flags: [String], namespace: String) async throws -> (Cluster, [Replica]) {
        let cluster = try await Cluster.start(flags, environment: Self.environment("replica-a"))
        do {
            try await cluster.setUp(Self.leaseNamespace, [])
            try await setUp(cluster, namespace)
            let b = try await cluster.startReplica(
                flags, environment: Self.environment("replica-b"), webhookName: "reloader-b")
            let replicas = [
                Replica(name: "replica-a", process: cluster.reloader), Replica(name: "replica-b", process: b),
            ]
            try await cluster.waitFor("exactly one replica reports reloader_leader 1") {
                try leaders(cluster, replicas).count == 1
            }
            return (cluster, replicas)
        } catch {
            cluster.stop()
            throw error
        }
    }

    /// The replicas among `replicas` that report `reloader_leader 1`.
    func leaders(_ cluster: Cluster, _ replicas: [Replica]) throws -> [Replica] {
        try replicas.filter { try cluster.isLeader($0.process) }
    }

    @Test(
        "two replicas share a Lease: one leads, a change both review gives ONE rollout, a SIGKILLed leader is replaced")
    func twoReplicas() async throws {
        let flags = Self.haFlags(lease: "3s", renew: "2s", retry: "500ms")
        let (cluster, replicas) = try await startReplicas(flags, namespace: "f-ha")
        defer { cluster.stop() }
        let leader = try #require(try leaders(cluster, replicas).first)
        let standby = try #require(replicas.first { $0.name != leader.name })
        #expect(try cluster.leaseHolder(in: Self.leaseNamespace) == leader.name)

        try await cluster.mergePatch("configmap", "app-config", in: "f-ha", #"{"data":{"k":"v2"}}"#)
        for replica in replicas { try await cluster.settle(replica.process) }
        for replica in replicas {
            #expect(try cluster.metric("reloader_workqueue_adds_total", of: replica.process) == 1, "\(replica.name)")
        }
        // Both planned the reload; the second patch found the hash already written: one rollout.
        #expect(cluster.rolloutCount(.deployment, "web", in: "f-ha") == 1)
        #expect(try marker(cluster, in: "f-ha") == configMapHash(["k": "v2"]))

        leader.process.cleanup()  // SIGKILL: the Lease is left to expire
        try await cluster.waitFor("\(standby.name) leads once the killed leader's Lease expires", timeout: .seconds(30))
        {
            try cluster.isLeader(standby.process)
        }
        #expect(try cluster.leaseHolder(in: Self.leaseNamespace) == standby.name)
        try await cluster.mergePatch("configmap", "app-config", in: "f-ha", #"{"data":{"k":"v3"}}"#)
        try await cluster.settle(standby.process)
        #expect(cluster.rolloutCount(.deployment, "web", in: "f-ha") == 2)
        #expect(try marker(cluster, in: "f-ha") == configMapHash(["k": "v3"]))
    }

    @Test("SIGTERM of the leader releases the Lease: the other replica leads long before the Lease would expire")
    func sigtermReleasesLease() async throws {
        // A 15s Lease: without the release the standby could not lead within the 8s allowed below.
        let flags = Self.haFlags(lease: "15s", renew: "10s", retry: "500ms")
        let (cluster, replicas) = try await startReplicas(flags, namespace: "f-release")
        defer { cluster.stop() }
        let leader = try #require(try leaders(cluster, replicas).first)
        let standby = try #require(replicas.first { $0.name != leader.name })
        #expect(try cluster.leaseHolder(in: Self.leaseNamespace) == leader.name)

        leader.process.signal(SIGTERM)  // the 8s count from here, the shutdown included
        try await cluster.waitFor("\(standby.name) takes over the released Lease", timeout: .seconds(8)) {
            try cluster.isLeader(standby.process)
        }
        #expect(try await leader.process.waitForExit(within: .seconds(30)) == 0)
        let stopped = leader.process.stderr.split(separator: "\n").filter { $0.contains("leader election stopped") }
        #expect(stopped.count == 1 && stopped.allSatisfy { $0.contains("released=true") }, "\(stopped)")
        #expect(try cluster.leaseHolder(in: Self.leaseNamespace) == standby.name)
    }
}
