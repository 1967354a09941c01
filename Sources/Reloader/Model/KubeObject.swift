/// The part of a Kubernetes object (`request.object` / `request.oldObject`) reloader reads: its metadata and,
/// for ConfigMaps and Secrets, the content maps. Everything else (spec, status, managedFields) is skipped.
public struct KubeObject: Sendable, Equatable, Decodable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// ConfigMap `data` (plain strings) or Secret `data` (base64 strings). nil for other kinds.
    public var data: [String: String]?
    /// ConfigMap `binaryData` (base64 strings). nil for other kinds.
    public var binaryData: [String: String]?

    public init(
        apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(),
        data: [String: String]? = nil, binaryData: [String: String]? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.data = data
        self.binaryData = binaryData
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, data, binaryData
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        // Other kinds use `data` for other shapes (ControllerRevision's is an object), so only the two kinds
        // whose `data` is map[string]string are read; objects without `kind` are read as if they might be one.
        if kind == nil || kind == "ConfigMap" || kind == "Secret" {
            data = try container.decodeIfPresent([String: String].self, forKey: .data)
            binaryData = try container.decodeIfPresent([String: String].self, forKey: .binaryData)
        } else {
            data = nil
            binaryData = nil
        }
    }
}

/// `metav1.ObjectMeta`, reduced to what reloader reads. Every field may be absent (a CREATE has no
/// `resourceVersion` or `uid` yet).
public struct ObjectMeta: Sendable, Equatable, Decodable {
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
