/// A resource URL taken apart: `/api/v1/namespaces/shop/configmaps/app` or `/apis/apps/v1/deployments`.
/// A pure value.
struct APIPath: Sendable, Equatable {
    var resource: ResourceType
    var namespace: String?
    var name: String?
    var subresource: String?

    /// Parses a resource path; nil for paths that are not one (discovery, `/sim/...`); throws 404 for a path under
    /// `/api` or `/apis` naming a resource kube-sim does not serve.
    init?(_ path: String, registry: ResourceRegistry) throws(APIError) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let group: String, version: String, rest: ArraySlice<String>
        if segments.first == "api", segments.count >= 3 {
            group = ""
            version = segments[1]
            rest = segments[2...]
        } else if segments.first == "apis", segments.count >= 4 {
            group = segments[1]
            version = segments[2]
            rest = segments[3...]
        } else {
            return nil
        }
        var parts = Array(rest)
        var namespace: String?
        // `namespaces/<ns>/<resource>...` is a namespaced path unless <resource> is not a namespaced resource here,
        // in which case it is the Namespace `<ns>` itself (or its subresource).
        if parts.count >= 3, parts[0] == "namespaces",
            let inner = registry.lookup(group: group, version: version, resource: parts[2]), inner.isNamespaced
        {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let resource = registry.lookup(group: group, version: version, resource: parts[0]) else {
            throw .notFoundPath(path)
        }
        guard parts.count <= 3 else { throw .notFoundPath(path) }
        self.resource = resource
        self.namespace = namespace
        self.name = parts.count > 1 ? parts[1] : nil
        self.subresource = parts.count > 2 ? parts[2] : nil
    }

    /// The verb, as kube-apiserver's request info names it.
    func verb(method: String, isWatch: Bool) -> String {
        switch (method, name) {
        case ("GET", nil): isWatch ? "watch" : "list"
        case ("GET", _): "get"
        case ("POST", _): "create"
        case ("PUT", _): "update"
        case ("PATCH", _): "patch"
        case ("DELETE", nil): "deletecollection"
        case ("DELETE", _): "delete"
        default: method.lowercased()
        }
    }
}
