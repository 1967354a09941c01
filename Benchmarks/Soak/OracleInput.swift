import KubeSim
import Reloader

/// Reads what the oracle needs from kube-sim's store at the end of a run: the rollout record, each workload's
/// final env vars, the Deployments left paused and each config's stored content hash.
enum OracleInput {
    static func collect(
        layout: SoakLayout, initialHashes: [ConfigRef: String], writes: [WriteRecord], store: ObjectStore,
        coalesceWindow: Double
    ) throws(SoakError) -> SoakOracle.Input {
        func type(_ group: String, _ resource: String) throws(SoakError) -> ResourceType {
            guard let type = store.registry.lookup(group: group, version: "v1", resource: resource) else {
                throw .setup("kube-sim has no \(resource)")
            }
            return type
        }
        let rollouts: [SoakOracle.Rollout] = store.rollouts().compactMap { record in
            guard let kind = WorkloadKind(rawValue: record.kind), let namespace = record.namespace,
                let version = Int(record.resourceVersion)
            else { return nil }
            var env: [String: String?] = [:]
            for change in record.env { env[change.name] = change.newValue }
            return SoakOracle.Rollout(
                workload: WorkloadRef(kind: kind, namespace: namespace, name: record.name), resourceVersion: version,
                env: env, time: record.time)
        }
        var finalEnv: [WorkloadRef: [String: String]] = [:]
        var paused: [WorkloadRef] = []
        for workload in layout.workloads {
            let ref = workload.ref
            let object: JSONValue
            do {
                object = try store.get(
                    try type(ref.kind.group, ref.kind.resource), namespace: ref.namespace, name: ref.name)
            } catch {
                throw .setup("cannot read \(ref) at the end: \(error)")
            }
            var env: [String: String] = [:]
            for container in object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? [] {
                for variable in container["env"]?.arrayValue ?? [] {
                    guard let name = variable["name"]?.stringValue, let value = variable["value"]?.stringValue else {
                        continue
                    }
                    env[name] = value
                }
            }
            finalEnv[ref] = env
            if object[path: ["spec", "paused"]]?.boolValue == true { paused.append(ref) }
        }
        var finalConfigHashes: [ConfigRef: String] = [:]
        for config in layout.configs {
            let resource = config.kind == .configMap ? "configmaps" : "secrets"
            do {
                let object = try store.get(try type("", resource), namespace: config.namespace, name: config.name)
                finalConfigHashes[config] = ConfigContent.hash(of: object, kind: config.kind) ?? ""
            } catch {
                throw .setup("cannot read \(config) at the end: \(error)")
            }
        }
        return SoakOracle.Input(
            layout: layout, initialHashes: initialHashes, writes: writes, rollouts: rollouts, finalEnv: finalEnv,
            pausedDeployments: paused, finalConfigHashes: finalConfigHashes, coalesceWindow: coalesceWindow)
    }
}
