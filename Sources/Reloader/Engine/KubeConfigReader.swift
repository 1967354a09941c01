/// The reload queue's `ConfigReader` and the reconciler's `ConfigStateReader` over the API: GETs one ConfigMap or
/// Secret (or SecretProviderClassPodStatus) and returns its content hash (contract §3), with its annotations and
/// labels for the reconciler, or nil when it does not exist. Only the hash and metadata leave this type: the
/// object, Secret values included, is dropped as soon as it is hashed. Thread-safe (KubeClient is).
public struct KubeConfigReader: ConfigReader, ConfigStateReader {
    private let client: KubeClient

    public init(client: KubeClient) {
        self.client = client
    }

    /// Where each kind of config lives in the API.
    static func path(of config: ConfigRef) -> ResourcePath {
        switch config.kind {
        case .configMap:
            ResourcePath(resource: "configmaps", namespace: config.namespace, name: config.name)
        case .secret:
            ResourcePath(resource: "secrets", namespace: config.namespace, name: config.name)
        case .secretProviderClass:
            ResourcePath(
                group: "secrets-store.csi.x-k8s.io", version: "v1", resource: "secretproviderclasspodstatuses",
                namespace: config.namespace, name: config.name)
        }
    }

    public func contentHash(of config: ConfigRef) -> Result<String?, any Error> {
        state(of: config).map { $0?.hash }
    }

    /// The config's content hash with its annotations and labels, or nil when it does not exist (404).
    public func state(of config: ConfigRef) -> Result<ConfigState?, any Error> {
        let object: JSONValue
        do {
            object = try client.get(Self.path(of: config))
        } catch {
            if case .api(let status, _) = error, status.isNotFound { return .success(nil) }
            return .failure(error)
        }
        let hash: String
        do {
            switch config.kind {
            case .configMap:
                hash = ContentHash.configMap(
                    data: object["data"]?.stringMapValue, binaryData: object["binaryData"]?.stringMapValue)
            case .secret:
                hash = try ContentHash.secret(data: object["data"]?.stringMapValue)
            case .secretProviderClass:
                hash = try ContentHash.secretProviderClassPodStatus(status: object["status"])
            }
        } catch {
            return .failure(error)
        }
        return .success(
            ConfigState(
                hash: hash, annotations: object[path: ["metadata", "annotations"]]?.stringMapValue ?? [:],
                labels: object[path: ["metadata", "labels"]]?.stringMapValue ?? [:]))
    }
}
