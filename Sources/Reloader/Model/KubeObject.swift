/// The part of a Kubernetes object (`request.object` / `request.oldObject`) reloader reads: its metadata and,
/// for ConfigMaps and Secrets, the content maps, `spec` (for workloads), and for a SecretProviderClassPodStatus
/// the part of `status` its content hash reads. Everything else (other kinds' status, managedFields) is skipped.
public struct KubeObject: Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// ConfigMap `data` (plain strings) or Secret `data` (base64 strings). nil for other kinds.
    public var data: [String: String]?
    /// ConfigMap `binaryData` (base64 strings). nil for other kinds.
    public var binaryData: [String: String]?
    /// `spec`, as a tree: workload reviews feed the reverse index from it (the pod template). nil when absent
    /// (ConfigMaps and Secrets have none).
    public var spec: JSONValue?
    /// For a SecretProviderClassPodStatus only: its `status`, reduced to what the content hash reads
    /// (`secretProviderClassName`, `objects[].id`, `objects[].version`; contract §3). nil for every other kind,
    /// whose status is skipped unread, and when the object has no status.
    public var status: JSONValue?

    public init(
        apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(),
        data: [String: String]? = nil, binaryData: [String: String]? = nil, spec: JSONValue? = nil,
        status: JSONValue? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.data = data
        self.binaryData = binaryData
        self.spec = spec
        self.status = status
    }
}

/// `metav1.ObjectMeta`, reduced to what reloader reads. Every field may be absent (a CREATE has no
/// `resourceVersion` or `uid` yet).
public struct ObjectMeta: Sendable, Equatable {
    public var name: String?
    public var namespace: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var resourceVersion: String?
    public var uid: String?

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil, resourceVersion: String? = nil, uid: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.resourceVersion = resourceVersion
        self.uid = uid
    }
}
