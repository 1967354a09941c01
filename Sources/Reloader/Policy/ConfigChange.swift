/// One reviewed change of a config, as the admission handler hands it to `ReloadPolicy`: which config, its
/// annotations and labels (of the new object, or of the old one for a DELETE), and its content hashes. Holds no
/// config content. A pure value.
public struct ConfigChange: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable {
        case create = "CREATE"
        case update = "UPDATE"
        case delete = "DELETE"
    }

    public var config: ConfigRef
    public var annotations: [String: String]
    public var labels: [String: String]
    /// nil when there is no old object (a CREATE: the old hash is "absent", contract §6).
    public var oldHash: String?
    /// nil for a DELETE.
    public var newHash: String?
    public var operation: Operation
    /// The name of the reviewed object when it is not the config itself: the SecretProviderClassPodStatus (one per
    /// pod) whose write changed its SecretProviderClass's hash. The write is confirmed by reading that object back.
    /// nil for ConfigMaps and Secrets.
    public var sourceName: String?

    public init(
        config: ConfigRef, annotations: [String: String] = [:], labels: [String: String] = [:],
        oldHash: String?, newHash: String?, operation: Operation, sourceName: String? = nil
    ) {
        self.config = config
        self.annotations = annotations
        self.labels = labels
        self.oldHash = oldHash
        self.newHash = newHash
        self.operation = operation
        self.sourceName = sourceName
    }

    /// The hash a reload writes: the new hash, or the delete marker for a DELETE (contract §5.2).
    public var hashToWrite: String {
        operation == .delete ? ContentHash.deleteMarker : (newHash ?? ContentHash.deleteMarker)
    }

    /// Whether the content changed: for UPDATE and CREATE the hashes differ (an absent old hash differs).
    public var isContentChange: Bool {
        operation == .delete || oldHash != newHash
    }
}
