public import Reloader

/// The discovery documents kubectl reads before anything else, built from the registry. Pure.
///
/// kubectl ≥ 1.26 asks `/api` and `/apis` for aggregated discovery first (`Accept:
/// application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList, …, application/json`). client-go decides
/// by the response's Content-Type: a plain `application/json` answer is read as the legacy APIVersions /
/// APIGroupList, and it then fetches each `/api/v1` and `/apis/<group>/<version>` (k8s.io/client-go/discovery,
/// `fetchGroupsAndResources`). So kube-sim answers legacy discovery only; it costs one request per group version.
enum Discovery {
    static let version: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.0-kube-sim", "gitCommit": "kube-sim",
        "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23", "compiler": "gc",
        "platform": "linux/amd64",
    ]

    static func apiVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    static func group(_ name: String, versions: [String]) -> JSONValue {
        let entries: [JSONValue] = versions.map { version in
            ["groupVersion": .string("\(name)/\(version)"), "version": .string(version)]
        }
        return [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
            "preferredVersion": entries.first ?? .null,
        ]
    }

    /// Named groups (not the core group), each with its versions in registry order.
    static func groups(_ registry: ResourceRegistry) -> [(name: String, versions: [String])] {
        var result: [(name: String, versions: [String])] = []
        for entry in registry.groupVersions where !entry.group.isEmpty {
            if let index = result.firstIndex(where: { $0.name == entry.group }) {
                result[index].versions.append(entry.version)
            } else {
                result.append((entry.group, [entry.version]))
            }
        }
        return result
    }

    static func groupList(_ registry: ResourceRegistry) -> JSONValue {
        var list: JSONValue = ["kind": "APIGroupList", "apiVersion": "v1", "groups": []]
        list["groups"] = .array(
            groups(registry).map { entry in
                var object = group(entry.name, versions: entry.versions)
                object["kind"] = nil
                object["apiVersion"] = nil
                return object
            })
        return list
    }

    /// The APIResourceList of one group version, nil when it is not served.
    static func resourceList(_ registry: ResourceRegistry, group: String, version: String) -> JSONValue? {
        guard let entry = registry.groupVersions.first(where: { $0.group == group && $0.version == version }) else {
            return nil
        }
        let resources: [JSONValue] = entry.resources.map { resource in
            var object: [String: JSONValue] = [
                "name": .string(resource.resource), "singularName": .string(resource.singular),
                "namespaced": .bool(resource.isNamespaced), "kind": .string(resource.kind),
                "verbs": .array(resource.verbs.map { .string($0) }),
            ]
            if !resource.shortNames.isEmpty { object["shortNames"] = .array(resource.shortNames.map { .string($0) }) }
            return .object(object)
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
        ]
    }

    /// The discovery document for `path`, nil when the path is not a discovery path.
    static func document(for path: String, registry: ResourceRegistry, serverAddress: String) -> JSONValue?? {
        let segments = path.split(separator: "/").map(String.init)
        switch segments.count {
        case 1 where segments[0] == "version": return .some(version)
        case 1 where segments[0] == "api": return .some(apiVersions(serverAddress: serverAddress))
        case 1 where segments[0] == "apis": return .some(groupList(registry))
        case 2 where segments[0] == "api":
            return .some(resourceList(registry, group: "", version: segments[1]))
        case 2 where segments[0] == "apis":
            guard let entry = groups(registry).first(where: { $0.name == segments[1] }) else { return .some(nil) }
            return .some(group(entry.name, versions: entry.versions))
        case 3 where segments[0] == "apis":
            return .some(resourceList(registry, group: segments[1], version: segments[2]))
        default: return nil
        }
    }
}
