import TestSupport
import Testing

@testable import Reloader

/// `KubeWorkloadReloader` with `CurrentContent` (`--enable-ha`), against kube-sim: each replica reviews a share of
/// the writes, so a write carries every config's current content and is conditional on the workload's
/// resourceVersion. Regressions of the soak's findings: a burst split over two replicas rolled out twice, and a
/// plan delayed past a newer rollout rolled the workload back to the older hash.
@Suite("KubeWorkloadReloader with CurrentContent against kube-sim")
struct KubeWorkloadReloaderCurrentContentAgainstSimTests {
    typealias F = ReloadSimFixtures

    let configMaps = ResourcePath(resource: "configmaps", namespace: "default")
    let secrets = ResourcePath(resource: "secrets", namespace: "default")

    /// `app-config` and `db` at their first content, and `web` carrying the markers of that content.
    func setUp(_ harness: SimClientHarness) throws -> WorkloadRef {
        let client = try harness.client()
        _ = try client.create(configMaps, configMap("v1"))
        _ = try client.create(secrets, secret("s1"))
        let env: [JSONValue] = [
            ["name": .string(F.cmVar), "value": .string(configMapHash("v1"))],
            ["name": .string(F.secretVar), "value": .string(try secretHash("s1"))],
        ]
        try harness.create(F.workload(.deployment, containers: [F.container(env: env)]), .deployment)
        return F.ref(.deployment)
    }

    /// `setUp`, then a burst: `app-config` at v2 and `db` at s2.
    func burstWritten(_ harness: SimClientHarness) throws -> (WorkloadRef, KubeClient) {
        let web = try setUp(harness)
        let client = try harness.client()
        _ = try client.update(configMaps.named("app-config"), configMap("v2"))
        _ = try client.update(secrets.named("db"), secret("s2"))
        return (web, client)
    }

    /// `setUp`, then `app-config` written twice: v2, then v3.
    func writtenTwice(_ harness: SimClientHarness) throws -> WorkloadRef {
        let web = try setUp(harness)
        let client = try harness.client()
        _ = try client.update(configMaps.named("app-config"), configMap("v2"))
        _ = try client.update(configMaps.named("app-config"), configMap("v3"))
        return web
    }

    func configMap(_ value: String) -> JSONValue {
        ["metadata": ["name": "app-config"], "data": ["k": .string(value)]]
    }

    func secret(_ value: String) -> JSONValue {
        ["metadata": ["name": "db"], "data": ["p": .string(Base64.encode(Array(value.utf8)))]]
    }

    func configMapHash(_ value: String) -> String { ContentHash.configMap(data: ["k": value], binaryData: nil) }
    func secretHash(_ value: String) throws -> String {
        try ContentHash.secret(data: ["p": Base64.encode(Array(value.utf8))])
    }

    func reloader(_ harness: SimClientHarness) throws -> KubeWorkloadReloader {
        let client = try harness.client()
        return KubeWorkloadReloader(
            client: client, options: PolicyOptions(), logger: LogRecorder().logger, now: { F.now },
            currentContent: CurrentContent(reader: KubeConfigReader(client: client), options: .init()))
    }

    @Test("a burst reviewed by two replicas: the first waits one window for it, then writes both; the second skips")
    func burstSplitOverReplicas() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let (web, _) = try burstWritten(harness)

