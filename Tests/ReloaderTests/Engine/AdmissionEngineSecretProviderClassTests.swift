import Testing

@testable import Reloader

/// `AdmissionEngine` with `--enable-csi-integration`: a SecretProviderClassPodStatus review reloads the workloads
/// that mount its SecretProviderClass (auto) or name it (`secretproviderclass.reloader.stakater.com/reload`).
@Suite("Admission engine: SecretProviderClassPodStatus")
struct AdmissionEngineSecretProviderClassTests {
    typealias F = EngineFixtures

    /// A Deployment whose container `app` mounts a CSI volume of SecretProviderClass `className` (none when nil).
    static func deployment(_ name: String, annotations: [String: String], className: String?) -> JSONValue {
        let volumes: [JSONValue] =
            className.map {
                [
                    [
                        "name": "secrets",
                        "csi": [
                            "driver": "secrets-store.csi.k8s.io",
                            "volumeAttributes": ["secretProviderClass": .string($0)],
                        ],
                    ]
                ]
            } ?? []
        let containers = [
            PolicyFixtures.container("sidecar"),
            PolicyFixtures.container("app", mounts: className == nil ? [] : ["secrets"]),
        ]
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": .string(name), "namespace": "shop", "uid": .string("uid-\(name)"), "resourceVersion": "1",
                "annotations": .from(annotations),
            ],
            "spec": ["template": PolicyFixtures.template(containers: containers, volumes: volumes)],
        ]
    }

    static func store() -> IndexStore {
        F.store([
            deployment("mounts", annotations: F.auto, className: "vault-db"),
            deployment(
                "names", annotations: ["secretproviderclass.reloader.stakater.com/reload": "vault-db"], className: nil),
            deployment("auto-without-use", annotations: F.auto, className: nil),
            deployment("mounts-other", annotations: F.auto, className: "other"),
        ])
    }

    @Test("the mounting (auto) and the naming workload are planned, with the reviewed object as source")
    func plans() throws {
        var policy = PolicyOptions()
        policy.isCSIIntegrationEnabled = true
        let sink = RecordingSink()
        let review = try F.review("spcps-update.json")
        let response = F.engine(Self.store(), sink: sink, policy: policy).review(review, dryRunHeader: false)
        #expect(response.allowed)
        let config = ConfigRef(kind: .secretProviderClass, namespace: "shop", name: "vault-db")
        let hash = try ContentHash.secretProviderClassPodStatus(status: review.request.object?.status)
        let source = "web-7d9c5b6f4-x2kqp-shop-vault-db"
        #expect(
            sink.all == [
                PlannedReload(
                    workload: WorkloadRef(kind: .deployment, namespace: "shop", name: "mounts"), config: config,
                    hash: hash, trigger: .auto, container: 1, operation: .update, sourceName: source),
                PlannedReload(
                    workload: WorkloadRef(kind: .deployment, namespace: "shop", name: "names"), config: config,
                    hash: hash, trigger: .named, container: 0, operation: .update, sourceName: source),
            ])
        #expect(sink.all.first?.confirmationKey == ConfirmationKey(config: config, hash: hash, sourceName: source))
        #expect(
            EnvVarName.forConfig(named: "vault-db", kind: .secretProviderClass)
                == "STAKATER_VAULT_DB_SECRETPROVIDERCLASS")
    }

    @Test("without --enable-csi-integration nothing is planned and the answer is still allowed")
    func disabled() throws {
        let sink = RecordingSink()
        let review = try F.review("spcps-update.json")
        let engine = F.engine(Self.store(), sink: sink)
        #expect(engine.review(review, dryRunHeader: true) == AdmissionResponse(uid: review.request.uid))
        #expect(engine.plan(review.request).isEmpty)
        #expect(sink.all.isEmpty)
    }
}
