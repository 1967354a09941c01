import Foundation
import Logging
import TestSupport
import Testing

@testable import Reloader

/// The Lease object `LeaderElector` writes, as kube-sim stores it, and the API behaviour the elector relies on:
/// 409 on a stale resourceVersion, labels kept across PUTs, and a stop bounded by its timeout.
@Suite("Lease object against kube-sim")
struct LeaseObjectAgainstSimTests {
    typealias T = LeaderElectorAgainstSimTests

    /// `metav1.MicroTime` as kube-apiserver (and kubectl) shows it.
    static func isMicroTime(_ text: String?) -> Bool {
        guard let text else { return false }
        return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z/) != nil
    }

    @Test("kube-sim answers 409 to a Lease update at a stale resourceVersion")
    func staleUpdateConflicts() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let created = try client.create(
            T.leases,
            [
                "metadata": ["name": "stakater-reloader-lock"],
                "spec": ["holderIdentity": "x", "leaseDurationSeconds": 5],
            ]
        )
        var update = created
        update["spec"] = ["holderIdentity": "y", "leaseDurationSeconds": 5]
        _ = try client.update(T.lock, update)
        update["spec"] = ["holderIdentity": "z", "leaseDurationSeconds": 5]
        #expect {
            _ = try client.update(T.lock, update)  // still carries the first resourceVersion
        } throws: { error in
            guard case .conflict(let status, _)? = error as? KubeClientError else { return false }
            return status.code == 409
        }
        #expect(try T.record(client).holderIdentity == "y")
    }

    @Test("the leader's Lease: holder, whole-second duration, micro-time stamps near now, labels kept")
    func leaseFieldsAreValid() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        // Someone labelled the (free) Lease beforehand: the elector's PUTs must keep it.
        _ = try client.create(
            T.leases, ["metadata": ["name": "stakater-reloader-lock", "labels": ["team": "platform"]], "spec": [:]])
        let elector = try T.elector("reloader-0", harness: harness, transitions: T.Transitions())
        defer { elector.stop(release: false) }
        elector.start()
        try await waitUntil(timeout: .seconds(20), "the elector leads") { elector.isLeader }
        let first = try T.record(client)
        try await waitUntil(timeout: .seconds(20), "the leader renews") {
            try T.record(client).renewTime != first.renewTime
        }
        let object = try client.get(T.lock)
        #expect(object["apiVersion"] == "coordination.k8s.io/v1")
        #expect(object["kind"] == "Lease")
        #expect(object[path: ["metadata", "labels", "team"]] == "platform")
        let spec = object["spec"]
        #expect(spec?["holderIdentity"] == "reloader-0")
        #expect(spec?["leaseDurationSeconds"] == 3)
        #expect(spec?["leaseTransitions"] == 1, "taking the free Lease counts a transition")
        let acquired = spec?["acquireTime"]?.stringValue
        let renewed = spec?["renewTime"]?.stringValue
        #expect(Self.isMicroTime(acquired), "\(acquired ?? "nil")")
        #expect(Self.isMicroTime(renewed), "\(renewed ?? "nil")")
        let acquiredDate = try #require(acquired.flatMap(MicroTime.parse))
        let renewedDate = try #require(renewed.flatMap(MicroTime.parse))
        #expect(acquiredDate < renewedDate)
        #expect(abs(renewedDate.timeIntervalSinceNow) < 60)
    }

    @Test("built from the parsed flags: the Lease name, namespace and identity; missing ones are typed errors")
    func fromConfiguration() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let logger = Logger(label: "test.leader-election", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration = ReloaderConfiguration.LeaderElection()
        configuration.identity = "reloader-0"
        #expect(
            throws: LeaderElectionError.missingEnvironment(flag: .leaderElectionNamespace, variable: "POD_NAMESPACE")
        ) {
            _ = try LeaderElector(configuration: configuration, client: client, logger: logger)
        }
        configuration.namespace = "reloader"
        let elector = try LeaderElector(configuration: configuration, client: client, logger: logger)
        #expect(elector.leaseName == "stakater-reloader-lock")
        #expect(elector.namespace == "reloader")
        #expect(elector.identity == "reloader-0")
        configuration.identity = nil
        #expect(throws: LeaderElectionError.missingEnvironment(flag: .enableHA, variable: "POD_NAME")) {
            _ = try LeaderElector(configuration: configuration, client: client, logger: logger)
        }
        configuration.identity = "reloader-0"
        configuration.retryPeriod = .seconds(9)
        #expect {
            _ = try LeaderElector(configuration: configuration, client: client, logger: logger)
        } throws: { error in
            guard case .invalidTiming(let flag, _) = error as? LeaderElectionError else { return false }
            return flag == .leaderElectionRetryPeriod
        }
    }

    @Test("stop gives up after its timeout when the API hangs, and the elector no longer leads")
    func stopIsBounded() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let elector = try T.elector("reloader-0", harness: harness, transitions: T.Transitions())
        elector.start()
        try await waitUntil(timeout: .seconds(20), "the elector leads") { elector.isLeader }
        try harness.fault(["verb": "update", "resource": "leases", "kind": "latency", "latencyMs": 8000, "count": 2])
        let start = ContinuousClock.now
        #expect(!elector.stop(release: true, timeout: .seconds(1)))
        #expect(ContinuousClock.now - start < .seconds(6), "stop waited for the hanging API")
        #expect(!elector.isLeader)
    }
}
