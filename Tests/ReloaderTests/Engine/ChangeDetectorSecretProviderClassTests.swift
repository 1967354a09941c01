import Testing

@testable import Reloader

/// `ChangeDetector` with `--enable-csi-integration`: a SecretProviderClassPodStatus review is a change of the
/// SecretProviderClass its status names, hashed from the statuses (contract §3), confirmed on the reviewed object.
@Suite("ChangeDetector: SecretProviderClassPodStatus")
struct ChangeDetectorSecretProviderClassTests {
    static let csi: PolicyOptions = {
        var options = PolicyOptions()
        options.isCSIIntegrationEnabled = true
        return options
    }()

    static func status(_ versions: [String: String], className: String? = "my-spc") -> JSONValue {
        var status: JSONValue = [
            "objects": .array(
                versions.sorted { $0.key < $1.key }.map { ["id": .string($0.key), "version": .string($0.value)] })
        ]
        if let className { status["secretProviderClassName"] = .string(className) }
        return status
    }

    static func object(
        _ status: JSONValue?, labels: [String: String] = [:], annotations: [String: String] = [:]
    ) -> KubeObject {
        KubeObject(
            apiVersion: "secrets-store.csi.x-k8s.io/v1", kind: KubeObject.secretProviderClassPodStatusKind,
            metadata: ObjectMeta(name: "web-pod-ns-my-spc", namespace: "ns", labels: labels, annotations: annotations),
            status: status)
    }

    static func request(
        _ operation: AdmissionOperation, old: KubeObject?, new: KubeObject?,
        group: String = ChangeDetector.secretsStoreGroup
    ) -> AdmissionRequest {
        AdmissionRequest(
            uid: "u", kind: GroupVersionKind(group: group, version: "v1", kind: "SecretProviderClassPodStatus"),
            resource: GroupVersionResource(group: group, version: "v1", resource: "secretproviderclasspodstatuses"),
            name: "web-pod-ns-my-spc", namespace: "ns", operation: operation, object: new, oldObject: old)
    }

    /// An UPDATE from version 1 to 2 of `secret/db`.
    static let versionChange = request(
        .update, old: object(status(["secret/db": "1"])), new: object(status(["secret/db": "2"])))

    @Test("a version change is a change of the class the status names, with the statuses' hashes")
    func versionChange() throws {
        guard case .change(let change) = ChangeDetector.detect(Self.versionChange, options: Self.csi) else {
            Issue.record("expected a change")
            return
        }
        #expect(change.config == ConfigRef(kind: .secretProviderClass, namespace: "ns", name: "my-spc"))
        #expect(change.sourceName == "web-pod-ns-my-spc")
        #expect(change.operation == .update)
        // Contract §3, spelt out: `<id>=<version>` items plus `SecretProviderClassName=<name>`, sorted, `;`, SHA-1.
        #expect(change.oldHash == SHA1.hexDigest(Array("SecretProviderClassName=my-spc;secret/db=1".utf8)))
        #expect(change.newHash == SHA1.hexDigest(Array("SecretProviderClassName=my-spc;secret/db=2".utf8)))
        #expect(change.hashToWrite == change.newHash)
    }

    @Test("without --enable-csi-integration the review is not a config review")
    func disabled() {
        #expect(ChangeDetector.detect(Self.versionChange, options: PolicyOptions()) == .skip(.notAConfig))
        #expect(ChangeDetector.configKind(of: Self.versionChange, options: PolicyOptions()) == nil)
        #expect(ChangeDetector.configKind(of: Self.versionChange, options: Self.csi) == .secretProviderClass)
    }

    @Test(
        "what is not a version change of a SecretProviderClassPodStatus reloads nothing",
        arguments: [
            // Labels and annotations only: the same statuses.
            (
                request(
                    .update, old: object(status(["secret/db": "1"])),
                    new: object(status(["secret/db": "1"]), labels: ["a": "b"], annotations: ["c": "d"])),
                ChangeDetector.Skip.noDataChange
            ),
            // The pod mounted the class, or went away: pod churn, even with --reload-on-create/--reload-on-delete.
            (request(.create, old: nil, new: object(status(["secret/db": "1"]))), .operationNotEnabled),
            (request(.delete, old: object(status(["secret/db": "1"])), new: nil), .operationNotEnabled),
            // The same kind in another group.
            (
                request(
                    .update, old: object(status(["secret/db": "1"])), new: object(status(["secret/db": "2"])),
                    group: "example.com"), .notAConfig
            ),
            (
                request(
                    .update, old: object(status(["secret/db": "1"])),
                    new: object(status(["secret/db": "2"], className: nil))),
                .unreadable("SecretProviderClassPodStatus without status.secretProviderClassName")
            ),
            (
                request(.update, old: object(["objects": "x"]), new: object(status(["secret/db": "2"]))),
                .unreadable("SecretProviderClassPodStatus: status.objects is not a list")
            ),
            (
                request(
                    .update, old: object(status(["secret/db": "1"])),
                    new: object(status(["secret/db": "2"]), annotations: ["reloader.stakater.com/ignore": "true"])),
                .configIgnored
            ),
        ])
    func skipped(request: AdmissionRequest, reason: ChangeDetector.Skip) {
        var options = Self.csi
        options.reloadOnCreate = true
        options.reloadOnDelete = true
        #expect(ChangeDetector.detect(request, options: options) == .skip(reason))
    }

    @Test("filters read the SecretProviderClassPodStatus's namespace and labels")
    func filters() throws {
        var filter = ConfigFilter()
        filter.namespacesToIgnore = ["ns"]
        #expect(ChangeDetector.detect(Self.versionChange, options: Self.csi, filter: filter) == .skip(.filtered))
        filter = ConfigFilter()
        filter.resourceLabelSelector = try LabelSelector(entries: ["reloader=enabled"])
        #expect(ChangeDetector.detect(Self.versionChange, options: Self.csi, filter: filter) == .skip(.filtered))
        let labelled = Self.request(
            .update, old: Self.object(Self.status(["secret/db": "1"])),
            new: Self.object(Self.status(["secret/db": "2"]), labels: ["reloader": "enabled"]))
        guard case .change = ChangeDetector.detect(labelled, options: Self.csi, filter: filter) else {
            Issue.record("a labelled SecretProviderClassPodStatus is admitted")
            return
        }
    }

    @Test("the decoded fixture gives the class vault-db and the object's own name as source")
    func fixture() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("spcps-update.json")).request
        guard case .change(let change) = ChangeDetector.detect(request, options: Self.csi) else {
            Issue.record("expected a change")
            return
        }
        #expect(change.config == ConfigRef(kind: .secretProviderClass, namespace: "shop", name: "vault-db"))
        #expect(change.sourceName == "web-7d9c5b6f4-x2kqp-shop-vault-db")
        #expect(
            change.newHash
                == SHA1.hexDigest(Array("SecretProviderClassName=vault-db;secret/db-password=3;secret/db-user=1".utf8)))
    }
}
