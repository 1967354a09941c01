public import Reloader

/// A failed API call as kube-apiserver reports it: a metav1 `Status` with code, reason, message and details.
/// Every non-2xx answer of kube-sim is one of these. A pure value.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// metav1 `StatusReason`: NotFound, AlreadyExists, Conflict, Invalid, BadRequest, MethodNotAllowed,
    /// UnsupportedMediaType, Expired, TooManyRequests, InternalError, ...
    public var reason: String
    public var message: String
    public var name: String?
    public var group: String?
    /// The resource (plural), as kube-apiserver fills `details.kind`.
    public var kind: String?
    public var retryAfterSeconds: Int?
    /// Sent as `Warning: 299` headers with the Status, as kube-apiserver sends the warnings a request collected
    /// (for example from the webhooks that ran before one denied the write) with its error too.
    public var warnings: [String]

    public init(
        code: Int, reason: String, message: String, name: String? = nil, group: String? = nil, kind: String? = nil,
        retryAfterSeconds: Int? = nil, warnings: [String] = []
    ) {
        self.warnings = warnings
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// The metav1 Status body.
    public var status: JSONValue {
        var details: [String: JSONValue] = [:]
        if let name { details["name"] = .string(name) }
        if let group, !group.isEmpty { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .number(String(retryAfterSeconds)) }
        var status: [String: JSONValue] = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .number(String(code)),
        ]
        if !details.isEmpty { status["details"] = .object(details) }
        return .object(status)
    }

    // MARK: - The errors kube-apiserver gives, with its wording (k8s.io/apimachinery/pkg/api/errors)

    public static func notFound(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedResource) \"\(name)\" not found", name: name,
            group: resource.group, kind: resource.resource)
    }

    public static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found", name: namespace,
            kind: "namespaces")
    }

    public static func alreadyExists(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedResource) \"\(name)\" already exists",
            name: name, group: resource.group, kind: resource.resource)
    }

    public static func conflict(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedResource) \"\(name)\": the object has been "
                + "modified; please apply your changes to the latest version and try again",
            name: name, group: resource.group, kind: resource.resource)
    }

    public static func invalid(_ resource: ResourceType, _ name: String, _ detail: String) -> APIError {
        APIError(
            code: 422, reason: "Invalid",
            message: "\(resource.kind) \"\(name)\" is invalid: \(detail)", name: name, group: resource.group,
            kind: resource.kind)
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    public static func notFoundPath(_ path: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource (\(path))")
    }

    public static func methodNotAllowed(_ method: String, _ path: String) -> APIError {
        APIError(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested resource (\(method) \(path))")
    }

    public static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: message)
    }

    /// A continue token older than the retention window: kube-apiserver's 410 for a compacted revision.
    public static let expired = APIError(
        code: 410, reason: "Expired",
        message: "The provided continue parameter is too old to display a consistent list result. You can start a "
            + "new list without the continue parameter.")

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }
}