        // Replica A reviewed the ConfigMap write, replica B the Secret write.
        let a = try reloader(harness), b = try reloader(harness)
        let secretPlan = F.plan(web, .secret, "db", hash: try secretHash("s2"))
        let outcome = a.reload(web, plans: [F.plan(web, hash: configMapHash("v2"))])
        #expect(outcome == .settle([secretPlan]))
        #expect(try harness.rollouts("Deployment").isEmpty)
        // The queue adds the found plan, marked, and calls again one window later: no second wait.
        var found = secretPlan
        found.discovered = true
        #expect(a.reload(web, plans: [F.plan(web, hash: configMapHash("v2")), found]) == .success)
        #expect(b.reload(web, plans: [secretPlan]) == .skipped(.alreadyCurrent))
        #expect(try harness.rollouts("Deployment").count == 1)
        #expect(
            F.env(try harness.get(web), .deployment) == [
                F.cmVar: configMapHash("v2"), F.secretVar: try secretHash("s2"),
            ])
    }

    @Test("a plan meeting a newer write of its own config waits one window before writing it")
    func newerWriteOfThePlannedConfig() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        // The reconciler planned v2; v3 (perhaps one half of a burst) landed before the write.
        let web = try writtenTwice(harness)
        let replica = try reloader(harness)
        #expect(
            replica.reload(web, plans: [F.plan(web, hash: configMapHash("v2"))])
                == .settle([F.plan(web, hash: configMapHash("v3"))]))
        #expect(try harness.rollouts("Deployment").isEmpty)
    }

    @Test("a batch that already waited once writes what it finds, even if more changed meanwhile")
    func settlesOnce() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let (web, client) = try burstWritten(harness)
        let replica = try reloader(harness)
        var found = F.plan(web, .secret, "db", hash: try secretHash("s1"))
        found.discovered = true
        // The Secret changed again after the wait: the write carries its newest content, without a second wait.
        _ = try client.update(secrets.named("db"), secret("s3"))
        #expect(replica.reload(web, plans: [F.plan(web, hash: configMapHash("v2")), found]) == .success)
        #expect(
            F.env(try harness.get(web), .deployment) == [
                F.cmVar: configMapHash("v2"), F.secretVar: try secretHash("s3"),
            ])
        #expect(try harness.rollouts("Deployment").count == 1)
    }

    @Test("through the queue: a plan for one config of a burst waits one more window and rolls out both, once")
    func settleThroughTheQueue() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let (web, client) = try burstWritten(harness)
        let window = Duration.milliseconds(300)
        let queue = ReloadQueue(
            options: .init(coalesceWindow: window), reader: KubeConfigReader(client: client),
            reloader: try reloader(harness), logger: LogRecorder().logger)
        defer { queue.stop() }
        let started = ContinuousClock.now
        // This replica reviewed only the ConfigMap write; another replica reviewed the Secret's.
        queue.enqueue(F.plan(web, hash: configMapHash("v2")))
        try await waitUntil("the queue is idle after one rollout") {
            try queue.isIdle && harness.rollouts("Deployment").count == 1
        }
        #expect(ContinuousClock.now - started >= window * 2)
        #expect(
            F.env(try harness.get(web), .deployment) == [
                F.cmVar: configMapHash("v2"), F.secretVar: try secretHash("s2"),
            ])
        #expect(queue.counters.reloadsStarted == 2)
        #expect(queue.counters.reloadRetries == 0)
        #expect(queue.counters.reloadsSucceeded == 1)
    }

    @Test("a plan outdated by a newer write carries the newer content; the late plan then writes nothing")
    func outdatedPlan() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let web = try writtenTwice(harness)
        let replica = try reloader(harness)

        #expect(replica.reload(web, plans: [F.plan(web, hash: configMapHash("v3"))]) == .success)
        // The plan confirmed for v2, delayed past the rollout of v3: no rollback.
        #expect(replica.reload(web, plans: [F.plan(web, hash: configMapHash("v2"))]) == .skipped(.alreadyCurrent))
        #expect(try harness.rollouts("Deployment").count == 1)
        #expect(F.env(try harness.get(web), .deployment)[F.cmVar] == configMapHash("v3"))
    }

    @Test("merge and strategic merge patches carry the resourceVersion they were planned on; JSON patches do not")
    func conditionalPatch() {
        let body: JSONValue = ["spec": ["template": [:]]]
        let guarded = KubeWorkloadReloader.conditional(.patch(.strategicMerge, body: body), on: "42")
        #expect(
            guarded
                == .patch(.strategicMerge, body: ["spec": ["template": [:]], "metadata": ["resourceVersion": "42"]]))
        #expect(KubeWorkloadReloader.conditional(.patch(.merge, body: body), on: nil) == .patch(.merge, body: body))
        let json = ReloadAction.patch(.json, body: [["op": "test", "path": "/a", "value": 1]])
        #expect(KubeWorkloadReloader.conditional(json, on: "42") == json)
    }
}
