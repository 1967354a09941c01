import TestSupport
import Testing

@testable import Reloader

/// The pause period against kube-sim (contract §5.4): the pause rides in the reload write, and `PauseResumer`
/// resumes only Deployments carrying our `paused-at`, once their period is over, from a timer or durably.
@Suite("Pause period against kube-sim")
struct PauseResumerAgainstSimTests {
    typealias F = ReloadSimFixtures
    static let period = "deployment.reloader.stakater.com/pause-period"
    static let pausedAt = "deployment.reloader.stakater.com/paused-at"

    static func paused(_ object: JSONValue) -> Bool? { object[path: ["spec", "paused"]]?.boolValue }
    static func pausedAt(_ object: JSONValue) -> String? {
        object[path: ["metadata", "annotations", pausedAt]]?.stringValue
    }

    @Test("C37 the reload write also pauses: spec.paused and paused-at in one PATCH, one rollout")
    func pauseInTheSameWrite() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        var annotations = F.auto
        annotations[Self.period] = "1h"
        try harness.create(F.workload(.deployment, annotations: annotations), .deployment)
        let web = F.ref(.deployment)
        try harness.clearRequests()
        #expect(F.reloader(try harness.client()).reload(web, plans: [F.plan(web, hash: "h1")]) == .success)
        #expect(try harness.requests().map(\.method) == ["GET", "PATCH"])
        var stored = try harness.get(web)
        #expect(Self.paused(stored) == true)
        #expect(Self.pausedAt(stored) == "2025-11-26T12:26:40Z")
        #expect(F.env(stored, .deployment) == [F.cmVar: "h1"])
        #expect(try harness.rollouts("Deployment").count == 1)

        // A change inside the window keeps the original paused-at.
        let later = F.reloader(try harness.client(), now: { F.now + 30 })
        #expect(later.reload(web, plans: [F.plan(web, hash: "h2")]) == .success)
        stored = try harness.get(web)
        #expect(Self.pausedAt(stored) == "2025-11-26T12:26:40Z" && Self.paused(stored) == true)
    }

    @Test(
        "an invalid period, or a pause period on a DaemonSet: warned about, reloaded without pause",
        arguments: [
            (WorkloadKind.deployment, "soon"), (.daemonSet, "10s"),
        ])
    func pauseNotHonoured(kind: WorkloadKind, value: String) throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        var annotations = F.auto
        annotations[Self.period] = value
        try harness.create(F.workload(kind, annotations: annotations), kind)
        let ref = F.ref(kind)
        let logs = LogRecorder()
        #expect(F.reloader(try harness.client(), logs: logs).reload(ref, plans: [F.plan(ref, hash: "h1")]) == .success)
        let stored = try harness.get(ref)
        #expect(Self.paused(stored) == nil && Self.pausedAt(stored) == nil)
        #expect(F.env(stored, kind) == [F.cmVar: "h1"])
        #expect(logs.all.contains { $0.level == .warning && $0.metadata["reloader.pause_period"] == value })
    }

    @Test("C39 resumeExpired resumes only ours, only when expired (or its period is gone)")
    func resumeExpired() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        func deployment(_ name: String, _ annotations: [String: String], paused: Bool = true) throws -> JSONValue {
            try harness.create(
                F.workload(.deployment, name: name, annotations: annotations, spec: ["paused": .bool(paused)]),
                .deployment)
        }
        let expired = try deployment("expired", [Self.period: "10s", Self.pausedAt: "2025-11-26T12:25:40Z"])
        let running = try deployment("running", [Self.period: "1m", Self.pausedAt: "2025-11-26T12:26:30Z"])
        let noPeriod = try deployment("no-period", [Self.pausedAt: "2025-11-26T12:26:39Z"])
        let human = try deployment("human", [Self.period: "10s"])
        // The index still thinks `human` carries our paused-at (say, someone took the annotation off since).
        var staleHuman = human
        staleHuman.set(["metadata", "annotations", Self.pausedAt], to: "2025-11-26T12:20:00Z")
        let records = [expired, running, noPeriod, human, staleHuman].compactMap {
            WorkloadRecord.extract(from: $0, kind: .deployment)
        }
        let resumer = PauseResumer(client: try harness.client(), logger: LogRecorder().logger, now: { F.now })
        defer { resumer.stop() }

        let outcomes = resumer.resumeExpired(Array(records.prefix(3)) + [records[4]], now: F.now)
        #expect(
            outcomes == [
                F.ref(.deployment, "expired"): .resumed, F.ref(.deployment, "running"): .notYet(dueAt: F.now + 50),
                F.ref(.deployment, "no-period"): .resumed, F.ref(.deployment, "human"): .notOurs,
            ])
        for (name, stillPaused) in [("expired", false), ("running", true), ("no-period", false), ("human", true)] {
            let stored = try harness.get(F.ref(.deployment, name))
            #expect(Self.paused(stored) == stillPaused, "\(name)")
            #expect((Self.pausedAt(stored) != nil) == (name == "running"), "\(name)")
        }
        #expect(
            try harness.requests().filter { $0.method == "PATCH" }.allSatisfy {
                $0.parameters["fieldManager"] == "reloader"
            })

        // Through the index: only Deployments carrying paused-at are looked at; the running one is due later.
        var builder = ReverseIndexBuilder()
        for record in records.prefix(4) { builder.add(record) }
        let later = resumer.resumeExpired(in: builder.build(), now: F.now + 50)
        #expect(
            later == [
                F.ref(.deployment, "running"): .resumed, F.ref(.deployment, "expired"): .notOurs,
                F.ref(.deployment, "no-period"): .notOurs,
            ])
        #expect(Self.paused(try harness.get(F.ref(.deployment, "running"))) == false)
        #expect(Self.paused(try harness.get(F.ref(.deployment, "human"))) == true)
    }

    @Test("the timer armed by the pausing reload resumes the Deployment after its period")
    func timerResumes() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        var annotations = F.auto
        annotations[Self.period] = "1s"
        try harness.create(F.workload(.deployment, annotations: annotations), .deployment)
        let web = F.ref(.deployment)
        let client = try harness.client()
        let resumer = PauseResumer(client: client, logger: LogRecorder().logger)
        defer { resumer.stop() }
        let reloader = F.reloader(client, resumer: resumer, now: UnixTime.now)
        #expect(reloader.reload(web, plans: [F.plan(web, hash: "h1")]) == .success)
        #expect(Self.paused(try harness.get(web)) == true)
        try await waitUntil(timeout: .seconds(10), "web resumed by its pause timer") {
            let stored = try harness.get(web)
            return Self.paused(stored) == false && Self.pausedAt(stored) == nil
        }
        #expect(try harness.rollouts("Deployment").count == 1)
    }
}
