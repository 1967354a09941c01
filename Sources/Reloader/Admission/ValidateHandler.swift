public import Logging
public import WebhookServer

/// Answers `POST /validate`: decodes the AdmissionReview and always allows it. Bad bodies get a 400 with the
/// reason (never a denial: a malformed review is the caller's bug, not a write we object to). Stateless and
/// immutable, so it is safe on any event-loop thread.
public struct ValidateHandler: HTTPHandler {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if let contentType = request.headers["content-type"], !Self.isJSON(contentType) {
            logger.warning(
                "admission review rejected",
                metadata: ["reason": "unsupported content type", "http.content_type": "\(contentType.prefix(64))"])
            return .error(415, "content-type must be application/json")
        }
        let review: AdmissionReview
        do {
            review = try AdmissionReview.decode(request.body)
        } catch {
            // The reason names fields and bounded slices of values only; the body may hold Secret data.
            logger.warning(
                "admission review rejected",
                metadata: ["reason": "\(error.description)", "http.body_bytes": "\(request.body.count)"])
            return .error(400, error.description)
        }
        let admission = review.request
        logger.debug(
            "admission review allowed",
            metadata: [
                "k8s.uid": "\(admission.uid)", "k8s.operation": "\(admission.operation.rawValue)",
                "k8s.kind": "\(admission.kind.kind)", "k8s.namespace": "\(admission.namespace ?? "")",
                "k8s.name": "\(admission.name ?? "")", "k8s.dry_run": "\(admission.isDryRun)",
            ])
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(
            status: 200, headers: headers, body: AdmissionResponse(uid: admission.uid).encodedReview())
    }

    /// `application/json`, in any case, with or without parameters (RFC 9110 §8.3.1). Pure Swift on purpose:
    /// Foundation's trimming bridges through NSString and showed up at 5% of a request's CPU.
    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }
        let mediaType = contentType.utf8.prefix(while: { $0 != UInt8(ascii: ";") })
            .drop(while: { $0 == 0x20 || $0 == 0x09 })
        let trimmed = mediaType.reversed().drop(while: { $0 == 0x20 || $0 == 0x09 }).reversed()
        let expected = "application/json".utf8
        return trimmed.count == expected.count
            && zip(trimmed, expected).allSatisfy { ($0 | 0x20) == $1 || $0 == $1 }
    }
}
