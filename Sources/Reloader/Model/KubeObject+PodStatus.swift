extension KubeObject {
    /// The `kind` of the secrets-store CSI driver's per-pod record (secrets-store.csi.x-k8s.io/v1): which objects,
    /// at which versions, the pod's SecretProviderClass volume mounted.
    public static let secretProviderClassPodStatusKind = "SecretProviderClassPodStatus"

    /// Reads a SecretProviderClassPodStatus `status` down to the members `ContentHash.secretProviderClassPodStatus`
    /// reads: `secretProviderClassName` and each `objects[]` element's `id` and `version` (`podName`, `mounted`,
    /// `targetPath` and anything else are skipped). A shape the hash refuses (`objects` not a list, an element not
    /// an object) is kept as it is, so the hash reports it exactly as it does for the object read from the API
    /// (`KubeConfigReader`): both sides hash the same members the same way. nil when `status` is not an object.
    static func readHashedStatus(_ reader: inout JSONReader) throws(JSONReader.Failure) -> JSONValue? {
        guard try reader.peekKind() == .object else {
            // null or a scalar: the hash finds no member in it either way.
            try reader.skipValue()
            return nil
        }
        var members: [String: JSONValue] = [:]
        try reader.readObject { (reader, key) throws(JSONReader.Failure) in
            switch key {
            case "secretProviderClassName": members[key] = try reader.readValue()
            case "objects": members[key] = try readHashedObjects(&reader)
            default: try reader.skipValue()
            }
        }
        return .object(members)
    }

    /// `status.objects`: each element reduced to `id` and `version`; anything but a list of objects as it is.
    private static func readHashedObjects(_ reader: inout JSONReader) throws(JSONReader.Failure) -> JSONValue {
        guard try reader.peekKind() == .array else { return try reader.readValue() }
        var elements: [JSONValue] = []
        try reader.readArray { (reader) throws(JSONReader.Failure) in
            guard try reader.peekKind() == .object else {
                elements.append(try reader.readValue())
                return
            }
            var element: [String: JSONValue] = [:]
            try reader.readObject { (reader, key) throws(JSONReader.Failure) in
                if key == "id" || key == "version" {
                    element[key] = try reader.readValue()
                } else {
                    try reader.skipValue()
                }
            }
            elements.append(.object(element))
        }
        return .array(elements)
    }
}
