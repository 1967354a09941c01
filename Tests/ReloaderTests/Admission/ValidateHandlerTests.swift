import Foundation
import Logging
import Synchronization
import Testing
import WebhookServer

@testable import Reloader

@Suite("POST /validate")
struct ValidateHandlerTests {
    let handler = ValidateHandler(logger: Logger(label: "reloader.test", factory: { _ in SwiftLogNoOpLogHandler() }))

    @Test("every fixture is allowed, echoing its uid", arguments: FixtureFiles.admissionReviews)
    func fixtureIsAllowed(name: String) throws {
        let response = handler.handle(Self.post(try FixtureFiles.bytes(name)))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let review = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(review["apiVersion"] as? String == "admission.k8s.io/v1")
        #expect(review["kind"] as? String == "AdmissionReview")
        let answer = try #require(review["response"] as? [String: Any])
        #expect(answer["uid"] as? String == (try FixtureFiles.requestUID(name)))
        #expect(answer["allowed"] as? Bool == true)
        #expect(Set(answer.keys) == ["uid", "allowed"])
    }

    @Test("every malformed body gets 400 with a JSON error", arguments: FixtureFiles.malformed)
    func malformedIsRejected(name: String) throws {
        let response = handler.handle(Self.post(try FixtureFiles.bytes(name, in: "malformed")))
        #expect(response.status == 400)
        let reason = try Self.errorReason(response)
        #expect(!reason.isEmpty)
        #expect(reason.count < 200, "the reason must not echo the body")
    }

    @Test("an empty body gets 400")
    func emptyBody() throws {
        let response = handler.handle(Self.post([]))
        #expect(response.status == 400)
        #expect(try Self.errorReason(response) == "request body is empty; expected an AdmissionReview")
    }

    @Test(
        "content types",
        arguments: [
            ("application/json", 200), ("application/json; charset=utf-8", 200), ("Application/JSON", 200),
            (nil, 200), ("text/plain", 415), ("application/x-www-form-urlencoded", 415), ("application/jsonx", 415),
        ] as [(String?, Int)])
    func contentType(value: String?, status: Int) throws {
        let response = handler.handle(Self.post(try FixtureFiles.bytes("configmap-update.json"), contentType: value))
        #expect(response.status == status)
        if status == 415 { #expect(try Self.errorReason(response) == "content-type must be application/json") }
    }

    @Test("routed, other methods get 405 and other paths 404")
    func routed() throws {
        var router = Router()
        router.add("POST", "/validate", handler)
        #expect(router.handle(Self.post(try FixtureFiles.bytes("secret-update.json"))).status == 200)
        let get = router.handle(HTTPRequest(method: "GET", path: "/validate"))
        #expect(get.status == 405)
        #expect(get.headers["allow"] == "POST")
        #expect(router.handle(Self.post([], path: "/nope")).status == 404)
    }

    @Test("a rejected review is logged at warning with the reason, never the body")
    func rejectionIsLogged() throws {
        let records = LogRecords()
        let handler = ValidateHandler(logger: Logger(label: "reloader.test", factory: { _ in records.handler() }))
        let body = Array(
            #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"","x":"s3cr3t"}}"#.utf8)
        #expect(handler.handle(Self.post(body)).status == 400)
        let logged = records.all
        #expect(logged.count == 1)
        #expect(logged.first?.level == .warning)
        #expect(logged.first?.metadata["reason"] == "request.uid is missing or empty")
        #expect(!logged.description.contains("s3cr3t"))
    }

    static func post(
        _ body: [UInt8], path: String = "/validate", contentType: String? = "application/json"
    )
        -> HTTPRequest
    {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "content-type", value: contentType) }
        return HTTPRequest(method: "POST", path: path, headers: headers, body: body)
    }

    static func errorReason(_ response: HTTPResponse) throws -> String {
        #expect(response.headers["content-type"] == "application/json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try #require(json["error"] as? String)
    }
}

/// Collects log records for one test.
final class LogRecords: Sendable {
    struct Record: Sendable, CustomStringConvertible {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        var description: String { "\(level) \(message) \(metadata)" }
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func handler() -> some LogHandler { Handler(sink: self) }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let sink: LogRecords
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append(
                Record(
                    level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
