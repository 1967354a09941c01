import Foundation
import KubeSim
import Reloader
import TestSupport
import Testing

/// Faults end to end: kube-sim answers reloader's own requests with errors or drops them, reloader dies between a
/// review and its patch, several replicas share a Lease. Each test asserts the exact rollouts kube-sim recorded:
/// a fault may delay a reload, never lose it or double it.
@Suite("conformance: faults", .serialized)
struct FaultScenarios {
    let keys = AnnotationKeys()

    /// The namespace, ConfigMap `app-config` (k: v1) and Deployment `web` (auto, envFrom app-config).
    func setUp(_ cluster: Cluster, _ namespace: String) async throws {
        try await cluster.setUp(
            namespace,
            [
                Manifests.configMap("app-config", in: namespace, data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: namespace, annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
    }

    /// The env var reloader writes for `app-config` into `web`.
    func marker(_ cluster: Cluster, in namespace: String) throws -> String? {
        try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .deployment, "web", in: namespace)
    }

    @Test("429 with Retry-After, then 500, on reloader's PATCH of the Deployment: exactly one rollout")
    func errorsOnPatch() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await setUp(cluster, "f-patch")
        try cluster.inject([
            "userAgent": "reloader/", "verb": "patch", "resource": "deployments", "kind": "status", "status": 429,
            "retryAfterSeconds": 1, "count": 1,
        ])
        try cluster.inject([
            "userAgent": "reloader/", "verb": "patch", "resource": "deployments", "kind": "status", "status": 500,
            "count": 3,
        ])
        try await cluster.changeConfigMap("app-config", in: "f-patch", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "f-patch") == 1)
        #expect(try marker(cluster, in: "f-patch") == configMapHash(["k": "v2"]))
        #expect(try cluster.metric("reloader_reload_executed_total{success=\"true\"}") == 1)
        #expect(try cluster.metric("reloader_reload_executed_total{success=\"false\"}") == 0)
        let patches = cluster.requests("PATCH", "/apis/apps/v1/namespaces/f-patch/deployments/web")
        #expect(patches.map(\.status) == [429, 500, 500, 500, 200], "every fault hit reloader's write, then it landed")
        #expect(patches.allSatisfy { $0.userAgent?.hasPrefix("reloader/") == true })
        if patches.count > 1 {
            // A lower bound: the retry waited out Retry-After (a slow machine only makes the gap longer).
            #expect(patches[1].time.timeIntervalSince(patches[0].time) >= 0.9)
        }
    }

    @Test("dropped connections and 503 on reloader's confirmation GET of the ConfigMap: exactly one rollout")
    func faultsOnConfirmation() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await setUp(cluster, "f-confirm")
        // kubectl patch GETs the ConfigMap too: the User-Agent keeps the faults on reloader's confirmation reads.
        try cluster.inject([
            "userAgent": "reloader/", "verb": "get", "resource": "configmaps", "kind": "drop", "count": 2,
        ])
        try cluster.inject([
            "userAgent": "reloader/", "verb": "get", "resource": "configmaps", "kind": "status", "status": 503,
            "count": 2,
        ])
        try await cluster.changeConfigMap("app-config", in: "f-confirm", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "f-confirm") == 1)
        #expect(try marker(cluster, in: "f-confirm") == configMapHash(["k": "v2"]))
        #expect(try cluster.metric("reloader_reload_executed_total{success=\"true\"}") == 1)
        let reads = cluster.requests("GET", "/api/v1/namespaces/f-confirm/configmaps/app-config").filter {
            $0.userAgent?.hasPrefix("reloader/") == true
        }
        #expect(Array(reads.map(\.status).prefix(4)) == [0, 0, 503, 503], "dropped twice, then 503 twice")
        #expect(reads.last?.status == 200)
    }

    @Test("reloader SIGKILLed between admission and patch: the reconciler reloads after the restart, once")
    func killedBeforePatch() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await setUp(cluster, "f-kill")
        // One normal reload first: the reconciler acts only on workloads that carry reloader's marker.
        try await cluster.changeConfigMap("app-config", in: "f-kill", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "f-kill") == 1)
        // A coalesce window long enough that the next plan is still in memory when reloader dies (the last
        // --coalesce-window wins over baseFlags', as pflag's last value does).
        try await cluster.restartReloader(extraFlags: ["--coalesce-window=60s"])
        try await cluster.mergePatch("configmap", "app-config", in: "f-kill", #"{"data":{"k":"v3"}}"#)
        // kubectl returned after the review was answered: the plan waits in reloader's queue.
        #expect(try cluster.metric("reloader_workqueue_depth") == 1)
        cluster.killReloader()
        #expect(cluster.rolloutCount(.deployment, "web", in: "f-kill") == 1)
        // The restart drops the 60s window (extraFlags replace the last ones) and resyncs every 2s.
        try await cluster.restartReloader(extraFlags: ["--resync-period=2s"])
        try await cluster.waitFor("the reconciler reloads web after the restart") {
            cluster.rolloutCount(.deployment, "web", in: "f-kill") == 2
        }
        // Later passes find the marker current: no third rollout.
        try await cluster.waitForReconcile(passes: 3)
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "f-kill") == 2)
        #expect(try marker(cluster, in: "f-kill") == configMapHash(["k": "v3"]))
    }
}
