import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct PodTemplateUsageTests {
        typealias F = PolicyFixtures
        typealias Ref = PodTemplateUsage.Reference

        struct Case: Sendable, CustomTestStringConvertible {
            var testDescription: String
            var template: JSONValue
            var reference: Ref
            var container: Int?
        }

        static let cases: [Case] = [
            Case(
                testDescription: "C12 env valueFrom configMapKeyRef",
                template: F.template(containers: [F.container("web", env: [F.configMapKeyRef("app-config")])]),
                reference: Ref(.configMap, "app-config"), container: 0),
            Case(
                testDescription: "C13 env valueFrom secretKeyRef",
                template: F.template(containers: [F.container("web", env: [F.secretKeyRef("db")])]),
                reference: Ref(.secret, "db"), container: 0),
            Case(
                testDescription: "C14 ConfigMap in a projected volume",
                template: F.template(
                    containers: [F.container("web", mounts: ["all"])],
                    volumes: [["name": "all", "projected": ["sources": [["configMap": ["name": "app-config"]]]]]]),
                reference: Ref(.configMap, "app-config"), container: 0),
            Case(
                testDescription: "C15 Secret in a projected volume",
                template: F.template(
                    containers: [F.container("web", mounts: ["all"])],
                    volumes: [["name": "all", "projected": ["sources": [["secret": ["name": "db"]]]]]]),
                reference: Ref(.secret, "db"), container: 0),
            Case(
                testDescription: "C16 init container envFrom maps to containers[0]",
                template: F.template(
                    containers: [F.container("web"), F.container("side")],
                    initContainers: [F.container("init", envFrom: [F.configMapRef("app-config")])]),
                reference: Ref(.configMap, "app-config"), container: 0),
            Case(
                testDescription: "C17 init container volumeMount maps to containers[0]",
                template: F.template(
                    containers: [F.container("web"), F.container("side")],
                    initContainers: [F.container("init", mounts: ["cfg"])],
                    volumes: [F.configMapVolume("cfg", "app-config")]),
                reference: Ref(.configMap, "app-config"), container: 0),
            Case(
                testDescription: "C40 multi-container: the container that mounts the ConfigMap",
                template: F.template(
                    containers: [F.container("web"), F.container("side", mounts: ["cfg"])],
                    volumes: [F.configMapVolume("cfg", "app-config")]),
                reference: Ref(.configMap, "app-config"), container: 1),
            Case(
                testDescription: "C40 multi-container: the container that uses the Secret through envFrom",
                template: F.template(containers: [
                    F.container("web"), F.container("worker", envFrom: [F.secretRef("db")]),
                ]),
                reference: Ref(.secret, "db"), container: 1),
            Case(
                testDescription: "C07 volume-mounted Secret",
                template: F.template(
                    containers: [F.container("web", mounts: ["s"])], volumes: [F.secretVolume("s", "db")]),
                reference: Ref(.secret, "db"), container: 0),
            Case(
                testDescription: "volumes come before env: the mounting container wins over an earlier env user",
                template: F.template(
                    containers: [
                        F.container("a", envFrom: [F.configMapRef("app-config")]), F.container("b", mounts: ["cfg"]),
                    ],
                    volumes: [F.configMapVolume("cfg", "app-config")]),
                reference: Ref(.configMap, "app-config"), container: 1),
            Case(
                testDescription: "a volume no container mounts falls through to env",
                template: F.template(
                    containers: [F.container("a"), F.container("b", env: [F.configMapKeyRef("app-config")])],
                    volumes: [F.configMapVolume("cfg", "app-config")]),
                reference: Ref(.configMap, "app-config"), container: 1),
            Case(
                testDescription: "regular containers before init containers for env",
                template: F.template(
                    containers: [F.container("a"), F.container("b", envFrom: [F.configMapRef("app-config")])],
                    initContainers: [F.container("init", envFrom: [F.configMapRef("app-config")])]),
                reference: Ref(.configMap, "app-config"), container: 1),
            Case(
                testDescription: "CSI secretProviderClass volume",
                template: F.template(
                    containers: [F.container("web", mounts: ["vault"])],
                    volumes: [
                        [
                            "name": "vault",
                            "csi": [
                                "driver": "secrets-store.csi.k8s.io",
                                "volumeAttributes": ["secretProviderClass": "vault-db"],
                            ],
                        ]
                    ]),
                reference: Ref(.secretProviderClass, "vault-db"), container: 0),
            Case(
                testDescription: "C11 a template naming a ConfigMap does not use a Secret of the same name",
                template: F.template(containers: [F.container("web", envFrom: [F.configMapRef("app-config")])]),
                reference: Ref(.secret, "app-config"), container: nil),
            Case(
                testDescription: "imagePullSecrets do not count",
                template: ["spec": ["containers": [F.container("web")], "imagePullSecrets": [["name": "regcred"]]]],
                reference: Ref(.secret, "regcred"), container: nil),
            Case(
                testDescription: "ephemeral containers do not count",
                template: [
                    "spec": [
                        "containers": [F.container("web")],
                        "ephemeralContainers": [F.container("debug", envFrom: [F.secretRef("db")])],
                    ]
                ],
                reference: Ref(.secret, "db"), container: nil),
            Case(
                testDescription: "init-only use without regular containers gives no container",
                template: ["spec": ["initContainers": [F.container("init", envFrom: [F.secretRef("db")])]]],
                reference: Ref(.secret, "db"), container: nil),
        ]

        @Test("the container that receives the env var follows contract §4", arguments: cases)
        func containerSelection(testCase: Case) {
            let usage = PodTemplateUsage(podTemplate: testCase.template)
            #expect(usage.containerIndex(using: testCase.reference) == testCase.container)
        }

        @Test("STAKATER_* env vars are recorded with their index and value")
        func reloaderEnvRecorded() {
            let template = F.template(containers: [
                F.container(
                    "web",
                    env: [["name": "A", "value": "1"], ["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": "abc"]])
            ])
            let usage = PodTemplateUsage(podTemplate: template)
            #expect(
                usage.containers[0].reloaderEnv == [
                    .init(name: "STAKATER_APP_CONFIG_CONFIGMAP", value: "abc", index: 1)
                ])
        }

        @Test("references lists every config the template uses")
        func allReferences() {
            let template = F.template(
                containers: [
                    F.container("web", env: [F.secretKeyRef("db")], envFrom: [F.configMapRef("a")], mounts: ["v"])
                ],
                initContainers: [F.container("init", envFrom: [F.secretRef("tls")])],
                volumes: [F.configMapVolume("v", "b")])
            #expect(
                PodTemplateUsage(podTemplate: template).references == [
                    Ref(.secret, "db"), Ref(.configMap, "a"), Ref(.configMap, "b"), Ref(.secret, "tls"),
                ])
        }
    }
}
