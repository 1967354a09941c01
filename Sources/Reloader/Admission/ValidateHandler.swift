public import Logging
public import WebhookServer

/// Answers `POST /validate`: decodes the AdmissionReview and always allows it. Bad bodies get a 400 with the
/// reason (never a denial: a malformed review is the caller's bug, not a write we object to). With an engine,
/// the answer is the engine's (the dry-run plan as warnings, when asked for); `X-Reloader-DryRun: true` (value
/// in any case) asks for the plan and enqueues nothing (contract §12). Counts each review by operation and result,
/// with the time to decode and decide it (not the HTTP framing, which `ServerMetrics` times). Immutable, so it is
/// safe on any event-loop thread.
public struct ValidateHandler: HTTPHandler {
    /// The request header that turns one review into a dry run.
    public static let dryRunHeader = "x-reloader-dryrun"

    private let logger: Logger
    private let engine: AdmissionEngine?
    private let metrics: any ReloaderMetricsRecorder

    public init(
        logger: Logger, engine: AdmissionEngine? = nil, metrics: any ReloaderMetricsRecorder = NoReloaderMetrics()
    ) {
        self.logger = logger
        self.engine = engine
        self.metrics = metrics
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let clock = ContinuousClock()
        let started = clock.now
        let review: AdmissionReview
        switch decode(request) {
        case .success(let decoded): review = decoded
        case .failure(let refusal):
            metrics.error(.admissionRejected)
            metrics.admissionReviewed(.unknown, .rejected, duration: started.duration(to: clock.now))
            return refusal.response
        }
        let admission = review.request
        logger.debug(
            "admission review allowed",
            metadata: [
                "k8s.uid": "\(admission.uid)", "k8s.operation": "\(admission.operation.rawValue)",
                "k8s.kind": "\(admission.kind.kind)", "k8s.namespace": "\(admission.namespace ?? "")",
                "k8s.name": "\(admission.name ?? "")", "k8s.dry_run": "\(admission.isDryRun)",
            ])
        let (response, result) =
            engine?.answer(review, dryRunHeader: Self.asksForDryRun(request.headers))
            ?? (AdmissionResponse(uid: admission.uid), .ignored)
        metrics.admissionReviewed(
            AdmissionMetricOperation(admission.operation), result, duration: started.duration(to: clock.now))
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(status: 200, headers: headers, body: response.encodedReview())
    }

    /// A request that is not an AdmissionReview, with the answer it gets.
    private struct Refusal: Error {
        var response: HTTPResponse
    }

    /// The review in `request`, or the 415 or 400 (logged) when its content type or body is not one.
    private func decode(_ request: HTTPRequest) -> Result<AdmissionReview, Refusal> {
        if let contentType = request.headers["content-type"], !Self.isJSON(contentType) {
            logger.warning(
                "admission review rejected",
                metadata: ["reason": "unsupported content type", "http.content_type": "\(contentType.prefix(64))"])
            return .failure(Refusal(response: .error(415, "content-type must be application/json")))
        }
        do {
            return .success(try AdmissionReview.decode(request.body))
        } catch {
            // The reason names fields and bounded slices of values only; the body may hold Secret data.
            logger.warning(
                "admission review rejected",
                metadata: ["reason": "\(error.description)", "http.body_bytes": "\(request.body.count)"])
            return .failure(Refusal(response: .error(400, error.description)))
        }
    }

    /// `X-Reloader-DryRun: true`, the value compared case-insensitively and trimmed of spaces and tabs.
    static func asksForDryRun(_ headers: HTTPHeaders) -> Bool {
        guard let value = headers[dryRunHeader] else { return false }
        return value.trimmingASCIIWhitespace().lowercased() == "true"
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
