import Foundation
import Testing

@testable import Reloader

@Suite("AdmissionReview decoding")
struct AdmissionReviewDecodingTests {
    @Test("the fixture directories hold every committed fixture")
    func fixtureListIsComplete() {
        #expect(FixtureFiles.admissionReviews.count == 15)
        #expect(FixtureFiles.malformed.count == 7)
    }

    @Test("every AdmissionReview fixture decodes with its uid", arguments: FixtureFiles.admissionReviews)
    func fixtureDecodes(name: String) throws {
        let review = try AdmissionReview.decode(try FixtureFiles.bytes(name))
        #expect(review.request.uid == (try FixtureFiles.requestUID(name)))
        #expect(review.request.uid.count == 36)
    }

    @Test("request fields are decoded with their API names")
    func configMapUpdate() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("configmap-update.json")).request
        #expect(request.operation == .update)
        #expect(request.kind == GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"))
        #expect(request.resource == GroupVersionResource(group: "", version: "v1", resource: "configmaps"))
        #expect(request.namespace == "shop")
        #expect(request.name == "app-config")
        #expect(request.subResource == nil)
        #expect(request.isDryRun == false)
        let object = try #require(request.object)
        let oldObject = try #require(request.oldObject)
        #expect(object.kind == "ConfigMap")
        #expect(object.metadata.name == "app-config")
        #expect(object.metadata.namespace == "shop")
        #expect(object.metadata.resourceVersion == "48211")
        #expect(object.metadata.uid != nil)
        #expect(object.data?.keys.sorted() == ["LOG_LEVEL", "app.yaml"])
        #expect(object.data?["LOG_LEVEL"] != oldObject.data?["LOG_LEVEL"])
    }

    @Test("CREATE has no oldObject and no resourceVersion yet")
    func create() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("configmap-create.json")).request
        #expect(request.operation == .create)
        #expect(request.oldObject == nil)
        #expect(request.object?.metadata.resourceVersion == nil)
        #expect(request.object?.data?["FLAGS"] != nil)
    }

    @Test("DELETE has a null object and the old one")
    func delete() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("configmap-delete.json")).request
        #expect(request.operation == .delete)
        #expect(request.object == nil)
        #expect(request.oldObject?.metadata.resourceVersion == "39120")
        #expect(request.oldObject?.metadata.labels == ["app.kubernetes.io/name": "shop"])
    }

    @Test("binaryData is decoded beside data")
    func binaryData() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("configmap-update-binarydata.json")).request
        #expect(request.object?.binaryData?.keys.sorted() == ["ca.der", "geo.bin"])
        #expect(request.object?.binaryData?["geo.bin"] != request.oldObject?.binaryData?["geo.bin"])
        #expect(request.object?.data == request.oldObject?.data)
    }

    @Test("request.dryRun is read")
    func dryRun() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("secret-update-dryrun.json")).request
        #expect(request.isDryRun)
        #expect(request.kind.kind == "Secret")
        #expect(request.object?.data?.keys.sorted() == ["API_TOKEN", "WEBHOOK_SECRET"])
    }

    @Test("workloads keep their annotations and have no data map")
    func deployment() throws {
        let request = try AdmissionReview.decode(try FixtureFiles.bytes("deployment-create.json")).request
        #expect(request.kind == GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
        #expect(request.object?.metadata.annotations?["reloader.stakater.com/auto"] == "true")
        #expect(request.object?.data == nil)
        // The spec is kept as a tree: workload reviews feed the reverse index from the pod template.
        #expect(request.object?.spec?[path: ["template", "spec", "containers"]]?.arrayValue?.count == 1)
        #expect(request.oldObject == nil)
    }

    /// What a malformed fixture must fail with; `notJSON` carries Foundation's message, so only its case is checked.
    enum ExpectedFailure: Sendable {
        case notJSON
        case exactly(AdmissionDecodingError)

        func matches(_ error: AdmissionDecodingError) -> Bool {
            switch (self, error) {
            case (.notJSON, .notJSON): true
            case (.exactly(let expected), _): error == expected
            default: false
            }
        }
    }

    @Test(
        "each malformed fixture fails with its own error",
        arguments: [
            ("not-json.txt", .notJSON),
            ("truncated.json", .notJSON),
            ("missing-request.json", .exactly(.missingRequest)),
            ("v1beta1.json", .exactly(.unsupportedAPIVersion("admission.k8s.io/v1beta1"))),
            ("wrong-kind.json", .exactly(.wrongKind("ConfigMap"))),
            ("huge-uid.json", .exactly(.uidTooLong(length: 102_400))),
            ("nested-deep.json", .exactly(.nestingTooDeep(limit: AdmissionReview.maximumNestingDepth))),
        ] as [(String, ExpectedFailure)])
    func malformedFixture(name: String, expected: ExpectedFailure) throws {
        let body = try FixtureFiles.bytes(name, in: "malformed")
        #expect(
            performing: { try AdmissionReview.decode(body) },
            throws: { error in
                guard let error = error as? AdmissionDecodingError else { return false }
                return expected.matches(error)
            })
    }

    @Test("reasons name the problem without echoing long input")
    func reasons() throws {
        #expect(
            AdmissionDecodingError.unsupportedAPIVersion("admission.k8s.io/v1beta1").description
                .contains("v1beta1 is not supported"))
        #expect(AdmissionDecodingError.uidTooLong(length: 102_400).description.contains("102400"))
        let long = AdmissionDecodingError.wrongKind(String(repeating: "k", count: 10_000)).description
        #expect(long.count < 120)
        let html = try FixtureFiles.bytes("not-json.txt", in: "malformed")
        do {
            _ = try AdmissionReview.decode(html)
            Issue.record("an HTML page decoded")
        } catch {
            // Foundation's message is kept, with the parser's position detail.
            #expect(
                error.description
                    == "body is not valid JSON: invalid value at byte 0")
        }
    }

    @Test(
        "envelope and field errors",
        arguments: [
            (#"[]"#, "AdmissionReview: expected an object"),
            (#"{"kind":"AdmissionReview"}"#, "apiVersion is missing; expected admission.k8s.io/v1"),
            (
                #"{"apiVersion":"v1","kind":"AdmissionReview"}"#,
                "apiVersion \"v1\" is not supported; expected admission.k8s.io/v1"
            ),
            (#"{"apiVersion":"admission.k8s.io/v1"}"#, "kind is missing; expected AdmissionReview"),
            (
                #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}"#,
                "AdmissionReview has no request"
            ),
            (
                #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}"#,
                "request.uid is missing or empty"
            ),
            (
                #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""}}"#,
                "request.uid is missing or empty"
            ),
            (
                #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}"#,
                "request.uid: expected a string"
            ),
            (
                #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u"}}"#,
                "request.kind: is missing"
            ),
        ])
    func envelopeErrors(body: String, reason: String) {
        #expect(
            performing: { try AdmissionReview.decode(Array(body.utf8)) },
            throws: { error in
                (error as? AdmissionDecodingError)?.description == reason
            })
    }

    @Test("an unknown operation names the field")
    func unknownOperation() {
        let body = Self.review(request: #"{"uid":"u",\#(Self.configMapKinds),"operation":"PATCH"}"#)
        #expect(
            performing: { try AdmissionReview.decode(body) },
            throws: { error in
                guard case .invalidField(let path, _)? = error as? AdmissionDecodingError else { return false }
                return path == "request.operation"
            })
    }

    @Test("a ConfigMap data value that is not a string names its key")
    func nonStringData() {
        let body = Self.review(
            request:
                #"{"uid":"u",\#(Self.configMapKinds),"operation":"CREATE","object":{"kind":"ConfigMap","data":{"a":1}}}"#
        )
        #expect(
            performing: { try AdmissionReview.decode(body) },
            throws: { error in
                (error as? AdmissionDecodingError)
                    == .invalidField(path: "request.object.data.a", reason: "expected a string")
            })
    }

    @Test("unknown fields are ignored and a minimal request decodes")
    func minimalRequest() throws {
        let body = Self.review(
            request: #"{"uid":"u","future":{"x":[1,2]},\#(Self.configMapKinds),"operation":"CONNECT","object":null}"#)
        let request = try AdmissionReview.decode(body).request
        #expect(request.operation == .connect)
        #expect(request.object == nil && request.oldObject == nil && request.name == nil)
    }

    @Test("a uid of exactly 256 characters is accepted, 257 is not")
    func uidLimit() throws {
        let kinds = Self.configMapKinds
        let ok = String(repeating: "u", count: 256)
        let body = Self.review(request: #"{"uid":"\#(ok)",\#(kinds),"operation":"UPDATE"}"#)
        #expect(try AdmissionReview.decode(body).request.uid == ok)
        let tooLong = Self.review(request: #"{"uid":"\#(ok)u",\#(kinds),"operation":"UPDATE"}"#)
        #expect(throws: AdmissionDecodingError.uidTooLong(length: 257)) { try AdmissionReview.decode(tooLong) }
    }

    @Test("other kinds' data fields are skipped, whatever their shape")
    func otherKindsData() throws {
        let body = Self.review(
            request:
                #"{"uid":"u",\#(Self.configMapKinds),"operation":"CREATE","object":{"kind":"ControllerRevision","data":{"spec":{}}}}"#
        )
        #expect(try AdmissionReview.decode(body).request.object?.data == nil)
    }

    static let configMapKinds =
        #""kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"}"#

    static func review(request: String) -> [UInt8] {
        Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":\#(request)}"#.utf8)
    }
}
