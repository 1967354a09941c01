import Foundation
import KubeSim
import Reloader

/// The synthetic cluster of the API-cost measurement, written straight into kube-sim's store (no HTTP, no
/// webhook: nothing is registered yet). `workloads` Deployments over `namespaces` namespaces, each using exactly 3
/// configs of its namespace: two ConfigMaps (one through `envFrom`, one through a volume) and one Secret (an env
/// `secretKeyRef`); one config per 3 workloads, two ConfigMaps to one Secret, so each config is used by about 9
/// workloads. Sizes: each ConfigMap holds 2 KiB of data, each Secret 1 KiB (decoded). Every Deployment has
/// `reloader.stakater.com/auto: "true"` and carries, for each config it uses, the `STAKATER_<NAME>_<TYPE>` env var
/// with the config's current hash: the state after each config was changed once, so the reconciler reads every
/// config at each resync (its worst case) and finds nothing stale. Two configs are set apart: `solo-config`
/// (namespace 0) is used by one Deployment, `shared-config` (namespace 1) by exactly `sharedUsers` Deployments.
struct ClusterSeed {
    struct Layout: Sendable {
        var workloads: Int
        var namespaces: Int
        var sharedUsers = 100

        var perNamespace: Int { workloads / namespaces }
        var configMapsPerNamespace: Int { max(2, perNamespace / 3 * 2 / 3) }
        var secretsPerNamespace: Int { max(1, perNamespace / 3 - configMapsPerNamespace) }

        static func namespace(_ index: Int) -> String { String(format: "team-%02d", index) }
        static func deployment(_ index: Int) -> String { String(format: "svc-%04d", index) }
        static func configMap(_ index: Int) -> String { String(format: "app-config-%03d", index) }
        static func secret(_ index: Int) -> String { String(format: "app-secret-%03d", index) }
    }

    /// What was seeded, for the report and the computed Stakater figures.
    struct Summary: Sendable {
        var workloads = 0
        var configMaps = 0
        var secrets = 0
        /// Every object as stored (its JSON), ConfigMaps and Secrets apart.
        var configMapBytes = 0
        var secretBytes = 0
        var deploymentBytes = 0
        /// The values in `data` (Secret values decoded), what a config's content is.
        var configMapDataBytes = 0
        var secretDataBytes = 0
        var references = 0
    }

    static let soloConfig = "solo-config"
    static let sharedConfig = "shared-config"

    let layout: Layout
    let store: ObjectStore

    func seed() throws -> Summary {
        var summary = Summary()
        for namespaceIndex in 0..<layout.namespaces {
            let namespace = Layout.namespace(namespaceIndex)
            try create("namespaces", namespace: nil, ["metadata": ["name": .string(namespace)]])
            var hashes: [ConfigRef: String] = [:]
            func addConfigMap(_ name: String) throws {
                let data = ClusterSeed.configMapData(name)
                let stored = try create(
                    "configmaps", namespace: namespace, ClusterSeed.configMap(name, namespace, data))
                hashes[ConfigRef(kind: .configMap, namespace: namespace, name: name)] =
                    ContentHash.configMap(data: data, binaryData: nil)
                summary.configMaps += 1
                summary.configMapBytes += stored
                summary.configMapDataBytes += data.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            }
            for index in 0..<layout.configMapsPerNamespace { try addConfigMap(Layout.configMap(index)) }
            if namespaceIndex == 0 { try addConfigMap(Self.soloConfig) }
            if namespaceIndex == 1 { try addConfigMap(Self.sharedConfig) }
            for index in 0..<layout.secretsPerNamespace {
                let name = Layout.secret(index)
                let data = ClusterSeed.secretData(name)
                let stored = try create("secrets", namespace: namespace, ClusterSeed.secret(name, namespace, data))
                hashes[ConfigRef(kind: .secret, namespace: namespace, name: name)] = try ContentHash.secret(data: data)
                summary.secrets += 1
                summary.secretBytes += stored
                summary.secretDataBytes += data.reduce(0) {
                    $0 + $1.key.utf8.count + (Base64.decode($1.value)?.count ?? 0)
                }
            }
            for index in 0..<layout.perNamespace {
                let uses = references(namespaceIndex: namespaceIndex, index: index)
                let markers = uses.map { use in
                    let config = ConfigRef(kind: use.kind, namespace: namespace, name: use.name)
                    return (EnvVarName.forConfig(named: use.name, kind: use.kind), hashes[config] ?? "")
                }
                let body = Self.deployment(Layout.deployment(index), namespace, uses: uses, markers: markers)
                summary.deploymentBytes += try create("deployments", group: "apps", namespace: namespace, body)
                summary.workloads += 1
                summary.references += uses.count
            }
        }
        return summary
    }

    /// The 3 configs Deployment `index` of a namespace uses: ConfigMaps `index` and `index + half` (mod the pool),
    /// Secret `index` (mod the pool); the first ConfigMap is replaced by a set-apart config where the layout says.
    func references(namespaceIndex: Int, index: Int) -> [ConfigUse] {
        let maps = layout.configMapsPerNamespace
        var first = Layout.configMap(index % maps)
        if namespaceIndex == 0 && index == 0 { first = Self.soloConfig }
        if namespaceIndex == 1 && index < layout.sharedUsers { first = Self.sharedConfig }
        return [
            ConfigUse(kind: .configMap, name: first, style: .envFrom),
            ConfigUse(kind: .configMap, name: Layout.configMap((index + maps / 2) % maps), style: .volume),
            ConfigUse(kind: .secret, name: Layout.secret(index % layout.secretsPerNamespace), style: .envKey),
        ]
    }

    /// Creates through the store (admission included, with no webhook registered) and returns the stored size.
    @discardableResult
    private func create(
        _ resource: String, group: String = "", namespace: String?, _ body: JSONValue
    ) throws -> Int {
        guard let type = store.registry.lookup(group: group, version: "v1", resource: resource) else {
            throw BenchError.setup("kube-sim has no \(resource)")
        }
        return try store.create(type, namespace: namespace, body: body).object.serialized().count
    }
}
