import Reloader
import TestSupport
import Testing

/// Contract §13, "Flags": C41–C52.
@Suite("conformance: flags", .serialized)
struct FlagScenarios {
    let keys = AnnotationKeys()

    private func autoWorkload(
        _ kind: WorkloadKind = .deployment, _ name: String = "web", in namespace: String
    )
        -> JSONValue
    {
        Manifests.workload(
            kind, name, in: namespace, annotations: [keys.auto: "true"],
            containers: [.init(envFromConfigMaps: ["app-config"], envFromSecrets: ["app-secret"])])
    }

    private func configs(in namespace: String, labels: [String: String] = [:]) -> [JSONValue] {
        [
            Manifests.configMap("app-config", in: namespace, data: ["k": "v1"], labels: labels),
            Manifests.secret("app-secret", in: namespace, stringData: ["k": "v1"], labels: labels),
        ]
    }

    @Test("C41 --auto-reload-all reloads unannotated workloads and respects auto: \"false\"")
    func c41() async throws {
        let cluster = try await Cluster.start(["--auto-reload-all=true"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c41",
            configs(in: "c41") + [
                Manifests.workload(
                    .deployment, "plain", in: "c41", containers: [.init(envFromConfigMaps: ["app-config"])]),
                Manifests.workload(
                    .deployment, "optout", in: "c41", annotations: [keys.auto: "false"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c41", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "plain", in: "c41") == 1)
        #expect(cluster.rolloutCount(.deployment, "optout", in: "c41") == 0)
    }

    @Test("C42 --resources-to-ignore=secrets: NO for Secrets, reload for ConfigMaps")
    func c42() async throws {
        let cluster = try await Cluster.start(["--resources-to-ignore=secrets"])
        defer { cluster.stop() }
        try await cluster.setUp("c42", configs(in: "c42") + [autoWorkload(in: "c42")])
        try await cluster.changeSecret("app-secret", in: "c42", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c42") == 0)
        try await cluster.changeConfigMap("app-config", in: "c42", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c42") == 1)
    }

    @Test("C43 --resources-to-ignore=configmaps: NO for ConfigMaps, reload for Secrets")
    func c43() async throws {
        let cluster = try await Cluster.start(["--resources-to-ignore=configmaps"])
        defer { cluster.stop() }
        try await cluster.setUp("c43", configs(in: "c43") + [autoWorkload(in: "c43")])
        try await cluster.changeConfigMap("app-config", in: "c43", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c43") == 0)
        try await cluster.changeSecret("app-secret", in: "c43", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c43") == 1)
    }

    @Test("C44 --ignored-workload-types=cronjobs: no Job, Deployments still reload")
    func c44() async throws {
        let cluster = try await Cluster.start(["--ignored-workload-types=cronjobs"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c44", configs(in: "c44") + [autoWorkload(in: "c44"), autoWorkload(.cronJob, "report", in: "c44")])
        try await cluster.changeConfigMap("app-config", in: "c44", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c44") == 1)
        #expect(try cluster.objects("jobs", group: "batch", in: "c44").isEmpty)
    }

    @Test("C45 --namespaces-to-ignore: NO in the ignored namespace, reload elsewhere")
    func c45() async throws {
        let cluster = try await Cluster.start(["--namespaces-to-ignore=c45-ignored"])
        defer { cluster.stop() }
        try await cluster.setUp("c45-ignored", configs(in: "c45-ignored") + [autoWorkload(in: "c45-ignored")])
        try await cluster.setUp("c45", configs(in: "c45") + [autoWorkload(in: "c45")])
        try await cluster.changeConfigMap("app-config", in: "c45-ignored", data: ["k": "v2"])
        try await cluster.changeConfigMap("app-config", in: "c45", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c45-ignored") == 0)
        #expect(cluster.rolloutCount(.deployment, "web", in: "c45") == 1)
    }

    @Test("C46 --namespace-selector: reload in a matching namespace, NO in others")
    func c46() async throws {
        let cluster = try await Cluster.start(["--namespace-selector=reloader=enabled"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c46", labels: ["reloader": "enabled"], configs(in: "c46") + [autoWorkload(in: "c46")])
        try await cluster.setUp("c46-other", configs(in: "c46-other") + [autoWorkload(in: "c46-other")])
        try await cluster.changeConfigMap("app-config", in: "c46", data: ["k": "v2"])
        try await cluster.changeConfigMap("app-config", in: "c46-other", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c46") == 1)
        #expect(cluster.rolloutCount(.deployment, "web", in: "c46-other") == 0)
    }

    @Test("C47 --resource-label-selector: reload for a labelled config, NO for an unlabelled one")
    func c47() async throws {
        let cluster = try await Cluster.start(["--resource-label-selector=reload=yes"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c47",
            [
                Manifests.configMap("app-config", in: "c47", data: ["k": "v1"], labels: ["reload": "yes"]),
                Manifests.secret("app-secret", in: "c47", stringData: ["k": "v1"]),
                autoWorkload(in: "c47"),
            ])
        try await cluster.changeSecret("app-secret", in: "c47", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c47") == 0)
        try await cluster.changeConfigMap("app-config", in: "c47", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c47") == 1)
    }

    @Test("C48 --reload-on-create: creating a named ConfigMap reloads; default: NO", arguments: [true, false])
    func c48(reloadOnCreate: Bool) async throws {
        let cluster = try await Cluster.start(reloadOnCreate ? ["--reload-on-create=true"] : [])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c48",
            [Manifests.workload(.deployment, "web", in: "c48", annotations: [keys.configMapReload: "app-config"])])
        try await cluster.apply(Manifests.list([Manifests.configMap("app-config", in: "c48", data: ["k": "v1"])]))
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c48") == (reloadOnCreate ? 1 : 0))
    }

    @Test(
        "C49 --reload-on-delete: deleting the ConfigMap removes the env var (one rollout); default: NO",
        arguments: [true, false])
    func c49(reloadOnDelete: Bool) async throws {
        let cluster = try await Cluster.start(reloadOnDelete ? ["--reload-on-delete=true"] : [])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c49",
            [
                Manifests.configMap("app-config", in: "c49", data: ["k": "v1"]),
                Manifests.workload(.deployment, "web", in: "c49", annotations: [keys.configMapReload: "app-config"]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c49", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c49") == 1)
        try await cluster.kubectl(["-n", "c49", "delete", "configmap", "app-config"])
        try await cluster.settle()
        let variable = try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .deployment, "web", in: "c49")
        if reloadOnDelete {
            #expect(cluster.rolloutCount(.deployment, "web", in: "c49") == 2)
            #expect(variable == nil)
        } else {
            #expect(cluster.rolloutCount(.deployment, "web", in: "c49") == 1)
            #expect(variable == configMapHash(["k": "v2"]))
        }
    }

    @Test(
        "C50 KUBERNETES_NAMESPACE or --namespaces: reload in the watched namespace, NO outside it",
        arguments: [true, false])
    func c50(byEnvironment: Bool) async throws {
        let cluster =
            byEnvironment
            ? try await Cluster.start(environment: ["KUBERNETES_NAMESPACE": "c50"])
            : try await Cluster.start(["--namespaces=c50"])
        defer { cluster.stop() }
        try await cluster.setUp("c50", configs(in: "c50") + [autoWorkload(in: "c50")])
        try await cluster.setUp("c50-other", configs(in: "c50-other") + [autoWorkload(in: "c50-other")])
        try await cluster.changeConfigMap("app-config", in: "c50", data: ["k": "v2"])
        try await cluster.changeConfigMap("app-config", in: "c50-other", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c50") == 1)
        #expect(cluster.rolloutCount(.deployment, "web", in: "c50-other") == 0)
    }

    @Test("C51 --webhook-url: the URL receives the JSON body; NO rollout")
    func c51() async throws {
        let receiver = try PlainReceiver()
        defer { receiver.stop() }
        let cluster = try await Cluster.start(["--webhook-url=\(receiver.url)/hook"])
        defer { cluster.stop() }
        try await cluster.setUp("c51", configs(in: "c51") + [autoWorkload(in: "c51")])
        try await cluster.changeConfigMap("app-config", in: "c51", data: ["k": "v2"])
        try await waitUntil(timeout: .seconds(20), "the webhook URL receives one POST") { receiver.count >= 1 }
        let body = try JSONValue.parse(try #require(receiver.bodies.first))
        #expect(body["webhook"]?.stringValue == "update successful")
        #expect(body["kind"]?.stringValue == "ConfigMap")
        #expect(body["namespace"]?.stringValue == "c51")
        #expect(body["name"]?.stringValue == "app-config")
        #expect(body["hash"]?.stringValue == configMapHash(["k": "v2"]))
        #expect(
            body["workloads"]?.arrayValue == [["kind": "Deployment", "namespace": "c51", "name": "web"]])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c51") == 0)
        #expect(receiver.count == 1)
    }

    @Test("C52 renamed annotation keys work and the default key no longer does")
    func c52() async throws {
        let cluster = try await Cluster.start(["--auto-annotation=example.com/auto"])
        defer { cluster.stop() }
        try await cluster.setUp(
            "c52",
            configs(in: "c52") + [
                Manifests.workload(
                    .deployment, "renamed", in: "c52", annotations: ["example.com/auto": "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
                Manifests.workload(
                    .deployment, "default", in: "c52", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c52", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "renamed", in: "c52") == 1)
        #expect(cluster.rolloutCount(.deployment, "default", in: "c52") == 0)
    }
}
