import Testing

@testable import Reloader

/// `KubeObject.status`: a SecretProviderClassPodStatus keeps exactly the part of `status` its content hash reads
/// (contract §3), wherever `kind` comes in the object; every other kind's status stays unread.
@Suite("AdmissionReview decoding: SecretProviderClassPodStatus status")
struct KubeObjectPodStatusTests {
    /// An UPDATE review whose object has `status` (as JSON text) before or after its `kind`.
    static func review(
        kind: String = KubeObject.secretProviderClassPodStatusKind, status: String?, statusFirst: Bool
    ) -> String {
        let statusMember = status.map { #""status": \#($0)"# }
        let members = [
            #""apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "\#(kind)""#, #""metadata": {"name": "p"}"#,
        ]
        let object =
            "{"
            + ((statusFirst ? [statusMember] : []) + members + (statusFirst ? [] : [statusMember]))
            .compactMap { $0 }.joined(separator: ", ") + "}"
        return #"""
            {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
              "uid": "u-1", "operation": "UPDATE", "name": "p", "namespace": "shop",
              "kind": {"group": "secrets-store.csi.x-k8s.io", "version": "v1", "kind": "\#(kind)"},
              "resource": {"group": "secrets-store.csi.x-k8s.io", "version": "v1", "resource": "x"},
              "object": \#(object), "oldObject": \#(object)}}
            """#
    }

    static func decodedObject(_ text: String) throws -> KubeObject {
        try #require(try AdmissionReview.decode(Array(text.utf8)).request.object)
    }

    @Test("the fixture keeps secretProviderClassName and each object's id and version, nothing else")
    func fixture() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("spcps-update.json")).request
        let expected: (String) -> JSONValue = { version in
            [
                "secretProviderClassName": "vault-db",
                "objects": [
                    ["id": "secret/db-password", "version": .string(version)],
                    ["id": "secret/db-user", "version": "1"],
                ],
            ]
        }
        #expect(request.object?.status == expected("3"))
        // The old object has `status` before `kind`: read once the kind is known.
        #expect(request.oldObject?.status == expected("2"))
        #expect(request.object?.metadata.labels?["internal.secrets-store.csi.k8s.io/node-name"] == "worker-2")
    }

    @Test("other kinds' status is never materialised", arguments: [false, true])
    func otherKinds(statusFirst: Bool) throws {
        let status = #"{"secretProviderClassName": "x", "objects": [{"id": "a", "version": "1"}]}"#
        for kind in ["Deployment", "ConfigMap", "SecretProviderClass"] {
            let object = try Self.decodedObject(Self.review(kind: kind, status: status, statusFirst: statusFirst))
            #expect(object.status == nil, "\(kind)")
        }
        let deployment = try AdmissionReview.decode(try FixtureFiles.bytes("deployment-update.json")).request
        #expect(deployment.object?.status == nil && deployment.oldObject?.status == nil)
    }

    @Test(
        "the kept status hashes exactly as the whole status does (what KubeConfigReader hashes)",
        arguments: [
            #"{"podName": "p", "mounted": true, "secretProviderClassName": "c", "objects": [{"id": "a", "version": "2", "extra": {"x": [1]}}, {"version": "1", "id": "b"}]}"#,
            #"{"secretProviderClassName": "c"}"#,
            #"{"secretProviderClassName": "c", "objects": null}"#,
            #"{"secretProviderClassName": "c", "objects": []}"#,
            #"{"secretProviderClassName": 7, "objects": [{"id": 1, "version": null}]}"#,
            #"{"secretProviderClassName": "c", "objects": "not a list"}"#,
            #"{"secretProviderClassName": "c", "objects": [{"id": "a", "version": "1"}, "not an object"]}"#,
            #"{"objects": [{"id": "a", "version": "1"}], "objects": [{"id": "b", "version": "1"}]}"#,
            "null", #""a string""#, "[]",
        ])
    func hashAgrees(status: String) throws {
        let whole = try JSONValue.parse(status)
        let reference = Result { () throws(ContentHash.Failure) in
            try ContentHash.secretProviderClassPodStatus(status: whole)
        }
        for statusFirst in [false, true] {
            let kept = try Self.decodedObject(Self.review(status: status, statusFirst: statusFirst)).status
            let hash = Result { () throws(ContentHash.Failure) in
                try ContentHash.secretProviderClassPodStatus(status: kept)
            }
            #expect(hash == reference, "statusFirst: \(statusFirst)")
        }
    }

    @Test("no status at all is nil, and hashes as an empty status")
    func absent() throws {
        let object = try Self.decodedObject(Self.review(status: nil, statusFirst: false))
        #expect(object.status == nil)
        #expect(
            try ContentHash.secretProviderClassPodStatus(status: object.status)
                == ContentHash.secretProviderClassPodStatus(objects: [], secretProviderClassName: ""))
    }

    @Test("invalid JSON inside a skipped status is still refused")
    func invalidStatus() {
        let text = Self.review(status: #"{"objects": [01]}"#, statusFirst: true)
        #expect(throws: AdmissionDecodingError.self) { try AdmissionReview.decode(Array(text.utf8)) }
    }
}
