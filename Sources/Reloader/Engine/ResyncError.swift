/// Why a resync step failed. A failed list is an error, never an empty list: the index (or the namespace labels)
/// in use stays as it was. Each case names what could not be listed. A pure value.
public enum ResyncError: Error, Equatable, CustomStringConvertible {
    /// A LIST of `resource` (`deployments`, `namespaces`, ...) failed, in `namespace` or cluster-wide (nil).
    case listFailed(resource: String, namespace: String?, KubeClientError)
    /// Another resync began while this one listed; its snapshot was not swapped in (the newer one will be).
    case superseded

    public var description: String {
        switch self {
        case .listFailed(let resource, let namespace, let error):
            "cannot list \(resource) \(namespace.map { "in namespace \($0)" } ?? "in all namespaces"): \(error)"
        case .superseded: "another resync began before this one finished; its index was not swapped in"
        }
    }
}
