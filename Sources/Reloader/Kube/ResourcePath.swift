/// Names one collection or object of the Kubernetes REST API by its parts, and builds its URL path: the core
/// group under `/api/v1`, every other group under `/apis/<group>/<version>` (Kubernetes API conventions,
/// "API groups"). A pure value.
public struct ResourcePath: Sendable, Hashable, CustomStringConvertible {
    /// Empty for the core group.
    public var group: String
    public var version: String
    /// The plural resource name, e.g. `configmaps`, `deployments`.
    public var resource: String
    /// nil for cluster-scoped resources and for lists across all namespaces.
    public var namespace: String?
    /// nil for the collection.
    public var name: String?
    /// e.g. `status`, `scale`; only with a name.
    public var subresource: String?

    public init(
        group: String = "", version: String = "v1", resource: String, namespace: String? = nil, name: String? = nil,
        subresource: String? = nil
    ) {
        self.group = group
        self.version = version
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }

    /// The same resource, naming one object in it.
    public func named(_ name: String) -> ResourcePath {
        var copy = self
        copy.name = name
        return copy
    }

    /// The URL path, each segment percent-encoded.
    public var urlPath: String {
        var path =
            group.isEmpty ? "/api/\(Self.escape(version))" : "/apis/\(Self.escape(group))/\(Self.escape(version))"
        if let namespace { path += "/namespaces/\(Self.escape(namespace))" }
        path += "/\(Self.escape(resource))"
        if let name {
            path += "/\(Self.escape(name))"
            if let subresource { path += "/\(Self.escape(subresource))" }
        }
        return path
    }

    public var description: String { urlPath }

    /// Percent-encodes everything but RFC 3986 unreserved characters (§2.3), for path segments and query values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// `name=value&...` with values percent-encoded, in the order given; empty for no items.
    static func query(_ items: [(name: String, value: String)]) -> String {
        items.map { "\($0.name)=\(escape($0.value))" }.joined(separator: "&")
    }
}
