import Reloader
import Testing

/// Contract §13, "Reference kinds (auto)": C12–C17. Each workload is `auto: "true"` and uses its config one way.
@Suite("conformance: reference kinds", .serialized)
struct ReferenceScenarios {
    let keys = AnnotationKeys()

    /// Sets up `namespace` with app-config and app-secret and one auto Deployment `web` built by `workload`, changes
    /// the config of `kind`, and returns the rollout count and the env var written.
    private func run(
        _ namespace: String, change kind: ConfigKind, envVar: String,
        containers: [Manifests.Container], initContainers: [Manifests.Container] = [], volumes: [JSONValue] = []
    ) async throws -> (rollouts: Int, value: String?, expected: String, firstContainerValue: String?) {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            namespace,
            [
                Manifests.configMap("app-config", in: namespace, data: ["k": "v1"]),
                Manifests.secret("app-secret", in: namespace, stringData: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: namespace, annotations: [keys.auto: "true"], containers: containers,
                    initContainers: initContainers, volumes: volumes),
            ])
        let expected: String
        if kind == .configMap {
            try await cluster.changeConfigMap("app-config", in: namespace, data: ["k": "v2"])
            expected = configMapHash(["k": "v2"])
        } else {
            try await cluster.changeSecret("app-secret", in: namespace, stringData: ["k": "v2"])
            expected = try secretHash(["k": "v2"])
        }
        let object = try cluster.workload(.deployment, "web", in: namespace)
        let first = object[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
        let firstValue = first?["env"]?.arrayValue?.first { $0["name"]?.stringValue == envVar }?["value"]?.stringValue
        return (
            cluster.rolloutCount(.deployment, "web", in: namespace),
            try cluster.env(envVar, of: .deployment, "web", in: namespace), expected, firstValue
        )
    }

    @Test("C12 env.valueFrom.configMapKeyRef")
    func c12() async throws {
        let result = try await run(
            "c12", change: .configMap, envVar: "STAKATER_APP_CONFIG_CONFIGMAP",
            containers: [.init(configMapKeyRefs: ["app-config"])])
        #expect(result.rollouts == 1)
        #expect(result.value == result.expected)
    }

    @Test("C13 env.valueFrom.secretKeyRef")
    func c13() async throws {
        let result = try await run(
            "c13", change: .secret, envVar: "STAKATER_APP_SECRET_SECRET",
            containers: [.init(secretKeyRefs: ["app-secret"])])
        #expect(result.rollouts == 1)
        #expect(result.value == result.expected)
    }

    @Test("C14 ConfigMap in a projected volume")
    func c14() async throws {
        let result = try await run(
            "c14", change: .configMap, envVar: "STAKATER_APP_CONFIG_CONFIGMAP",
            containers: [.init(mounts: ["bundle"])],
            volumes: [Manifests.projectedVolume("bundle", configMap: "app-config", secret: "app-secret")])
        #expect(result.rollouts == 1)
        #expect(result.value == result.expected)
    }

    @Test("C15 Secret in a projected volume")
    func c15() async throws {
        let result = try await run(
            "c15", change: .secret, envVar: "STAKATER_APP_SECRET_SECRET", containers: [.init(mounts: ["bundle"])],
            volumes: [Manifests.projectedVolume("bundle", configMap: "app-config", secret: "app-secret")])
        #expect(result.rollouts == 1)
        #expect(result.value == result.expected)
    }

    @Test("C16 init container envFrom: the env var goes into containers[0]")
    func c16() async throws {
        let result = try await run(
            "c16", change: .configMap, envVar: "STAKATER_APP_CONFIG_CONFIGMAP",
            containers: [.init(name: "main"), .init(name: "sidecar")],
            initContainers: [.init(name: "init", envFromConfigMaps: ["app-config"])])
        #expect(result.rollouts == 1)
        #expect(result.firstContainerValue == result.expected)
    }

    @Test("C17 init container volumeMount: the env var goes into containers[0]")
    func c17() async throws {
        let result = try await run(
            "c17", change: .configMap, envVar: "STAKATER_APP_CONFIG_CONFIGMAP",
            containers: [.init(name: "main"), .init(name: "sidecar")],
            initContainers: [.init(name: "init", mounts: ["config"])],
            volumes: [Manifests.configMapVolume("app-config", volume: "config")])
        #expect(result.rollouts == 1)
        #expect(result.firstContainerValue == result.expected)
    }
}
