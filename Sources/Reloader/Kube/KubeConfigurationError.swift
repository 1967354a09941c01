/// Why no usable API server configuration could be built. Each case names the file and, for kubeconfigs, the
/// field (as a path such as `contexts[1].context.cluster`), so startup can stop with one clear line.
public enum KubeConfigurationError: Error, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case invalidYAML(file: String, reason: String)
    case invalidField(file: String, field: String, problem: String)
    /// exec plugins, auth-provider and basic auth: a credential type this client deliberately does not implement.
    case unsupportedAuthentication(file: String, field: String, user: String, method: String)
    /// Neither a kubeconfig nor the in-cluster environment was found.
    case noConfiguration
    /// In-cluster loading was asked for outside a pod.
    case notInCluster(missing: String)
    case invalidInClusterFile(path: String, problem: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidYAML(let file, let reason): "kubeconfig \(file) is not valid YAML: \(reason)"
        case .invalidField(let file, let field, let problem): "kubeconfig \(file): \(field) \(problem)"
        case .unsupportedAuthentication(let file, let field, let user, let method):
            "kubeconfig \(file): \(field) (user \"\(user)\") uses \(method), which is not supported; "
                + "use token, tokenFile or client-certificate/client-key"
        case .noConfiguration:
            "no Kubernetes API configuration: pass --kubeconfig, set KUBECONFIG, run in a pod, or create ~/.kube/config"
        case .notInCluster(let missing): "not running in a pod: \(missing) is not set"
        case .invalidInClusterFile(let path, let problem): "in-cluster file \(path) \(problem)"
        }
    }
}
