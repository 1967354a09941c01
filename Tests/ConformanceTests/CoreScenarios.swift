import Reloader
import Testing

/// Contract §13, "Core": C01–C11, end to end through kube-sim, kubectl and the reloader executable.
@Suite("conformance: core", .serialized)
struct CoreScenarios {
    let keys = AnnotationKeys()

    @Test(
        "C01 named configmap reload reloads on a ConfigMap data change; env var = hash", arguments: podControllerKinds)
    func c01(kind: WorkloadKind) async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c01",
            [
                Manifests.configMap("app-config", in: "c01", data: ["k": "v1"]),
                Manifests.workload(kind, "web", in: "c01", annotations: [keys.configMapReload: "app-config"]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c01", data: ["k": "v2"])
        #expect(cluster.rolloutCount(kind, "web", in: "c01") == 1)
        #expect(
            try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: kind, "web", in: "c01") == configMapHash(["k": "v2"]))
        // Contract §11: a Normal Reloaded Event on the workload (written off the reload's path).
        try await cluster.waitFor("a Reloaded Event on web") {
            try cluster.objects("events", in: "c01").contains {
                $0["reason"]?.stringValue == "Reloaded" && $0[path: ["involvedObject", "name"]]?.stringValue == "web"
            }
        }
    }

    @Test("C02 named secret reload reloads on a Secret data change", arguments: podControllerKinds)
    func c02(kind: WorkloadKind) async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c02",
            [
                Manifests.secret("app-secret", in: "c02", stringData: ["password": "one"]),
                Manifests.workload(kind, "web", in: "c02", annotations: [keys.secretReload: "app-secret"]),
            ])
        try await cluster.changeSecret("app-secret", in: "c02", stringData: ["password": "two"])
        #expect(cluster.rolloutCount(kind, "web", in: "c02") == 1)
        #expect(
            try cluster.env("STAKATER_APP_SECRET_SECRET", of: kind, "web", in: "c02")
                == secretHash(["password": "two"]))
    }

    @Test("C03 auto reloads on a change of a ConfigMap used through envFrom", arguments: podControllerKinds)
    func c03(kind: WorkloadKind) async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c03",
            [
                Manifests.configMap("app-config", in: "c03", data: ["k": "v1"]),
                Manifests.workload(
                    kind, "web", in: "c03", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c03", data: ["k": "v2"])
        #expect(cluster.rolloutCount(kind, "web", in: "c03") == 1)
        #expect(
            try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: kind, "web", in: "c03") == configMapHash(["k": "v2"]))
    }

    @Test("C04 NO reload when only the ConfigMap's or the Secret's labels change", arguments: podControllerKinds)
    func c04(kind: WorkloadKind) async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c04",
            [
                Manifests.configMap("app-config", in: "c04", data: ["k": "v1"]),
                Manifests.secret("app-secret", in: "c04", stringData: ["k": "v1"]),
                Manifests.workload(
                    kind, "web", in: "c04", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"], envFromSecrets: ["app-secret"])]),
            ])
        try await cluster.kubectl(["-n", "c04", "label", "configmap", "app-config", "tier=one"])
        try await cluster.kubectl(["-n", "c04", "label", "secret", "app-secret", "tier=one"])
        try await cluster.settle()
        #expect(cluster.rolloutCount(kind, "web", in: "c04") == 0)
    }

    @Test("C05 NO reload for a workload without any annotation", arguments: podControllerKinds)
    func c05(kind: WorkloadKind) async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c05",
            [
                Manifests.configMap("app-config", in: "c05", data: ["k": "v1"]),
                Manifests.workload(kind, "web", in: "c05", containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c05", data: ["k": "v2"])
        #expect(cluster.rolloutCount(kind, "web", in: "c05") == 0)
    }

    @Test("C06 auto: \"false\" gives NO reload", arguments: podControllerKinds)
    func c06(kind: WorkloadKind) async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c06",
            [
                Manifests.configMap("app-config", in: "c06", data: ["k": "v1"]),
                Manifests.workload(
                    kind, "web", in: "c06", annotations: [keys.auto: "false"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c06", data: ["k": "v2"])
        #expect(cluster.rolloutCount(kind, "web", in: "c06") == 0)
    }

    @Test("C07 volume-mounted ConfigMap and volume-mounted Secret under auto reload")
    func c07() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c07",
            [
                Manifests.configMap("app-config", in: "c07", data: ["k": "v1"]),
                Manifests.secret("app-secret", in: "c07", stringData: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: "c07", annotations: [keys.auto: "true"],
                    containers: [.init(mounts: ["config", "secret"])],
                    volumes: [
                        Manifests.configMapVolume("app-config", volume: "config"),
                        Manifests.secretVolume("app-secret", volume: "secret"),
                    ]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c07", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c07") == 1)
        try await cluster.changeSecret("app-secret", in: "c07", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c07") == 2)
        #expect(
            try cluster.env("STAKATER_APP_SECRET_SECRET", of: .deployment, "web", in: "c07") == secretHash(["k": "v2"]))
    }

    @Test("C08 several ConfigMaps named in one list: a change to any one reloads")
    func c08() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c08",
            [
                Manifests.configMap("first", in: "c08", data: ["k": "v1"]),
                Manifests.configMap("second", in: "c08", data: ["k": "v1"]),
                Manifests.workload(.deployment, "web", in: "c08", annotations: [keys.configMapReload: "first, second"]),
            ])
        try await cluster.changeConfigMap("second", in: "c08", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c08") == 1)
        try await cluster.changeConfigMap("first", in: "c08", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c08") == 2)
    }

    @Test("C09 three sequential updates give three reloads (outside the coalesce window)")
    func c09() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c09",
            [
                Manifests.configMap("app-config", in: "c09", data: ["k": "v1"]),
                Manifests.workload(.deployment, "web", in: "c09", annotations: [keys.configMapReload: "app-config"]),
            ])
        for version in 2...4 {
            try await cluster.changeConfigMap("app-config", in: "c09", data: ["k": "v\(version)"])
            #expect(cluster.rolloutCount(.deployment, "web", in: "c09") == version - 1)
        }
        #expect(
            try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .deployment, "web", in: "c09")
                == configMapHash(["k": "v4"]))
    }

    @Test("C10 annotations only on the pod template reload; on both metadata and template, metadata wins")
    func c10() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c10",
            [
                Manifests.configMap("app-config", in: "c10", data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "listed", in: "c10", templateAnnotations: [keys.configMapReload: "app-config"]),
                Manifests.workload(
                    .deployment, "auto", in: "c10", templateAnnotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
                // Metadata says no; the template's yes is not read (metadata wins).
                Manifests.workload(
                    .deployment, "both", in: "c10", annotations: [keys.auto: "false"],
                    templateAnnotations: [keys.auto: "true"], containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
        try await cluster.changeConfigMap("app-config", in: "c10", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "listed", in: "c10") == 1)
        #expect(cluster.rolloutCount(.deployment, "auto", in: "c10") == 1)
        #expect(cluster.rolloutCount(.deployment, "both", in: "c10") == 0)
    }

    @Test("C11 NO reload when the template names a ConfigMap and a Secret changes")
    func c11() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp(
            "c11",
            [
                Manifests.configMap("app-config", in: "c11", data: ["k": "v1"]),
                Manifests.secret("app-config", in: "c11", stringData: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: "c11", templateAnnotations: [keys.configMapReload: "app-config"]),
            ])
        try await cluster.changeSecret("app-config", in: "c11", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c11") == 0)
    }
}
