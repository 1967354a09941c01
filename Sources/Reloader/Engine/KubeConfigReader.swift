/// The reload queue's `ConfigReader` over the API: GETs one ConfigMap or Secret (or SecretProviderClassPodStatus)
/// and returns its content hash (contract §3), or nil when it does not exist. Only the hash leaves this function:
/// the object, Secret values included, is dropped as soon as it is hashed. Thread-safe (KubeClient is).
public struct KubeConfigReader: ConfigReader {
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
        let object: JSONValue
        do {
            object = try client.get(Self.path(of: config))
        } catch {
            if case .api(let status, _) = error, status.isNotFound { return .success(nil) }
            return .failure(error)
        }
        do {
            switch config.kind {
            case .configMap:
                return .success(
                    ContentHash.configMap(
                        data: object["data"]?.stringMapValue, binaryData: object["binaryData"]?.stringMapValue))
            case .secret:
                return .success(try ContentHash.secret(data: object["data"]?.stringMapValue))
            case .secretProviderClass:
                return .success(try ContentHash.secretProviderClassPodStatus(status: object["status"]))
            }
        } catch {
            return .failure(error)
        }
    }
}
