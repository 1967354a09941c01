import Foundation
import Reloader
import TestSupport
import Testing

/// Contract §13, "Strategies and kinds": C31–C40.
@Suite("conformance: strategies and kinds", .serialized)
struct StrategyScenarios {
    let keys = AnnotationKeys()

    @Test(
        "C31 annotations strategy writes last-reloaded-from with the right JSON; the same content again writes nothing")
    func c31() async throws {
        let cluster = try await Cluster.start(["--reload-strategy=annotations"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c31",
            [
                Manifests.configMap("app-config", in: "c31", data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: "c31", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c31", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c31") == 1)
        let object = try cluster.workload(.deployment, "web", in: "c31")
        let marker = try #require(
            object[path: ["spec", "template", "metadata", "annotations", Annotations.lastReloadedFrom]]?.stringValue)
        let json = try JSONValue.parse(Array(marker.utf8))
        #expect(json["type"]?.stringValue == "CONFIGMAP")
        #expect(json["name"]?.stringValue == "app-config")
        #expect(json["namespace"]?.stringValue == "c31")
        #expect(json["hash"]?.stringValue == configMapHash(["k": "v2"]))
        #expect(json["containerRefs"]?.arrayValue?.compactMap(\.stringValue) == ["app"])
        #expect(json["observedAt"]?.intValue != nil)
        #expect(try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .deployment, "web", in: "c31") == nil)
        // The same content written again is a no-op write: nothing is written, no second rollout.
        try await cluster.changeConfigMap("app-config", in: "c31", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c31") == 1)
    }

    @Test("C32 CronJob with auto: a Job <cronjob>-xxxxx with the env var and owner reference; the CronJob unchanged")
    func c32() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c32",
            [
                Manifests.configMap("app-config", in: "c32", data: ["k": "v1"]),
                Manifests.workload(
                    .cronJob, "report", in: "c32", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        let before = try cluster.workload(.cronJob, "report", in: "c32")
        try await cluster.changeConfigMap("app-config", in: "c32", data: ["k": "v2"])
        let jobs = try cluster.objects("jobs", group: "batch", in: "c32")
        try #require(jobs.count == 1)
        let job = jobs[0]
        #expect(job[path: ["metadata", "name"]]?.stringValue?.hasPrefix("report-") == true)
        let owner = job[path: ["metadata", "ownerReferences"]]?.arrayValue?.first
        #expect(owner?["kind"]?.stringValue == "CronJob")
        #expect(owner?["name"]?.stringValue == "report")
        #expect(owner?["uid"] == before[path: ["metadata", "uid"]])
        #expect(owner?["controller"]?.boolValue == true)
        #expect(job[path: ["metadata", "annotations", "cronjob.kubernetes.io/instantiate"]]?.stringValue == "manual")
        let env = job[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["env"]?.arrayValue ?? []
        #expect(
            env.contains {
                $0["name"]?.stringValue == "STAKATER_APP_CONFIG_CONFIGMAP"
                    && $0["value"]?.stringValue == configMapHash(["k": "v2"])
            })
        let after = try cluster.workload(.cronJob, "report", in: "c32")
        #expect(after[path: ["metadata", "resourceVersion"]] == before[path: ["metadata", "resourceVersion"]])
        #expect(cluster.rolloutCount(.cronJob, "report", in: "c32") == 0)
    }

    @Test("C33 suspended CronJob: no Job")
    func c33() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c33",
            [
                Manifests.configMap("app-config", in: "c33", data: ["k": "v1"]),
                Manifests.workload(
                    .cronJob, "report", in: "c33", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])], suspended: true),
            ])
        try await cluster.changeConfigMap("app-config", in: "c33", data: ["k": "v2"])
        #expect(try cluster.objects("jobs", group: "batch", in: "c33").isEmpty)
    }

    @Test("C34 Job with auto: deleted and re-created with the env var")
    func c34() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c34",
            [
                Manifests.configMap("app-config", in: "c34", data: ["k": "v1"]),
                Manifests.workload(
                    .job, "migrate", in: "c34", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        let before = try cluster.workload(.job, "migrate", in: "c34")
        let created = cluster.rolloutCount(.job, "migrate", in: "c34")  // kube-sim counts a Job's creation
        try await cluster.changeConfigMap("app-config", in: "c34", data: ["k": "v2"])
        let after = try cluster.workload(.job, "migrate", in: "c34")
        #expect(after[path: ["metadata", "uid"]] != before[path: ["metadata", "uid"]])
        #expect(
            try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .job, "migrate", in: "c34")
                == configMapHash(["k": "v2"]))
        #expect(cluster.rolloutCount(.job, "migrate", in: "c34") == created + 1)
    }

    @Test("C35 Argo Rollout, default strategy: the template changes")
    func c35() async throws {
        let cluster = try await Cluster.start(["--is-Argo-Rollouts=true"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c35",
            [
                Manifests.configMap("app-config", in: "c35", data: ["k": "v1"]),
                Manifests.workload(
                    .rollout, "canary", in: "c35", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c35", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.rollout, "canary", in: "c35") == 1)
        #expect(
            try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .rollout, "canary", in: "c35")
                == configMapHash(["k": "v2"]))
    }

    @Test("C36 Argo Rollout with rollout-strategy: restart sets spec.restartAt")
    func c36() async throws {
        let cluster = try await Cluster.start(["--is-Argo-Rollouts=true"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c36",
            [
                Manifests.configMap("app-config", in: "c36", data: ["k": "v1"]),
                Manifests.workload(
                    .rollout, "canary", in: "c36",
                    annotations: [keys.auto: "true", Annotations.rolloutStrategy: "restart"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c36", data: ["k": "v2"])
        let object = try cluster.workload(.rollout, "canary", in: "c36")
        let restartAt = try #require(object[path: ["spec", "restartAt"]]?.stringValue)
        #expect(restartAt.hasSuffix("Z") && restartAt.count == 20, "RFC 3339: \(restartAt)")
        #expect(cluster.rolloutCount(.rollout, "canary", in: "c36") == 0)
        #expect(try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .rollout, "canary", in: "c36") == nil)
    }

    @Test("C37 pause-period: 10s pauses then resumes the Deployment")
    func c37() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c37",
            [
                Manifests.configMap("app-config", in: "c37", data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: "c37", annotations: [keys.auto: "true", keys.pausePeriod: "10s"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c37", data: ["k": "v2"])
        // Read from reloader's log, not by catching the paused state in the act: a starved test thread could miss
        // a 10 s window. The resume acts only on a Deployment carrying our paused-at.
        #expect(cluster.reloader.stderr.contains("updated 'web' of type 'Deployment' in namespace 'c37'"))
        #expect(cluster.reloader.stderr.contains("reloader.paused_at="))
        try await cluster.waitFor("the Deployment is resumed after its pause period", timeout: .seconds(60)) {
            cluster.reloader.stderr.contains(
                "resumed Deployment after its pause period k8s.kind=Deployment k8s.name=web k8s.namespace=c37")
        }
        let object = try cluster.workload(.deployment, "web", in: "c37")
        #expect(object[path: ["spec", "paused"]]?.boolValue != true)
        #expect(object[path: ["metadata", "annotations", keys.pausedAt]] == nil)
        #expect(cluster.rolloutCount(.deployment, "web", in: "c37") == 1)
    }

    @Test("C38 no pause without the annotation")
    func c38() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c38",
            [
                Manifests.configMap("app-config", in: "c38", data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: "c38", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c38", data: ["k": "v2"])
        let object = try cluster.workload(.deployment, "web", in: "c38")
        #expect(cluster.rolloutCount(.deployment, "web", in: "c38") == 1)
        #expect(object[path: ["spec", "paused"]]?.boolValue != true)
        #expect(object[path: ["metadata", "annotations", keys.pausedAt]] == nil)
    }

    @Test("C39 a reloader restart during the pause still resumes it")
    func c39() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c39",
            [
                Manifests.configMap("app-config", in: "c39", data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: "c39", annotations: [keys.auto: "true", keys.pausePeriod: "15s"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c39", data: ["k": "v2"])
        let firstLog = cluster.reloader.stderr
        #expect(firstLog.contains("reloader.paused_at="), "the reload paused the Deployment")
        cluster.killReloader()  // its in-memory timer dies with it
        #expect(!firstLog.contains("resumed Deployment"), "killed during the pause (machine too slow otherwise)")
        try await cluster.restartReloader()
        try await cluster.waitFor("the new reloader resumes the Deployment", timeout: .seconds(60)) {
            cluster.reloader.stderr.contains("resumed Deployment after its pause period")
        }
        let object = try cluster.workload(.deployment, "web", in: "c39")
        #expect(object[path: ["spec", "paused"]]?.boolValue != true)
        #expect(object[path: ["metadata", "annotations", keys.pausedAt]] == nil)
        #expect(cluster.rolloutCount(.deployment, "web", in: "c39") == 1)
    }

    @Test("C40 multi-container: the env var goes into the container that uses the config")
    func c40() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c40",
            [
                Manifests.configMap("app-config", in: "c40", data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: "c40", annotations: [keys.auto: "true"],
                    containers: [.init(name: "proxy"), .init(name: "app", envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c40", data: ["k": "v2"])
        let containers =
            try cluster.workload(.deployment, "web", in: "c40")[path: ["spec", "template", "spec", "containers"]]?
            .arrayValue ?? []
        func value(_ container: JSONValue) -> String? {
            container["env"]?.arrayValue?.first { $0["name"]?.stringValue == "STAKATER_APP_CONFIG_CONFIGMAP" }?[
                "value"]?
                .stringValue
        }
        try #require(containers.count == 2)
        #expect(value(containers[0]) == nil)
        #expect(value(containers[1]) == configMapHash(["k": "v2"]))
    }
}
