/// The value of the pod-template annotation `reloader.stakater.com/last-reloaded-from` (contract §5.2), Reloader's
/// `common.ReloadSource`. Serialized with Reloader's key order (type, name, namespace, hash, containerRefs,
/// observedAt), which `JSONValue` (sorted keys) cannot give, so it is written here. A pure value.
public struct LastReloadedFrom: Sendable, Hashable {
    /// `CONFIGMAP`, `SECRET` or `SECRETPROVIDERCLASS`.
    public var type: String
    public var name: String
    public var namespace: String
    public var hash: String
    public var containerRefs: [String]
    /// Unix seconds.
    public var observedAt: Int64

    public init(config: ConfigRef, hash: String, containerRefs: [String], observedAt: Int64) {
        self.type = config.kind.typeName
        self.name = config.name
        self.namespace = config.namespace
        self.hash = hash
        self.containerRefs = containerRefs
        self.observedAt = observedAt
    }

    /// Parses an annotation value; nil when it is not this shape (then it names nothing).
    public init?(json: String) {
        guard let value = try? JSONValue.parse(json), case .object = value,
            let type = value["type"]?.stringValue, let name = value["name"]?.stringValue,
            let hash = value["hash"]?.stringValue
        else { return nil }
        self.type = type
        self.name = name
        self.namespace = value["namespace"]?.stringValue ?? ""
        self.hash = hash
        self.containerRefs = value["containerRefs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.observedAt = value["observedAt"]?.intValue.map(Int64.init) ?? 0
    }

    /// Whether this marker already records `hash` for `config` (Δ: then nothing is written, contract §5.2).
    public func records(_ config: ConfigRef, hash: String) -> Bool {
        type == config.kind.typeName && name == config.name && namespace == config.namespace && self.hash == hash
    }

    /// Compact JSON in Reloader's key order.
    public var json: String {
        var out: [UInt8] = []
        func field(_ key: String, _ first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        out.append(UInt8(ascii: "{"))
        field("type", true)
        JSONValue.writeString(type, into: &out)
        field("name")
        JSONValue.writeString(name, into: &out)
        field("namespace")
        JSONValue.writeString(namespace, into: &out)
        field("hash")
        JSONValue.writeString(hash, into: &out)
        field("containerRefs")
        JSONValue.array(containerRefs.map(JSONValue.string)).write(into: &out)
        field("observedAt")
        out.append(contentsOf: String(observedAt).utf8)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
