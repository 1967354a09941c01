@testable import Reloader

/// Small builders for pod templates and workloads in policy tests.
enum PolicyFixtures {
    static func container(
        _ name: String, env: [JSONValue] = [], envFrom: [JSONValue] = [], mounts: [String] = []
    ) -> JSONValue {
        var container: JSONValue = ["name": .string(name), "image": "nginx"]
        if !env.isEmpty { container["env"] = .array(env) }
        if !envFrom.isEmpty { container["envFrom"] = .array(envFrom) }
        if !mounts.isEmpty {
            container["volumeMounts"] = .array(mounts.map { ["name": .string($0), "mountPath": "/etc/x"] })
        }
        return container
    }

    static func template(
        containers: [JSONValue], initContainers: [JSONValue] = [], volumes: [JSONValue] = [],
        annotations: [String: String] = [:]
    ) -> JSONValue {
        var spec: JSONValue = ["containers": .array(containers)]
        if !initContainers.isEmpty { spec["initContainers"] = .array(initContainers) }
        if !volumes.isEmpty { spec["volumes"] = .array(volumes) }
        var template: JSONValue = ["metadata": ["labels": ["app": "web"]], "spec": spec]
        if !annotations.isEmpty { template["metadata"]?["annotations"] = .from(annotations) }
        return template
    }

    static func configMapKeyRef(_ name: String) -> JSONValue {
        ["name": "X", "valueFrom": ["configMapKeyRef": ["name": .string(name), "key": "k"]]]
    }
    static func secretKeyRef(_ name: String) -> JSONValue {
        ["name": "Y", "valueFrom": ["secretKeyRef": ["name": .string(name), "key": "k"]]]
    }
    static func configMapRef(_ name: String) -> JSONValue { ["configMapRef": ["name": .string(name)]] }
    static func secretRef(_ name: String) -> JSONValue { ["secretRef": ["name": .string(name)]] }
    static func configMapVolume(_ volume: String, _ name: String) -> JSONValue {
        ["name": .string(volume), "configMap": ["name": .string(name)]]
    }
    static func secretVolume(_ volume: String, _ name: String) -> JSONValue {
        ["name": .string(volume), "secret": ["secretName": .string(name)]]
    }

    /// A workload object of `kind` in namespace `shop` named `web`, with the template at the kind's path.
    static func workload(
        _ kind: WorkloadKind = .deployment, name: String = "web", annotations: [String: String] = [:],
        template: JSONValue, uid: String = "uid-1", extraSpec: [String: JSONValue] = [:]
    ) -> JSONValue {
        var metadata: JSONValue = ["name": .string(name), "namespace": "shop", "uid": .string(uid)]
        if !annotations.isEmpty { metadata["annotations"] = .from(annotations) }
        var object: JSONValue = [
            "apiVersion": .string(kind.group.isEmpty ? kind.version : "\(kind.group)/\(kind.version)"),
            "kind": .string(kind.rawValue), "metadata": metadata,
        ]
        var spec: JSONValue = .object(extraSpec)
        if kind == .cronJob {
            spec["schedule"] = "*/5 * * * *"
            spec["jobTemplate"] = ["metadata": ["labels": ["team": "a"]], "spec": ["template": template]]
        } else {
            spec["template"] = template
        }
        object["spec"] = spec
        return object
    }

    static func snapshot(_ object: JSONValue, _ kind: WorkloadKind = .deployment) -> WorkloadSnapshot {
        WorkloadSnapshot(kind: kind, object: object)
    }

    static func update(
        _ kind: ConfigKind = .configMap, _ name: String = "app-config", annotations: [String: String] = [:]
    )
        -> ConfigChange
    {
        ConfigChange(
            config: ConfigRef(kind: kind, namespace: "shop", name: name), annotations: annotations,
            oldHash: "old", newHash: "new", operation: .update)
    }
}
