import Foundation

/// Why a body is not an AdmissionReview we can answer. Each case becomes a 400 with `description` as the reason,
/// so descriptions are short, name the field, and never echo more than a bounded slice of the input.
public enum AdmissionDecodingError: Error, Equatable, CustomStringConvertible {
    case emptyBody
    /// The body is not JSON at all; the reason is the JSON parser's message.
    case notJSON(reason: String)
    case nestingTooDeep(limit: Int)
    /// `apiVersion` is absent (nil) or not `admission.k8s.io/v1`.
    case unsupportedAPIVersion(String?)
    /// `kind` is absent (nil) or not `AdmissionReview`.
    case wrongKind(String?)
    case missingRequest
    case missingUID
    case uidTooLong(length: Int)
    /// JSON, but a field has the wrong shape: `path` is dotted (`request.operation`), `reason` says what is wrong.
    case invalidField(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptyBody:
            "request body is empty; expected an AdmissionReview"
        case .notJSON(let reason):
            "body is not valid JSON: \(reason)"
        case .nestingTooDeep(let limit):
            "body nests objects or arrays more than \(limit) levels deep"
        case .unsupportedAPIVersion(nil):
            "apiVersion is missing; expected \(AdmissionReview.apiVersion)"
        case .unsupportedAPIVersion("admission.k8s.io/v1beta1"):
            "apiVersion admission.k8s.io/v1beta1 is not supported; configure the webhook with "
                + "admissionReviewVersions: [\"v1\"]"
        case .unsupportedAPIVersion(let version?):
            "apiVersion \(Self.abbreviated(version)) is not supported; expected \(AdmissionReview.apiVersion)"
        case .wrongKind(nil):
            "kind is missing; expected \(AdmissionReview.kind)"
        case .wrongKind(let kind?):
            "kind \(Self.abbreviated(kind)) is not \(AdmissionReview.kind)"
        case .missingRequest:
            "AdmissionReview has no request"
        case .missingUID:
            "request.uid is missing or empty"
        case .uidTooLong(let length):
            "request.uid is \(length) characters long; at most \(AdmissionRequest.maximumUIDLength) are allowed"
        case .invalidField(let path, let reason):
            "\(path): \(reason)"
        }
    }

    /// Maps Foundation's error, keeping its message: where in the document and what was expected. `body` is
    /// only read again when the error is a syntax error without detail (see `syntaxErrorDetail`).
    init(_ error: DecodingError, body: Data) {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            var reason = Self.message(of: context)
            if context.underlyingError == nil, let detail = Self.syntaxErrorDetail(body) {
                reason += " \(detail)"
            }
            self = .notJSON(reason: Self.bounded(reason))
        case .dataCorrupted(let context):
            self = .invalidField(path: Self.path(context.codingPath), reason: Self.bounded(Self.message(of: context)))
        case .keyNotFound(let key, let context):
            self = .invalidField(path: Self.path(context.codingPath + [key]), reason: "is missing")
        case .typeMismatch(let type, let context):
            self = .invalidField(path: Self.path(context.codingPath), reason: "expected \(Self.jsonName(of: type))")
        case .valueNotFound(let type, let context):
            self = .invalidField(
                path: Self.path(context.codingPath), reason: "is null; expected \(Self.jsonName(of: type))")
        @unknown default:
            self = .notJSON(reason: String(describing: error))
        }
    }

    private static func message(of context: DecodingError.Context) -> String {
        guard let underlying = context.underlyingError as NSError?,
            let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
        else { return context.debugDescription }
        return "\(context.debugDescription) \(detail)"
    }

    /// On Linux, JSONDecoder's syntax errors say only "The given data was not valid JSON." while JSONSerialization,
    /// on the same parser, says what and where ("Invalid value around character 0."). Parsing again costs one more
    /// pass, on the failure path only, and the nesting guard has already bounded the depth.
    private static func syntaxErrorDetail(_ body: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
    }

    /// Keys come from the input (a label's name, say), so each is abbreviated and so is the whole path.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "AdmissionReview" }
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                let name = key.stringValue.count <= 64 ? key.stringValue : "\(key.stringValue.prefix(64))…"
                path += path.isEmpty ? name : ".\(name)"
            }
        }
        return bounded(path)
    }

    /// Foundation's messages can quote the offending value (an unknown enum case, say): keep them bounded too.
    private static func bounded(_ text: String, to limit: Int = 256) -> String {
        text.count <= limit ? text : "\(text.prefix(limit))…"
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Double.Type: "a number"
        case is [String: String].Type: "an object of strings"
        default: "an object"
        }
    }

    /// Values echoed into a reason are attacker-controlled; 64 characters identify them well enough.
    static func abbreviated(_ value: String, to limit: Int = 64) -> String {
        let quoted = value.count <= limit ? value : "\(value.prefix(limit))…"
        return "\"\(quoted)\""
    }
}
