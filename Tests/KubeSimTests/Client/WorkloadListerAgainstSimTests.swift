import Foundation
import KubeSim
import Logging
import TestSupport
import Testing

@testable import Reloader

/// `WorkloadLister` against kube-sim: real pagination, namespace scopes, kinds, failures, and what it asks for.
@Suite("WorkloadLister against kube-sim")
struct WorkloadListerAgainstSimTests {
    typealias F = ResyncFixtures

    @Test("1,200 Deployments over three pages: every one indexed with its references; no ConfigMap or Secret listed")
    func paginatedIndex() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        for index in 0..<1200 {
            try harness.createWorkload(
                .deployment, "web-\(String(format: "%05d", index))", configMap: "config-\(index % 10)",
                secret: "secret-\(index)")
        }
        try harness.createWorkload(.statefulSet, "db", configMap: "config-3")
        let client = try harness.client()
        try harness.clearRequests()

        let store = IndexStore()
        let index = try F.lister(client).resync(into: store)
        #expect(index.count == 1201)
        #expect(store.snapshot.count == 1201)
        #expect(index.referenceCount == 2401)
        let users = index.workloads(using: ConfigRef(kind: .configMap, namespace: "default", name: "config-3"))
        #expect(users.count == 121)
        let record = try #require(
            index.record(for: WorkloadRef(kind: .deployment, namespace: "default", name: "web-00042")))
        #expect(
            record.uses.map(\.description) == [
                "Secret secret-42 -> containers[0]", "ConfigMap config-2 -> containers[0]",
            ])

        let requests = try harness.requests()
        let deploymentLists = requests.filter { $0.path == "/apis/apps/v1/deployments" }
        #expect(deploymentLists.count == 3)
        #expect(deploymentLists.allSatisfy { $0.parameters["limit"] == "500" && $0.status == 200 })
        #expect(
            Set(requests.map(\.path)) == [
                "/apis/apps/v1/deployments", "/apis/apps/v1/daemonsets", "/apis/apps/v1/statefulsets",
                "/apis/batch/v1/cronjobs", "/apis/batch/v1/jobs",
            ])
        #expect(!requests.contains { $0.path.hasSuffix("/configmaps") || $0.path.hasSuffix("/secrets") })
    }

    @Test("--namespaces lists those namespaces one by one, minus --namespaces-to-ignore; cluster-wide drops ignored")
    func namespaceScopes() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        for namespace in ["team-a", "team-b", "team-c"] {
            try harness.createNamespace(namespace)
            try harness.createWorkload(.deployment, "web", namespace: namespace, configMap: "app")
        }
        let client = try harness.client()
        try harness.clearRequests()

        let scoped = try F.lister(
            client, kinds: [.deployment], namespaces: ["team-a", "team-b"], namespacesToIgnore: ["team-b"]
        ).buildIndex()
        #expect(F.names(scoped) == ["Deployment team-a/web"])
        #expect(try harness.requestPaths() == ["/apis/apps/v1/namespaces/team-a/deployments"])

        let clusterWide = try F.lister(client, kinds: [.deployment], namespacesToIgnore: ["team-b"]).buildIndex()
        #expect(F.names(clusterWide) == ["Deployment team-a/web", "Deployment team-c/web"])
    }

    @Test("ignored workload types are not listed; Rollouts and DeploymentConfigs only with their flags")
    func kindsFromFlags() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.createWorkload(.deployment, "web", configMap: "app")
        try harness.createWorkload(.cronJob, "nightly", configMap: "app")
        try harness.createWorkload(.job, "migrate", configMap: "app")
        try harness.createWorkload(.rollout, "canary", configMap: "app")
        try harness.createWorkload(.deploymentConfig, "legacy", configMap: "app")
        let client = try harness.client()
        try harness.clearRequests()

        let kinds = WorkloadLister.Options.kinds(ignoredWorkloadTypes: [.job, .cronJob])
        #expect(F.names(try F.lister(client, kinds: kinds).buildIndex()) == ["Deployment default/web"])
        #expect(!(try harness.requestPaths()).contains { $0.hasPrefix("/apis/batch/") })

        let all = WorkloadLister.Options.kinds(isArgoRolloutsEnabled: true, isOpenShiftEnabled: true)
        #expect(
            F.names(try F.lister(client, kinds: all).buildIndex()) == [
                "CronJob default/nightly", "Deployment default/web", "DeploymentConfig default/legacy",
                "Job default/migrate", "Rollout default/canary",
            ])
    }

    @Test("a failed list (500, retries off) is a typed error naming the kind, and the old index stays")
    func failedListKeepsIndex() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.createWorkload(.deployment, "web", configMap: "app")
        try harness.createWorkload(.daemonSet, "agent", configMap: "app")
        let client = try harness.client(retry: RetryPolicy(maximumRetries: 0))
        let store = IndexStore()
        let lister = F.lister(client)
        try lister.resync(into: store)
        #expect(store.snapshot.count == 2)

        try harness.createWorkload(.deployment, "api", configMap: "app")
        try harness.fault(["verb": "list", "resource": "daemonsets", "kind": "status", "status": 500, "count": 1])
        #expect {
            try lister.resync(into: store)
        } throws: { error in
            guard case .listFailed(let resource, let namespace, let cause) = error as? ResyncError else { return false }
            return resource == "daemonsets" && namespace == nil && cause.apiError?.code == 500
        }
        #expect(F.names(store.snapshot) == ["DaemonSet default/agent", "Deployment default/web"])

        try lister.resync(into: store)  // the fault is used up
        #expect(store.snapshot.count == 3)
    }

    @Test("a workload reviewed while the list runs survives the swap")
    func upsertDuringListSurvives() async throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.createWorkload(.deployment, "web", configMap: "app")
        let client = try harness.client()
        try harness.clearRequests()
        // The DaemonSet list (the second kind) is slow, so the review lands between beginResync and the swap.
        try harness.fault(["verb": "list", "resource": "daemonsets", "kind": "latency", "latencyMs": 400, "count": 1])
        let store = IndexStore()
        let lister = F.lister(client)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? lister.resync(into: store)
            finished.signal()
        }
        try await waitUntil("the Deployment list answered") {
            try harness.requestPaths().contains("/apis/apps/v1/deployments")
        }
        let reviewed = WorkloadRecord(ref: WorkloadRef(kind: .deployment, namespace: "default", name: "new"))
        store.upsert(reviewed)
        try await waitUntil("the resync finished") { finished.wait(timeout: .now()) == .success }
        #expect(F.names(store.snapshot) == ["Deployment default/new", "Deployment default/web"])
    }

    @Test("the namespace label cache holds the listed namespaces' labels; unknown ones are nil")
    func namespaceLabels() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        try harness.createNamespace("team-a", labels: ["tier": "prod"])
        try harness.createNamespace("team-b", labels: ["tier": "dev"])
        let client = try harness.client()
        let cache = NamespaceLabelCache(logger: F.logger)
        #expect(!cache.isLoaded && cache.labels(of: "team-a") == nil)

        cache.replace(with: try F.lister(client).namespaceLabels())
        #expect(cache.isLoaded)
        #expect(cache.labels(of: "team-a")?["tier"] == "prod")
        #expect(cache.lookup("team-b")?["tier"] == "dev")
        #expect(cache.labels(of: "default") != nil)
        #expect(cache.labels(of: "team-z") == nil)

        cache.replace(
            with: try F.lister(client, namespaces: ["team-a", "team-b"], namespacesToIgnore: ["team-b"])
                .namespaceLabels())
        #expect(cache.count == 1 && cache.labels(of: "team-a") != nil && cache.labels(of: "team-b") == nil)
    }
}
