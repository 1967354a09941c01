import Foundation
import Testing
import WebhookServer

@testable import Reloader

/// `POST /validate` with an `AdmissionEngine`: the answer is the engine's, and `X-Reloader-DryRun` asks for the plan.
@Suite("Admission through POST /validate")
struct AdmissionValidateHandlerTests {
    typealias F = EngineFixtures

    static func router(_ sink: RecordingSink) -> Router {
        let engine = F.engine(F.store([F.deployment("web")]), sink: sink)
        var router = Router()
        router.add("POST", "/validate", ValidateHandler(logger: F.logger, engine: engine))
        return router
    }

    static func post(dryRun: String?) throws -> HTTPRequest {
        var request = ValidateHandlerTests.post(try FixtureFiles.bytes("configmap-update.json"))
        if let dryRun { request.headers.add(name: "X-Reloader-DryRun", value: dryRun) }
        return request
    }

    static func answer(_ response: HTTPResponse) throws -> [String: Any] {
        #expect(response.status == 200)
        let review = try #require(
            try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try #require(review["response"] as? [String: Any])
    }

    @Test(
        "X-Reloader-DryRun: true answers with the plan and enqueues nothing",
        arguments: ["true", "TRUE", " True "])
    func dryRunHeader(value: String) throws {
        let sink = RecordingSink()
        let answer = try Self.answer(Self.router(sink).handle(try Self.post(dryRun: value)))
        let line = "reloader: would reload Deployment shop/web (configmap app-config changed)"
        #expect(answer["allowed"] as? Bool == true)
        #expect(answer["uid"] as? String == (try FixtureFiles.requestUID("configmap-update.json")))
        #expect(answer["warnings"] as? [String] == [line])
        #expect(answer["auditAnnotations"] as? [String: String] == ["reloader.stakater.com/plan": line])
        #expect(sink.all.isEmpty)
    }

    @Test(
        "without the header (or with another value) the reload is enqueued and the answer is bare",
        arguments: [nil, "false", "yes"])
    func normal(value: String?) throws {
        let sink = RecordingSink()
        let answer = try Self.answer(Self.router(sink).handle(try Self.post(dryRun: value)))
        #expect(Set(answer.keys) == ["uid", "allowed"])
        #expect(answer["allowed"] as? Bool == true)
        #expect(sink.all.map(\.workload) == [F.web()])
    }

    @Test("with an engine, bad bodies still get 400 and bad content types 415")
    func errorsUnchanged() throws {
        let router = Self.router(RecordingSink())
        #expect(router.handle(ValidateHandlerTests.post(Array("{".utf8))).status == 400)
        let response = router.handle(
            ValidateHandlerTests.post(
                try FixtureFiles.bytes("configmap-update.json"), contentType: "text/plain"))
        #expect(response.status == 415)
    }
}
