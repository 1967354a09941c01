/// A non-2xx answer of the API server: the HTTP code and the `reason`/`message` of the metav1 `Status` body it
/// carries, or, when the body is not a Status (a 429 from a proxy, a load balancer's 502), the plain text as the
/// message and a reason derived from the code, as client-go does (`errors.NewGenericServerResponse`). A pure value.
public struct KubeAPIError: Error, Equatable, CustomStringConvertible {
    public var code: Int
    /// e.g. `NotFound`, `Conflict`, `AlreadyExists`, `Expired`, `TooManyRequests`.
    public var reason: String
    public var message: String

    public init(code: Int, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(code) \(reason): \(message)" }

    public var isNotFound: Bool { code == 404 }
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// 410 Gone: an expired continue token or resourceVersion.
    public var isExpired: Bool { code == 410 }

    /// Plain-text bodies are cut here: an HTML error page must not fill a log line.
    static let maximumMessageLength = 1024

    /// Decodes an error response. Pure.
    public static func decode(status: Int, body: [UInt8]) -> KubeAPIError {
        if let value = try? JSONValue.parse(body), value["kind"]?.stringValue == "Status" {
            let reason = value["reason"]?.stringValue ?? ""
            return KubeAPIError(
                code: value["code"]?.intValue ?? status, reason: reason.isEmpty ? Self.reason(for: status) : reason,
                message: value["message"]?.stringValue ?? "")
        }
        var text = String(decoding: body.prefix(maximumMessageLength), as: UTF8.self)
        while let last = text.unicodeScalars.last, last == " " || last == "\n" || last == "\r" || last == "\t" {
            text.unicodeScalars.removeLast()
        }
        if body.count > maximumMessageLength { text += "…" }
        return KubeAPIError(code: status, reason: Self.reason(for: status), message: text)
    }

    /// client-go's reasons for a bare status code (apimachinery `errors.NewGenericServerResponse`).
    static func reason(for status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "RequestEntityTooLarge"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }
}

/// Every way a `KubeClient` call can fail.
public enum KubeClientError: Error, Equatable, CustomStringConvertible {
    /// The server answered with an error status (after any retries).
    case api(KubeAPIError, request: String)
    /// 409 Conflict on a write: the object changed since it was read (stale resourceVersion). Re-read and retry.
    case conflict(KubeAPIError, request: String)
    /// No response: every attempt failed in the transport.
    case transport(TransportError, request: String, attempts: Int)
    /// A 2xx answer whose body is not the JSON object expected.
    case invalidResponse(request: String, reason: String)
    /// The bearer token file could not be read (and no token was read before).
    case credentialsUnavailable(request: String, reason: String)

    public var description: String {
        switch self {
        case .api(let error, let request): "\(request): \(error)"
        case .conflict(let error, let request): "\(request): conflict: \(error.message)"
        case .transport(let error, let request, let attempts): "\(request): \(error) (after \(attempts) attempts)"
        case .invalidResponse(let request, let reason): "\(request): invalid response: \(reason)"
        case .credentialsUnavailable(let request, let reason): "\(request): no credentials: \(reason)"
        }
    }

    /// The API error, for `.api` and `.conflict`.
    public var apiError: KubeAPIError? {
        switch self {
        case .api(let error, _), .conflict(let error, _): error
        default: nil
        }
    }
}
