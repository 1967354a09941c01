/// The reload queue's `ConfigReader` and the reconciler's `ConfigStateReader` over the API: GETs one ConfigMap or
/// Secret, or for a SecretProviderClass one of its per-pod SecretProviderClassPodStatus objects (by that object's
/// own name), and returns its content hash (contract §3), with its annotations and labels for the reconciler, or nil
/// when it does not exist. Only the hash and metadata leave this type: the object, Secret values included, is
/// dropped as soon as it is hashed. Thread-safe (KubeClient is).
public struct KubeConfigReader: ConfigReader, ConfigStateReader {
    /// Why a config cannot be read at all.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A SecretProviderClass has no content of its own: its hash lives in the SecretProviderClassPodStatus of
        /// each pod that mounts it, named per pod (`<pod>-<namespace>-<class>`), so the class's name finds none.
        case noSourceObject(ConfigRef)

        public var description: String {
            switch self {
            case .noSourceObject(let config):
                "\(config) has no content of its own; its SecretProviderClassPodStatus objects hold it"
            }
        }
    }

    private let client: KubeClient

    public init(client: KubeClient) {
        self.client = client
    }

    /// Where the object holding a config's content lives in the API: the config itself (ConfigMap, Secret), or for
    /// a SecretProviderClass the SecretProviderClassPodStatus named `sourceName`, which must then be given.
    static func path(of config: ConfigRef, sourceName: String? = nil) -> Result<ResourcePath, Failure> {
        switch config.kind {
        case .configMap:
            .success(
                ResourcePath(resource: "configmaps", namespace: config.namespace, name: sourceName ?? config.name))
        case .secret:
            .success(ResourcePath(resource: "secrets", namespace: config.namespace, name: sourceName ?? config.name))
        case .secretProviderClass:
            sourceName.map {
                .success(
                    ResourcePath(
                        group: ChangeDetector.secretsStoreGroup, version: "v1",
                        resource: "secretproviderclasspodstatuses", namespace: config.namespace, name: $0))
            } ?? .failure(.noSourceObject(config))
        }
    }

    public func contentHash(of config: ConfigRef, sourceName: String?) -> Result<String?, any Error> {
        read(config, sourceName: sourceName).map { $0?.hash }
    }

    /// The config's content hash with its annotations and labels, or nil when it does not exist (404). A
    /// SecretProviderClass is a failure (`Failure.noSourceObject`): the reconciler never asks for one.
    public func state(of config: ConfigRef) -> Result<ConfigState?, any Error> {
        read(config, sourceName: nil)
    }

    private func read(_ config: ConfigRef, sourceName: String?) -> Result<ConfigState?, any Error> {
        let path: ResourcePath
        switch Self.path(of: config, sourceName: sourceName) {
        case .success(let found): path = found
        case .failure(let error): return .failure(error)
        }
        let object: JSONValue
        do {
            object = try client.get(path)
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
