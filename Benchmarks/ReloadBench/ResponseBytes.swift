import Foundation
import KubeSim
import Reloader

/// The response bytes a set of logged requests carried, computed (kube-sim's request log keeps no sizes) from the
/// objects' JSON sizes in the store now: a GET or PATCH of a named object counts that object once; the LIST
/// requests of one collection (however many pages) count every object of that collection once. Good to a few
/// percent for comparing with `StakaterModel`'s figures, which are computed the same way. A pure function of the
/// entries and the store's current state.
enum ResponseBytes {
    /// The parts of an API path: `/api/v1[/namespaces/<ns>]/<resource>[/<name>]` or the same under
    /// `/apis/<group>/<version>`.
    struct Target: Hashable {
        var group: String
        var version: String
        var namespace: String?
        var resource: String
        var name: String?
    }

    static func target(of path: String) -> Target? {
        let parts = path.split(separator: "/").map(String.init)
        var rest: ArraySlice<String>
        var group = ""
        let version: String
        if parts.first == "api", parts.count >= 3 {
            version = parts[1]
            rest = parts.dropFirst(2)
        } else if parts.first == "apis", parts.count >= 4 {
            group = parts[1]
            version = parts[2]
            rest = parts.dropFirst(3)
        } else {
            return nil
        }
        var namespace: String?
        if rest.count >= 3, rest.first == "namespaces" {
            namespace = rest.dropFirst().first
            rest = rest.dropFirst(2)
        }
        guard let resource = rest.first else { return nil }
        return Target(
            group: group, version: version, namespace: namespace, resource: resource, name: rest.dropFirst().first)
    }

    static func computed(_ entries: [RequestLog.Entry], store: ObjectStore) -> Int {
        var total = 0
        var listed = Set<Target>()
        for entry in entries {
            guard let target = target(of: entry.path),
                let type = store.registry.lookup(
                    group: target.group, version: target.version, resource: target.resource)
            else { continue }
            if let name = target.name {
                guard entry.method == "GET" || entry.method == "PATCH",
                    let object = try? store.get(type, namespace: target.namespace, name: name)
                else { continue }
                total += object.serialized().count
            } else if entry.method == "GET", listed.insert(target).inserted {
                for object in store.objects(of: type)
                where target.namespace == nil
                    || object[path: ["metadata", "namespace"]]?.stringValue == target.namespace
                {
                    total += object.serialized().count
                }
            }
        }
        return total
    }
}
