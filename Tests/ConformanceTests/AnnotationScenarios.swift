import Reloader
import Testing

/// Contract §13, "Typed auto, combinations, exclude, search, ignore": C18–C30.
@Suite("conformance: annotations", .serialized)
struct AnnotationScenarios {
    let keys = AnnotationKeys()

    /// A namespace with ConfigMaps `app-config`, `other-config` and Secret `app-secret` (extra objects after them).
    private func start(
        _ namespace: String, _ objects: [JSONValue], configAnnotations: [String: String] = [:]
    )
        async throws -> Cluster
    {
        let cluster = try await Cluster.start()
        do {
            try await cluster.setUp(
                namespace,
                [
                    Manifests.configMap("app-config", in: namespace, data: ["k": "v1"], annotations: configAnnotations),
                    Manifests.configMap("other-config", in: namespace, data: ["k": "v1"]),
                    Manifests.secret(
                        "app-secret", in: namespace, stringData: ["k": "v1"], annotations: configAnnotations),
                ] + objects)
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    private let usesAll = [
        Manifests.Container(envFromConfigMaps: ["app-config", "other-config"], envFromSecrets: ["app-secret"])
    ]

    @Test("C18 configmap typed auto reloads on a ConfigMap, NO on a Secret")
    func c18() async throws {
        let cluster = try await start(
            "c18",
            [
                Manifests.workload(
                    .deployment, "web", in: "c18", annotations: [keys.configMapAuto: "true"], containers: usesAll)
            ])
        defer { cluster.stop() }
        try await cluster.changeSecret("app-secret", in: "c18", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c18") == 0)
        try await cluster.changeConfigMap("app-config", in: "c18", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c18") == 1)
    }

    @Test("C19 secret typed auto reloads on a Secret, NO on a ConfigMap")
    func c19() async throws {
        let cluster = try await start(
            "c19",
            [
                Manifests.workload(
                    .deployment, "web", in: "c19", annotations: [keys.secretAuto: "true"], containers: usesAll)
            ])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c19", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c19") == 0)
        try await cluster.changeSecret("app-secret", in: "c19", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c19") == 1)
    }

    @Test("C20 auto plus a named list: both the used and the listed config reload")
    func c20() async throws {
        let cluster = try await start(
            "c20",
            [
                Manifests.workload(
                    .deployment, "web", in: "c20",
                    annotations: [keys.auto: "true", keys.configMapReload: "other-config"],
                    containers: [.init(envFromConfigMaps: ["app-config"])])
            ])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c20", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c20") == 1)
        try await cluster.changeConfigMap("other-config", in: "c20", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c20") == 2)
    }

    @Test("C21 auto plus configmaps exclude: NO for the excluded one, reload for another")
    func c21() async throws {
        let cluster = try await start(
            "c21",
            [
                Manifests.workload(
                    .deployment, "web", in: "c21",
                    annotations: [keys.auto: "true", keys.configMapExclude: "app-config"],
                    containers: usesAll)
            ])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c21", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c21") == 0)
        try await cluster.changeConfigMap("other-config", in: "c21", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c21") == 1)
    }

    @Test("C22 auto plus secrets exclude: NO for the excluded Secret, reload for a ConfigMap")
    func c22() async throws {
        let cluster = try await start(
            "c22",
            [
                Manifests.workload(
                    .deployment, "web", in: "c22", annotations: [keys.auto: "true", keys.secretExclude: "app-secret"],
                    containers: usesAll)
            ])
        defer { cluster.stop() }
        try await cluster.changeSecret("app-secret", in: "c22", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c22") == 0)
        try await cluster.changeConfigMap("app-config", in: "c22", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c22") == 1)
    }

    @Test("C23 search + match reloads")
    func c23() async throws {
        let cluster = try await start(
            "c23",
            [
                Manifests.workload(
                    .deployment, "web", in: "c23", annotations: [keys.search: "true"], containers: usesAll)
            ],
            configAnnotations: [keys.match: "true"])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c23", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c23") == 1)
    }

    @Test("C24 search without match: NO")
    func c24() async throws {
        let cluster = try await start(
            "c24",
            [Manifests.workload(.deployment, "web", in: "c24", annotations: [keys.search: "true"], containers: usesAll)]
        )
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c24", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c24") == 0)
    }

    @Test("C25 match without search: NO")
    func c25() async throws {
        let cluster = try await start(
            "c25", [Manifests.workload(.deployment, "web", in: "c25", containers: usesAll)],
            configAnnotations: [keys.match: "true"])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c25", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c25") == 0)
    }

    @Test("C26 ignore: \"true\" on the ConfigMap: NO")
    func c26() async throws {
        let cluster = try await start(
            "c26",
            [Manifests.workload(.deployment, "web", in: "c26", annotations: [keys.auto: "true"], containers: usesAll)],
            configAnnotations: [keys.ignore: "true"])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c26", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c26") == 0)
    }

    @Test("C27 ignore: \"true\" on the Secret: NO")
    func c27() async throws {
        let cluster = try await start(
            "c27",
            [Manifests.workload(.deployment, "web", in: "c27", annotations: [keys.auto: "true"], containers: usesAll)],
            configAnnotations: [keys.ignore: "true"])
        defer { cluster.stop() }
        try await cluster.changeSecret("app-secret", in: "c27", stringData: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c27") == 0)
    }

    @Test("C28 regex list entry app-.* matches app-config")
    func c28() async throws {
        let cluster = try await start(
            "c28", [Manifests.workload(.deployment, "web", in: "c28", annotations: [keys.configMapReload: "app-.*"])])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c28", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c28") == 1)
    }

    @Test("C29 regex list entry app-.* does not match other-config")
    func c29() async throws {
        let cluster = try await start(
            "c29", [Manifests.workload(.deployment, "web", in: "c29", annotations: [keys.configMapReload: "app-.*"])])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("other-config", in: "c29", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c29") == 0)
    }

    @Test("C30 an invalid regex entry is skipped, the valid entries still work")
    func c30() async throws {
        let cluster = try await start(
            "c30",
            [
                Manifests.workload(
                    .deployment, "web", in: "c30", annotations: [keys.configMapReload: "app-(, other-config"])
            ])
        defer { cluster.stop() }
        try await cluster.changeConfigMap("app-config", in: "c30", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c30") == 0)
        try await cluster.changeConfigMap("other-config", in: "c30", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c30") == 1)
        #expect(cluster.reloader.stderr.contains("invalid reload annotation entry skipped"))
    }
}
