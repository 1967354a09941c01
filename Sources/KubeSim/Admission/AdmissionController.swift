public import Reloader

/// What kube-sim asks before it persists a write, the way kube-apiserver runs its validating admission webhooks:
/// once per CREATE, UPDATE or DELETE of any resource, after defaulting and before storage. The store calls it
/// synchronously on the request's thread; an implementation may block (it makes HTTPS calls to webhooks) up to
/// the webhooks' own timeouts. Thread-safe.
public protocol AdmissionController: Sendable {
    func admit(_ attributes: AdmissionAttributes) -> AdmissionDecision
}

/// The facts of one write, as kube-apiserver puts them into an AdmissionReview `request`.
public struct AdmissionAttributes: Sendable, Equatable {
    public var operation: String  // CREATE, UPDATE, DELETE
    public var group: String
    public var version: String
    public var resource: String
    public var kind: String
    public var subResource: String?
    public var namespace: String?
    public var name: String
    /// The object as it will be stored (nil for DELETE).
    public var object: JSONValue?
    /// The stored object before the write (nil for CREATE).
    public var oldObject: JSONValue?
    public var dryRun: Bool
    /// CreateOptions, UpdateOptions/PatchOptions or DeleteOptions, as kube-apiserver sends them.
    public var options: JSONValue?
    /// `authentication.k8s.io/v1` UserInfo of the caller.
    public var userInfo: JSONValue
    /// Labels of the object's namespace (for namespaceSelector); nil for cluster-scoped objects.
    public var namespaceLabels: [String: String]?

    /// Who kube-sim says made every request: it accepts any bearer token, so everyone is this cluster admin (the
    /// groups a kubeadm admin certificate gives).
    public static let kubeSimUser: JSONValue = [
        "username": "kube-sim-user", "groups": ["system:masters", "system:authenticated"],
    ]

    public init(
        operation: String, group: String, version: String, resource: String, kind: String, subResource: String? = nil,
        namespace: String?, name: String, object: JSONValue?, oldObject: JSONValue?, dryRun: Bool,
        options: JSONValue? = nil, userInfo: JSONValue = AdmissionAttributes.kubeSimUser,
        namespaceLabels: [String: String]? = nil
    ) {
        self.operation = operation
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
        self.subResource = subResource
        self.namespace = namespace
        self.name = name
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
        self.options = options
        self.userInfo = userInfo
        self.namespaceLabels = namespaceLabels
    }
}

public enum AdmissionDecision: Sendable, Equatable {
    /// Persist; `warnings` go back to the client as `Warning: 299 - "<text>"` headers.
    case allowed(warnings: [String])
    /// Refuse with a metav1 Status of this code (400 for a webhook denial, 500 for a failing webhook under
    /// failurePolicy Fail) and message.
    case denied(code: Int, message: String, warnings: [String])
}

/// Allows everything: the store's default until webhook dispatch is wired in.
public struct AllowAllAdmission: AdmissionController {
    public init() {}
    public func admit(_ attributes: AdmissionAttributes) -> AdmissionDecision { .allowed(warnings: []) }
}
