import Foundation
import Testing

@testable import Reloader

@Suite("AdmissionResponse encoding")
struct AdmissionResponseTests {
    @Test("the minimal answer has exactly uid and allowed")
    func minimal() throws {
        let uid = "705ab4f5-6393-11e8-b7cc-42010a800002"
        let bytes = AdmissionResponse(uid: uid).encodedReview()
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"\#(uid)","allowed":true}}"#
        )
        let response = try Self.response(bytes)
        #expect(response["uid"] as? String == uid)
        #expect(response["allowed"] as? Bool == true)
    }

    @Test("warnings and auditAnnotations are included when set, and strings are escaped")
    func optionalFields() throws {
        let answer = AdmissionResponse(
            uid: "quote\" back\\slash\n\u{1}é",
            warnings: ["will restart shop/web", "tab\there"],
            auditAnnotations: ["b": "2", "reloader.stakater.com/plan": "{\"workloads\":1}", "a": "1"])
        let response = try Self.response(answer.encodedReview())
        #expect(response["uid"] as? String == "quote\" back\\slash\n\u{1}é")
        #expect(response["warnings"] as? [String] == ["will restart shop/web", "tab\there"])
        #expect(
            response["auditAnnotations"] as? [String: String]
                == ["a": "1", "b": "2", "reloader.stakater.com/plan": "{\"workloads\":1}"])
        #expect(answer.encodedReview() == answer.encodedReview(), "same answer, same bytes")
    }

    @Test("allowed: false is encodable for callers that need it")
    func denied() throws {
        #expect(
            try Self.response(AdmissionResponse(uid: "u", allowed: false).encodedReview())["allowed"] as? Bool == false)
    }

    static func response(_ bytes: [UInt8]) throws -> [String: Any] {
        let review = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(review["apiVersion"] as? String == "admission.k8s.io/v1")
        #expect(review["kind"] as? String == "AdmissionReview")
        return try #require(review["response"] as? [String: Any])
    }
}
