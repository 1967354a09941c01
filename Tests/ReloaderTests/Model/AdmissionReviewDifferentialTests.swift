import Foundation
import Testing

@testable import Reloader

/// The hand-written decoder against Foundation's JSONSerialization on every fixture: each field reloader reads must
/// come out the same.
@Suite("AdmissionReview decoding agrees with JSONSerialization")
struct AdmissionReviewDifferentialTests {
    @Test("every field reloader reads matches the reference parse", arguments: FixtureFiles.admissionReviews)
    func agrees(name: String) throws {
        let bytes = try FixtureFiles.bytes(name)
        let review = try AdmissionReview.decode(bytes)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let request = try #require(json["request"] as? [String: Any])
        let decoded = review.request
        #expect(decoded.uid == request["uid"] as? String)
        #expect(decoded.operation.rawValue == request["operation"] as? String)
        #expect(decoded.name == request["name"] as? String)
        #expect(decoded.namespace == request["namespace"] as? String)
        #expect(decoded.dryRun == request["dryRun"] as? Bool)
        let kind = try #require(request["kind"] as? [String: Any])
        #expect(decoded.kind.kind == kind["kind"] as? String)
        #expect(decoded.kind.group == (kind["group"] as? String ?? ""))
        let resource = try #require(request["resource"] as? [String: Any])
        #expect(decoded.resource.resource == resource["resource"] as? String)
        for (object, reference) in [(decoded.object, request["object"]), (decoded.oldObject, request["oldObject"])] {
            let reference = reference as? [String: Any]
            #expect((object == nil) == (reference == nil))
            guard let object, let reference else { continue }
            let metadata = reference["metadata"] as? [String: Any] ?? [:]
            #expect(object.kind == reference["kind"] as? String)
            #expect(object.metadata.name == metadata["name"] as? String)
            #expect(object.metadata.namespace == metadata["namespace"] as? String)
            #expect(object.metadata.resourceVersion == metadata["resourceVersion"] as? String)
            #expect(object.metadata.uid == metadata["uid"] as? String)
            #expect(object.metadata.labels == metadata["labels"] as? [String: String])
            #expect(object.metadata.annotations == metadata["annotations"] as? [String: String])
            if object.kind == "ConfigMap" || object.kind == "Secret" {
                #expect(object.data == reference["data"] as? [String: String])
                #expect(object.binaryData == reference["binaryData"] as? [String: String])
            }
            if object.kind == KubeObject.secretProviderClassPodStatusKind {
                let status = reference["status"] as? [String: Any] ?? [:]
                let objects = (status["objects"] as? [[String: Any]] ?? []).map {
                    (id: $0["id"] as? String ?? "", version: $0["version"] as? String ?? "")
                }
                #expect(
                    try ContentHash.secretProviderClassPodStatus(status: object.status)
                        == ContentHash.secretProviderClassPodStatus(
                            objects: objects,
                            secretProviderClassName: status["secretProviderClassName"] as? String ?? ""))
            } else {
                #expect(object.status == nil, "status is read for SecretProviderClassPodStatus objects only")
            }
        }
    }
}
