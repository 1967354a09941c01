/// An `admission.k8s.io/v1` AdmissionReview as kube-apiserver sends it to `/validate`: the envelope checked,
/// the request decoded into the few fields reloader needs. A pure value; decoding is `AdmissionReview.decode(_:)`.
public struct AdmissionReview: Sendable, Equatable {
    /// The only version we accept. v1beta1 was removed from kube-apiserver in 1.22 and has a different shape
    /// (`response.uid` optional, `patchType` defaults), so we refuse it rather than guess.
    public static let apiVersion = "admission.k8s.io/v1"
    public static let kind = "AdmissionReview"

    public var request: AdmissionRequest

    public init(request: AdmissionRequest) {
        self.request = request
    }
}

/// `AdmissionReview.request`: what the API server is about to write. Field names follow the Kubernetes API.
public struct AdmissionRequest: Sendable, Equatable {
    /// Kubernetes caps names at 253 characters and the apiserver's uids are UUIDs; 256 leaves room for both and
    /// keeps a hostile uid from being echoed back at full length.
    public static let maximumUIDLength = 256

    public var uid: String
    public var kind: GroupVersionKind
    public var resource: GroupVersionResource
    public var subResource: String?
    public var name: String?
    public var namespace: String?
    public var operation: AdmissionOperation
    public var dryRun: Bool?
    /// nil for DELETE (and CONNECT).
    public var object: KubeObject?
    /// nil for CREATE (and CONNECT).
    public var oldObject: KubeObject?

    public init(
        uid: String, kind: GroupVersionKind, resource: GroupVersionResource, subResource: String? = nil,
        name: String? = nil, namespace: String? = nil, operation: AdmissionOperation, dryRun: Bool? = nil,
        object: KubeObject? = nil, oldObject: KubeObject? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.dryRun = dryRun
        self.object = object
        self.oldObject = oldObject
    }

    /// `request.dryRun`, with the API's default (false) when absent.
    public var isDryRun: Bool { dryRun ?? false }
}

/// `request.operation`.
public enum AdmissionOperation: String, Sendable, Equatable {
    case create = "CREATE"
    case update = "UPDATE"
    case delete = "DELETE"
    case connect = "CONNECT"
}

/// `metav1.GroupVersionKind`; the core group is the empty string.
public struct GroupVersionKind: Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }
}

/// `metav1.GroupVersionResource`; the core group is the empty string.
public struct GroupVersionResource: Sendable, Hashable {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }
}
