import Logging
import Testing

@testable import Reloader

/// Contract §11: Kubernetes Events on reloaded workloads, written through the API client into kube-sim.
@Suite("reload Events against kube-sim")
struct ReloadEventsAgainstSimTests {
    typealias F = ReloadSimFixtures

    private func events(_ harness: SimClientHarness) throws -> [JSONValue] {
        try harness.client().listAll(ResourcePath(resource: "events", namespace: "default")).items
    }

    private func reloader(_ client: KubeClient, _ events: KubeEventRecorder) -> KubeWorkloadReloader {
        var options = PolicyOptions()
        options.reloadOnDelete = true
        return KubeWorkloadReloader(
            client: client, options: options, logger: LogRecorder().logger, sleep: { _ in }, events: events)
    }

    @Test("a reload records a Normal Reloaded Event on the workload, with Reloader's line and component")
    func reloadedEvent() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let deployment = try harness.create(F.workload(.deployment), .deployment)
        let client = try harness.client()
        let recorder = KubeEventRecorder(client: client, logger: LogRecorder().logger)
        let web = F.ref(.deployment)
        #expect(reloader(client, recorder).reload(web, plans: [F.plan(web, hash: "h1")]) == .success)
        recorder.drain()
        let stored = try events(harness)
        try #require(stored.count == 1)
        let event = stored[0]
        #expect(event["type"]?.stringValue == "Normal")
        #expect(event["reason"]?.stringValue == "Reloaded")
        #expect(event[path: ["source", "component"]]?.stringValue == "reloader-configmaps")
        #expect(event[path: ["involvedObject", "kind"]]?.stringValue == "Deployment")
        #expect(event[path: ["involvedObject", "name"]]?.stringValue == "web")
        #expect(event[path: ["involvedObject", "uid"]] == deployment[path: ["metadata", "uid"]])
        #expect(
            event["message"]?.stringValue?.hasPrefix("Changes detected in 'app-config' of type 'CONFIGMAP'") == true)
        #expect(recorder.counters == .init(sent: 1, dropped: 0, failed: 0))
    }

    @Test("a reload refused for good records a Warning ReloadFail Event")
    func reloadFailEvent() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.create(F.workload(.deployment), .deployment)
        let client = try harness.client()
        let recorder = KubeEventRecorder(client: client, logger: LogRecorder().logger)
        let web = F.ref(.deployment)
        try harness.fault(["verb": "patch", "resource": "deployments", "kind": "status", "status": 403])
        #expect(reloader(client, recorder).reload(web, plans: [F.plan(web, hash: "h1")]) == .permanentFailure)
        recorder.drain()
        let stored = try events(harness)
        #expect(stored.map { $0["reason"]?.stringValue } == ["ReloadFail"])
        #expect(stored.first?["type"]?.stringValue == "Warning")
    }

    @Test("beyond the burst, Events are dropped and counted, never queued without bound")
    func rateLimited() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let recorder = KubeEventRecorder(client: client, logger: LogRecorder().logger, qps: 0.001, burst: 2)
        let change = ConfigChange(
            config: ConfigRef(kind: .secret, namespace: "default", name: "db"), oldHash: "a", newHash: "b",
            operation: .update)
        for _ in 0..<5 { recorder.reloaded(F.ref(.deployment), uid: nil, change: change) }
        recorder.drain()
        #expect(recorder.counters == .init(sent: 2, dropped: 3, failed: 0))
        let stored = try events(harness)
        #expect(stored.count == 2)
        #expect(stored.allSatisfy { $0[path: ["source", "component"]]?.stringValue == "reloader-secrets" })
    }
}
