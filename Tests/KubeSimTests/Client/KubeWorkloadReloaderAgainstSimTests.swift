import Testing

@testable import Reloader

/// `KubeWorkloadReloader` against kube-sim: a batch of plans is one write and one rollout, per kind (contract §5.3).
@Suite("KubeWorkloadReloader against kube-sim")
struct KubeWorkloadReloaderAgainstSimTests {
    typealias F = ReloadSimFixtures

    @Test("C55 a Deployment is reloaded once for two plans: one PATCH, one rollout, both vars written")
    func deploymentTwoPlansOneRollout() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.deployment), .deployment)
        let logs = LogRecorder()
        let reloader = F.reloader(try harness.client(), logs: logs)
        let web = F.ref(.deployment)
        let plans = [F.plan(web, hash: "cm1111111111111"), F.plan(web, .secret, "db", hash: "db2222222222222")]
        try harness.clearRequests()

        #expect(reloader.reload(web, plans: plans) == .success)
        let requests = try harness.requests()
        #expect(requests.map(\.method) == ["GET", "PATCH"])
        #expect(requests.last?.parameters["fieldManager"] == "reloader")
        #expect(try harness.rollouts("Deployment").count == 1)
        let stored = try harness.get(web)
        #expect(F.env(stored, .deployment) == [F.cmVar: "cm1111111111111", F.secretVar: "db2222222222222"])

        let reloaded = logs.all.filter { $0.metadata["reloader.outcome"] == "reloaded" }
        #expect(
            reloaded.map(\.message) == [
                "Changes detected in 'app-config' of type 'CONFIGMAP' in namespace 'default'; updated 'web' of type "
                    + "'Deployment' in namespace 'default'",
                "Changes detected in 'db' of type 'SECRET' in namespace 'default'; updated 'web' of type "
                    + "'Deployment' in namespace 'default'",
            ])
        #expect(reloaded.map { $0.metadata["reloader.hash"] } == ["cm1111111111", "db2222222222"])
        #expect(reloaded.allSatisfy { $0.metadata["reloader.strategy"] == "env-vars" && $0.level == .info })

        // The same plans again: the hashes are in place, nothing is written.
        try harness.clearRequests()
        #expect(reloader.reload(web, plans: plans) == .skipped(.alreadyCurrent))
        #expect(try harness.requests().map(\.method) == ["GET"])
        #expect(try harness.rollouts("Deployment").count == 1)
    }

    @Test(
        "C01 DaemonSet and StatefulSet: one strategic merge patch, one rollout",
        arguments: [
            WorkloadKind.daemonSet, .statefulSet,
        ])
    func daemonSetAndStatefulSet(kind: WorkloadKind) throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(kind), kind)
        let ref = F.ref(kind)
        let outcome = F.reloader(try harness.client()).reload(
            ref, plans: [F.plan(ref, hash: "h1"), F.plan(ref, .secret, "db", hash: "h2")])
        #expect(outcome == .success)
        #expect(try harness.rollouts(kind.rawValue).count == 1)
        #expect(F.env(try harness.get(ref), kind) == [F.cmVar: "h1", F.secretVar: "h2"])
    }

    @Test(
        "C35 Rollout and DeploymentConfig: one merge patch keeps the other container whole",
        arguments: [
            WorkloadKind.rollout, .deploymentConfig,
        ])
    func customResources(kind: WorkloadKind) throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let side: JSONValue = ["name": "side", "image": "busybox", "env": [["name": "LOG", "value": "1"]]]
        try harness.create(F.workload(kind, containers: [F.container(), side]), kind)
        let ref = F.ref(kind)
        #expect(F.reloader(try harness.client()).reload(ref, plans: [F.plan(ref, hash: "h1")]) == .success)
        #expect(try harness.rollouts(kind.rawValue).count == 1)
        let stored = try harness.get(ref)
        #expect(F.env(stored, kind) == [F.cmVar: "h1"])
        #expect(stored[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.last == side)
    }

    @Test("C36 Argo rollout-strategy restart sets spec.restartAt and leaves the template alone")
    func argoRestart() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        var annotations = F.auto
        annotations[Annotations.rolloutStrategy] = "restart"
        try harness.create(F.workload(.rollout, annotations: annotations), .rollout)
        let ref = F.ref(.rollout)
        let outcome = F.reloader(try harness.client()).reload(
            ref, plans: [F.plan(ref, hash: "h1"), F.plan(ref, .secret, "db", hash: "h2")])
        #expect(outcome == .success)
        let stored = try harness.get(ref)
        #expect(stored[path: ["spec", "restartAt"]] == "2025-11-26T12:26:40Z")
        #expect(F.env(stored, .rollout).isEmpty)
        #expect(try harness.requests().filter { $0.method == "PATCH" }.count == 1)
    }

    @Test("C49 delete + update in one batch: one JSON patch removes one var and sets the other, one rollout")
    func deleteAndUpdate() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let env: [JSONValue] = [["name": .string(F.secretVar), "value": "old"], ["name": "A", "value": "1"]]
        try harness.create(F.workload(.deployment, containers: [F.container(env: env)]), .deployment)
        let web = F.ref(.deployment)
        let plans = [F.plan(web, .secret, "db", hash: "", operation: .delete), F.plan(web, hash: "h1")]
        try harness.clearRequests()
        #expect(F.reloader(try harness.client()).reload(web, plans: plans) == .success)
        #expect(try harness.requests().map(\.method) == ["GET", "PATCH"])
        #expect(F.env(try harness.get(web), .deployment) == ["A": "1", F.cmVar: "h1"])
        #expect(try harness.rollouts("Deployment").count == 1)
    }

    @Test("a queued plan whose workload lost its annotation since indexing is skipped, nothing written")
    func annotationRemovedSinceIndexing() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.deployment, annotations: [:]), .deployment)
        let web = F.ref(.deployment)
        try harness.clearRequests()
        #expect(
            F.reloader(try harness.client()).reload(web, plans: [F.plan(web, hash: "h1")]) == .skipped(.notSelected))
        #expect(try harness.requests().map(\.method) == ["GET"])
        #expect(try harness.rollouts("Deployment").isEmpty)
    }

    @Test("the container comes from the object as read, not from the plan")
    func containerFromFreshObject() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let first: JSONValue = ["name": "first", "image": "busybox"]
        try harness.create(F.workload(.deployment, containers: [first, F.container()]), .deployment)
        let web = F.ref(.deployment)
        #expect(F.reloader(try harness.client()).reload(web, plans: [F.plan(web, hash: "h1")]) == .success)
        let stored = try harness.get(web)
        #expect(F.env(stored, .deployment, container: 0).isEmpty)
        #expect(F.env(stored, .deployment, container: 1) == [F.cmVar: "h1"])
    }
}
