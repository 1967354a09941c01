/// Reloader's content hash of a config (contract §3): the value of the `STAKATER_*` env var and of
/// last-reloaded-from's `hash`. Byte-identical to Reloader's `util.GetSHAfrom*` so workloads that already carry
/// Reloader's hash are not rolled again at switch time. Items are sorted as byte strings (Go's `sort.Strings`)
/// and joined with `;` with no escaping, collisions included. Pure.
public enum ContentHash {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A Secret `data` value that is not standard padded base64 (the API server never stores one).
        case invalidBase64(key: String)
        /// A SecretProviderClassPodStatus whose `status` is not the expected shape.
        case malformedSecretProviderClassPodStatus(reason: String)

        public var description: String {
            switch self {
            case .invalidBase64(let key): "Secret data key \"\(key)\" is not valid base64"
            case .malformedSecretProviderClassPodStatus(let reason): "SecretProviderClassPodStatus: \(reason)"
            }
        }
    }

    /// SHA-1 of `__RELOADER_EMPTY_DELETE_MARKER__`: the hash the annotations strategy writes when a config is
    /// deleted (`--reload-on-delete`), as Reloader's `GetSHAfromEmptyData` does.
    public static let deleteMarker = SHA1.hexDigest(Array("__RELOADER_EMPTY_DELETE_MARKER__".utf8))

    /// ConfigMap: `key=value` for `data`, `key=<base64 as in JSON>` for `binaryData`.
    public static func configMap(data: [String: String]?, binaryData: [String: String]?) -> String {
        var items: [[UInt8]] = []
        for (key, value) in data ?? [:] { items.append(item(key, Array(value.utf8))) }
        // The JSON text is already standard base64 of the bytes, which is what Reloader re-encodes.
        for (key, value) in binaryData ?? [:] { items.append(item(key, Array(value.utf8))) }
        return hash(items)
    }

    /// Secret: `key=<decoded bytes>` for `data`; `stringData`, `type`, labels and annotations do not count.
    public static func secret(data: [String: String]?) throws(Failure) -> String {
        var items: [[UInt8]] = []
        for (key, value) in data ?? [:] {
            guard let bytes = Base64.decode(value) else { throw .invalidBase64(key: key) }
            items.append(item(key, bytes))
        }
        return hash(items)
    }

    /// SecretProviderClassPodStatus: `<id>=<version>` per `status.objects[]` plus
    /// `SecretProviderClassName=<status.secretProviderClassName>`.
    public static func secretProviderClassPodStatus(
        objects: [(id: String, version: String)], secretProviderClassName: String
    ) -> String {
        var items = objects.map { item($0.id, Array($0.version.utf8)) }
        items.append(item("SecretProviderClassName", Array(secretProviderClassName.utf8)))
        return hash(items)
    }

    /// The same from the object's `status` (absent fields count as empty strings, as Go's zero values do).
    public static func secretProviderClassPodStatus(status: JSONValue?) throws(Failure) -> String {
        var objects: [(id: String, version: String)] = []
        switch status?["objects"] {
        case nil, .null?: break
        case .array(let elements)?:
            for element in elements {
                guard case .object = element else {
                    throw .malformedSecretProviderClassPodStatus(reason: "status.objects[] is not an object")
                }
                objects.append((element["id"]?.stringValue ?? "", element["version"]?.stringValue ?? ""))
            }
        default: throw .malformedSecretProviderClassPodStatus(reason: "status.objects is not a list")
        }
        return secretProviderClassPodStatus(
            objects: objects, secretProviderClassName: status?["secretProviderClassName"]?.stringValue ?? "")
    }

    private static func item(_ key: String, _ value: [UInt8]) -> [UInt8] {
        Array(key.utf8) + [UInt8(ascii: "=")] + value
    }

    private static func hash(_ items: [[UInt8]]) -> String {
        var joined: [UInt8] = []
        for (index, item) in items.sorted(by: { $0.lexicographicallyPrecedes($1) }).enumerated() {
            if index > 0 { joined.append(UInt8(ascii: ";")) }
            joined.append(contentsOf: item)
        }
        return SHA1.hexDigest(joined)
    }
}
