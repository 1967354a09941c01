public import Reloader

/// kube-sim's real `WebhookCaller`: one HTTPS POST of the AdmissionReview through an `HTTPTransport` (libcurl by
/// default), the server verified against the webhook's caBundle (the system roots when it has none), bounded by
/// the webhook's timeoutSeconds. Errors read like kube-apiserver's (`Post "<url>": ...`), since the dispatcher
/// puts them after `failed calling webhook "<name>":`. Thread-safe: the transport is.
public struct CurlWebhookCaller: WebhookCaller {
    /// How much of a non-200 answer's body goes into the error: enough for a Status message, never a whole page.
    static let bodyExcerptLimit = 256

    private let transport: any HTTPTransport

    public init(transport: any HTTPTransport = CurlTransport(userAgent: "kube-sim/\(ReloaderVersion.string)")) {
        self.transport = transport
    }

    public func call(
        url: String, caBundle: [UInt8]?, body: [UInt8], timeout: Duration
    )
        -> Result<[UInt8], WebhookCallError>
    {
        let request = TransportRequest(
            method: "POST", url: url,
            headers: [(name: "content-type", value: "application/json"), (name: "accept", value: "application/json")],
            body: body, timeout: timeout, tls: TLSClientSettings(caPEM: caBundle))
        switch transport.send(request) {
        case .failure(let error):
            return .failure(
                WebhookCallError("failed to call webhook: Post \"\(url)\": \(error.kind.rawValue): \(error.detail)"))
        case .success(let response) where response.status == 200:
            return .success(response.body)
        case .success(let response):
            return .failure(
                WebhookCallError(
                    "failed to call webhook: Post \"\(url)\": the webhook answered \(response.status)"
                        + Self.excerpt(response.body)))
        }
    }

    /// `: <text>` with the first `bodyExcerptLimit` bytes of the body on one line, or nothing for an empty body.
    static func excerpt(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(bodyExcerptLimit), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        return ": \(text)\(body.count > bodyExcerptLimit ? "… (\(body.count) bytes)" : "")"
    }
}
