/// Why a body is not an AdmissionReview we can answer. Each case becomes a 400 with `description` as the reason,
/// so descriptions are short, name the field, and never echo more than a bounded slice of the input.
public enum AdmissionDecodingError: Error, Equatable, CustomStringConvertible {
    case emptyBody
    /// The body is not JSON; the reason says what is wrong and at which byte.
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

    /// A field path one level down; `key` comes from the input (a label's name, say), so it is abbreviated.
    static func path(_ parent: String, _ key: String) -> String {
        "\(parent).\(key.count <= 64 ? key : "\(key.prefix(64))…")"
    }

    /// Values echoed into a reason are attacker-controlled; 64 characters identify them well enough.
    static func abbreviated(_ value: String, to limit: Int = 64) -> String {
        let quoted = value.count <= limit ? value : "\(value.prefix(limit))…"
        return "\"\(quoted)\""
    }
}
