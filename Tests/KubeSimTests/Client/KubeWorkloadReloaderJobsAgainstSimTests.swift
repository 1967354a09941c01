import Testing

@testable import Reloader

/// `KubeWorkloadReloader` against kube-sim for CronJobs (a Job per reload) and Jobs (delete and re-create).
@Suite("KubeWorkloadReloader jobs against kube-sim")
struct KubeWorkloadReloaderJobsAgainstSimTests {
    typealias F = ReloadSimFixtures

    static func jobs(_ harness: SimClientHarness) throws -> [JSONValue] {
        try harness.client().listAll(ResourcePath(collectionOf: .job, namespace: "default")).items
    }

    @Test("C32 CronJob: one Job with both vars and the owner reference; the CronJob is unchanged")
    func cronJobGetsOneJob() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let cronJob = try harness.create(F.workload(.cronJob, name: "nightly"), .cronJob)
        let ref = F.ref(.cronJob, "nightly")
        let outcome = F.reloader(try harness.client()).reload(
            ref, plans: [F.plan(ref, hash: "h1"), F.plan(ref, .secret, "db", hash: "h2")])
        #expect(outcome == .success)

        let jobs = try Self.jobs(harness)
        #expect(jobs.count == 1)
        let job = try #require(jobs.first)
        #expect(job[path: ["metadata", "name"]]?.stringValue?.hasPrefix("nightly-") == true)
        #expect(job[path: ["metadata", "annotations", "cronjob.kubernetes.io/instantiate"]] == "manual")
        let owner = job[path: ["metadata", "ownerReferences"]]?.arrayValue?.first
        #expect(owner?["kind"] == "CronJob" && owner?["name"] == "nightly" && owner?["controller"] == true)
        #expect(owner?["uid"] == cronJob[path: ["metadata", "uid"]])
        #expect(F.env(job, .job) == [F.cmVar: "h1", F.secretVar: "h2"])
        #expect(try harness.get(ref) == cronJob)
        #expect(try harness.rollouts("CronJob", "nightly").isEmpty)
        let created = try harness.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/jobs") }
        #expect(created.map { $0.parameters["fieldManager"] } == ["reloader"])
    }

    @Test("C33 a suspended CronJob gets no Job: skipped")
    func suspendedCronJob() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.cronJob, name: "nightly", spec: ["suspend": true]), .cronJob)
        let ref = F.ref(.cronJob, "nightly")
        #expect(
            F.reloader(try harness.client()).reload(ref, plans: [F.plan(ref, hash: "h1")])
                == .skipped(.cronJobSuspended))
        #expect(try Self.jobs(harness).isEmpty)
    }

    @Test("C34 a Job is deleted (Background) and re-created: a new uid, the env var set")
    func jobRecreated() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let old = try harness.create(F.workload(.job, name: "migrate"), .job)
        let ref = F.ref(.job, "migrate")
        try harness.clearRequests()
        #expect(F.reloader(try harness.client()).reload(ref, plans: [F.plan(ref, hash: "h1")]) == .success)
        let requests = try harness.requests()
        #expect(requests.map(\.method) == ["GET", "DELETE", "POST"])
        #expect(requests[1].parameters["propagationPolicy"] == "Background")
        let new = try harness.get(ref)
        #expect(new[path: ["metadata", "uid"]] != old[path: ["metadata", "uid"]])
        #expect(F.env(new, .job) == [F.cmVar: "h1"])
        #expect(try Self.jobs(harness).count == 1)
    }

    @Test("the re-create of a deleted Job is retried on 500s in place: the Job is never lost")
    func jobRecreateRetried() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.job, name: "migrate"), .job)
        let ref = F.ref(.job, "migrate")
        try harness.fault(["verb": "create", "resource": "jobs", "kind": "status", "status": 500, "count": 2])
        try harness.clearRequests()
        let waits = RecordedWaits()
        var options = PolicyOptions()
        options.reloadOnDelete = true
        let reloader = KubeWorkloadReloader(
            client: try harness.client(), options: options, logger: LogRecorder().logger,
            sleep: { waits.record($0) })
        #expect(reloader.reload(ref, plans: [F.plan(ref, hash: "h1")]) == .success)
        #expect(try harness.requests().map(\.description).filter { $0.hasPrefix("POST") }.count == 3)
        #expect(waits.all == [.milliseconds(500), .seconds(1)])
        #expect(F.env(try harness.get(ref), .job) == [F.cmVar: "h1"])
    }

    @Test("a missing workload is a permanent failure: nothing to reload")
    func missingWorkload() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let web = F.ref(.deployment)
        #expect(F.reloader(try harness.client()).reload(web, plans: [F.plan(web, hash: "h1")]) == .permanentFailure)
    }

    @Test(
        "faults: 500 and 429 (after the client's own retries) are retryable, 403 is permanent",
        arguments: [
            ("patch", 500, ReloadOutcome.retryableFailure), ("get", 429, .retryableFailure),
            ("patch", 403, .permanentFailure), ("get", 503, .retryableFailure),
            ("patch", 422, .permanentFailure),  // a strategic merge patch refused: not a stale read
        ])
    func faults(verb: String, status: Int, expected: ReloadOutcome) throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.deployment), .deployment)
        let web = F.ref(.deployment)
        let reloader = F.reloader(try harness.client())  // waits recorded, not slept
        try harness.fault([
            "verb": .string(verb), "resource": "deployments", "kind": "status", "status": .number(String(status)),
            "retryAfterSeconds": 0,
        ])
        #expect(reloader.reload(web, plans: [F.plan(web, hash: "h1")]) == expected)
        #expect(try harness.rollouts("Deployment").isEmpty)
        try harness.sim("DELETE", "/sim/faults")
        #expect(reloader.reload(web, plans: [F.plan(web, hash: "h1")]) == .success)
    }

    @Test("a 409 on the write reads the workload again and writes once more: one rollout")
    func conflictIsReplanned() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.deployment), .deployment)
        let web = F.ref(.deployment)
        try harness.clearRequests()
        try harness.fault(["verb": "patch", "resource": "deployments", "kind": "status", "status": 409, "count": 1])
        #expect(F.reloader(try harness.client()).reload(web, plans: [F.plan(web, hash: "h1")]) == .success)
        #expect(
            try harness.requests().map { "\($0.method) \($0.status)" } == [
                "GET 200", "PATCH 409", "GET 200", "PATCH 200",
            ])
        #expect(try harness.rollouts("Deployment").count == 1)
    }

    @Test("a JSON patch planned on a stale read fails its test op cleanly; the reloader re-plans and succeeds")
    func staleJSONPatchFailsCleanly() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let env: [JSONValue] = [["name": .string(F.secretVar), "value": "old"]]
        try harness.create(F.workload(.deployment, containers: [F.container(env: env)]), .deployment)
        let web = F.ref(.deployment)
        let client = try harness.client()
        let plans = [F.plan(web, .secret, "db", hash: "", operation: .delete), F.plan(web, hash: "h1")]
        var options = PolicyOptions()
        options.reloadOnDelete = true
        let stale = KubeWorkloadReloader.plan(
            plans, object: try harness.get(web), kind: .deployment, options: options, now: F.now)
        guard case .patch(.json, let body) = stale.reload.action else {
            Issue.record("expected a JSON patch, got \(stale.reload.action)")
            return
        }
        // Someone puts a var in front of ours: the planned index 0 now names theirs.
        let edit: JSONValue = [
            ["op": "add", "path": "/spec/template/spec/containers/0/env/0", "value": ["name": "X", "value": "1"]]
        ]
        _ = try client.patch(ResourcePath(workload: web), edit, type: .json)
        #expect {
            _ = try client.patch(ResourcePath(workload: web), body, type: .json)
        } throws: { ($0 as? KubeClientError)?.apiError?.code == 422 }
        #expect(F.env(try harness.get(web), .deployment) == ["X": "1", F.secretVar: "old"])

        try harness.clearRequests()
        #expect(F.reloader(client).reload(web, plans: plans) == .success)
        #expect(F.env(try harness.get(web), .deployment) == ["X": "1", F.cmVar: "h1"])
        // A 422 answering a JSON patch is a failed guard too: read again, plan again.
        try harness.fault(["verb": "patch", "resource": "deployments", "kind": "status", "status": 422, "count": 1])
        try harness.clearRequests()
        let again = [F.plan(web, hash: "", operation: .delete), F.plan(web, .secret, "db", hash: "h2")]
        #expect(F.reloader(client).reload(web, plans: again) == .success)
        #expect(
            try harness.requests().map { "\($0.method) \($0.status)" } == [
                "GET 200", "PATCH 422", "GET 200", "PATCH 200",
            ])
        #expect(F.env(try harness.get(web), .deployment) == ["X": "1", F.secretVar: "h2"])
    }
}
