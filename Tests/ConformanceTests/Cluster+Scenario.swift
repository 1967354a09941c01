import Reloader
import Testing

/// The steps every scenario repeats: set up a namespace, write with kubectl, let reloader finish, read the result.
extension Cluster {
    /// Applies the namespace and `objects` in one `kubectl apply`, then waits until reloader has handled the
    /// creations (they reload nothing unless a scenario turns on `--reload-on-create`).
    func setUp(_ namespace: String, labels: [String: String] = [:], _ objects: [JSONValue]) async throws {
        try await apply(Manifests.list([Manifests.namespace(namespace, labels: labels)] + objects))
        try await settle()
    }

    /// Changes a ConfigMap's data with `kubectl patch` and waits until reloader has finished with it.
    func changeConfigMap(_ name: String, in namespace: String, data: [String: String]) async throws {
        let patch: JSONValue = ["data": .from(data)]
        try await mergePatch("configmap", name, in: namespace, String(decoding: patch.serialized(), as: UTF8.self))
        try await settle()
    }

    /// Changes a Secret's data (through `stringData`) with `kubectl patch` and waits until reloader has finished.
    func changeSecret(_ name: String, in namespace: String, stringData: [String: String]) async throws {
        let patch: JSONValue = ["stringData": .from(stringData)]
        try await mergePatch("secret", name, in: namespace, String(decoding: patch.serialized(), as: UTF8.self))
        try await settle()
    }

    /// The stored workload object.
    func workload(_ kind: WorkloadKind, _ name: String, in namespace: String) throws -> JSONValue {
        try object(kind.resource, group: kind.group, version: kind.version, name, in: namespace)
    }

    /// The value of env var `variable` in the workload's containers (the first container that has it), or nil.
    func env(_ variable: String, of kind: WorkloadKind, _ name: String, in namespace: String) throws -> String? {
        let object = try workload(kind, name, in: namespace)
        let containers = object[path: kind.podTemplatePath + ["spec", "containers"]]?.arrayValue ?? []
        for container in containers {
            for entry in container["env"]?.arrayValue ?? [] where entry["name"]?.stringValue == variable {
                return entry["value"]?.stringValue
            }
        }
        return nil
    }

    /// The number of rollouts kube-sim recorded for one workload.
    func rolloutCount(_ kind: WorkloadKind, _ name: String, in namespace: String) -> Int {
        rollouts(in: namespace, kind: kind.rawValue, name: name).count
    }
}

/// The content hash reloader must write for ConfigMap data (contract §3).
func configMapHash(_ data: [String: String]) -> String {
    ContentHash.configMap(data: data, binaryData: nil)
}

/// The content hash reloader must write for Secret string data (contract §3: the decoded bytes).
func secretHash(_ stringData: [String: String]) throws -> String {
    try ContentHash.secret(data: stringData.mapValues { Base64.encode(Array($0.utf8)) })
}

/// The kinds the contract's ×3 scenarios run for.
let podControllerKinds: [WorkloadKind] = [.deployment, .daemonSet, .statefulSet]
