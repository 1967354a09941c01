import Reloader

/// Builders for the objects the scenarios apply with kubectl (as JSON, which `kubectl apply` reads like YAML).
/// Only what the scenarios vary is a parameter; the rest is the smallest valid object of its kind.
enum Manifests {
    static func namespace(_ name: String, labels: [String: String] = [:]) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name), "labels": .from(labels)]]
    }

    static func configMap(
        _ name: String, in namespace: String, data: [String: String], labels: [String: String] = [:],
        annotations: [String: String] = [:]
    ) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "labels": .from(labels),
                "annotations": .from(annotations),
            ],
            "data": .from(data),
        ]
    }

    /// A Secret given as `stringData` (kube-sim stores it base64-encoded in `data`, as kube-apiserver does).
    static func secret(
        _ name: String, in namespace: String, stringData: [String: String], labels: [String: String] = [:],
        annotations: [String: String] = [:]
    ) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "labels": .from(labels),
                "annotations": .from(annotations),
            ],
            "stringData": .from(stringData),
        ]
    }

    /// One container: `envFrom` the named ConfigMaps/Secrets, `env` with key references, mounts of volumes.
    struct Container {
        var name = "app"
        var envFromConfigMaps: [String] = []
        var envFromSecrets: [String] = []
        var configMapKeyRefs: [String] = []
        var secretKeyRefs: [String] = []
        var mounts: [String] = []
        /// Plain `name: value` env vars, first (as a workload Reloader already reloaded carries them).
        var values: [String: String] = [:]

        var json: JSONValue {
            var container: [String: JSONValue] = ["name": .string(name), "image": "busybox:1.36"]
            var envFrom: [JSONValue] = envFromConfigMaps.map { ["configMapRef": ["name": .string($0)]] }
            envFrom += envFromSecrets.map { ["secretRef": ["name": .string($0)]] }
            if !envFrom.isEmpty { container["envFrom"] = .array(envFrom) }
            var env: [JSONValue] = values.sorted { $0.key < $1.key }.map {
                ["name": .string($0.key), "value": .string($0.value)]
            }
            env += configMapKeyRefs.map {
                [
                    "name": .string("FROM_\($0.count)"),
                    "valueFrom": ["configMapKeyRef": ["name": .string($0), "key": "k"]],
                ]
            }
            env += secretKeyRefs.map {
                [
                    "name": .string("SECRET_\($0.count)"),
                    "valueFrom": ["secretKeyRef": ["name": .string($0), "key": "k"]],
                ]
            }
            if !env.isEmpty { container["env"] = .array(env) }
            if !mounts.isEmpty {
                container["volumeMounts"] = .array(
                    mounts.map { ["name": .string($0), "mountPath": .string("/etc/\($0)")] })
            }
            return .object(container)
        }
    }

    /// A workload of `kind` named `name` in `namespace`, with annotations on its metadata and on its pod template,
    /// its containers, init containers and volumes (each volume a full `volumes[]` entry).
    static func workload(
        _ kind: WorkloadKind, _ name: String, in namespace: String, annotations: [String: String] = [:],
        templateAnnotations: [String: String] = [:], containers: [Container] = [Container()],
        initContainers: [Container] = [], volumes: [JSONValue] = [], suspended: Bool = false
    ) -> JSONValue {
        var podSpec: [String: JSONValue] = ["containers": .array(containers.map(\.json))]
        if !initContainers.isEmpty { podSpec["initContainers"] = .array(initContainers.map(\.json)) }
        if !volumes.isEmpty { podSpec["volumes"] = .array(volumes) }
        if kind == .job || kind == .cronJob { podSpec["restartPolicy"] = "Never" }
        let template: JSONValue = [
            "metadata": ["labels": ["app": .string(name)], "annotations": .from(templateAnnotations)],
            "spec": .object(podSpec),
        ]
        var object: JSONValue = [
            "apiVersion": .string(kind.group.isEmpty ? kind.version : "\(kind.group)/\(kind.version)"),
            "kind": .string(kind.rawValue),
            "metadata": ["name": .string(name), "namespace": .string(namespace), "annotations": .from(annotations)],
        ]
        switch kind {
        case .cronJob:
            var spec: JSONValue = ["schedule": "0 * * * *", "jobTemplate": ["spec": ["template": template]]]
            if suspended { spec["suspend"] = true }
            object["spec"] = spec
        case .job:
            object["spec"] = ["template": template]
        case .deploymentConfig:
            object["spec"] = ["replicas": 1, "selector": ["app": .string(name)], "template": template]
        case .statefulSet:
            object["spec"] = [
                "serviceName": .string(name), "selector": ["matchLabels": ["app": .string(name)]],
                "template": template,
            ]
        default:
            object["spec"] = ["selector": ["matchLabels": ["app": .string(name)]], "template": template]
        }
        return object
    }

    static func configMapVolume(_ name: String, volume: String? = nil) -> JSONValue {
        ["name": .string(volume ?? name), "configMap": ["name": .string(name)]]
    }

    static func secretVolume(_ name: String, volume: String? = nil) -> JSONValue {
        ["name": .string(volume ?? name), "secret": ["secretName": .string(name)]]
    }

    /// A projected volume with one ConfigMap and/or one Secret source.
    static func projectedVolume(_ volume: String, configMap: String? = nil, secret: String? = nil) -> JSONValue {
        var sources: [JSONValue] = []
        if let configMap { sources.append(["configMap": ["name": .string(configMap)]]) }
        if let secret { sources.append(["secret": ["name": .string(secret)]]) }
        return ["name": .string(volume), "projected": ["sources": .array(sources)]]
    }

    /// Several objects as one `kubectl apply -f -` input: a stream of JSON documents (kubectl reads one after another).
    static func list(_ items: [JSONValue]) -> String {
        items.map { String(decoding: $0.serialized(), as: UTF8.self) }.joined(separator: "\n")
    }
}
