public import KubeSim
public import Reloader

/// Writes a `SoakLayout` into kube-sim's store before any webhook is registered (no HTTP, no review): the lease
/// namespace, the namespaces, every config with its first content, and every workload carrying, for each config it
/// uses, the `STAKATER_<NAME>_<TYPE>` env var with that config's current hash. The markers are the point: the
/// contract's reconciler (§6) reloads only workloads that already carry one, so an unseeded workload whose first
/// reload is lost (a replica SIGKILLed inside the coalesce window) would never be caught, and the soak would
/// report a miss the design accepts. Seeding puts every workload in the state after its first reload.
public enum SoakSeed {
    /// The content every config starts with.
    public static func initialToken(_ config: ConfigRef) -> String { "seed-\(config.name)" }

    /// Creates everything; returns each config's initial content hash.
    public static func seed(_ layout: SoakLayout, into store: ObjectStore) throws(SoakError) -> [ConfigRef: String] {
        func create(_ resource: String, group: String = "", _ namespace: String?, _ body: JSONValue) throws(SoakError) {
            guard let type = store.registry.lookup(group: group, version: "v1", resource: resource) else {
                throw .setup("kube-sim has no \(resource)")
            }
            do {
                _ = try store.create(type, namespace: namespace, body: body)
            } catch {
                throw .setup("cannot create \(resource) in \(namespace ?? "the cluster"): \(error)")
            }
        }
        var hashes: [ConfigRef: String] = [:]
        for namespace in [SoakLayout.leaseNamespace] + layout.namespaces {
            try create("namespaces", nil, ["metadata": ["name": .string(namespace)]])
        }
        for config in layout.configs {
            let token = initialToken(config)
            hashes[config] = ConfigContent.hash(config.kind, token: token)
            try create(config.kind == .configMap ? "configmaps" : "secrets", config.namespace, object(config, token))
        }
        for workload in layout.workloads {
            let markers = workload.uses.map { use in
                (EnvVarName.forConfig(named: use.config.name, kind: use.config.kind), hashes[use.config] ?? "")
            }
            try create(
                workload.ref.kind.resource, group: workload.ref.kind.group, workload.ref.namespace,
                Self.workload(workload, markers: markers))
        }
        return hashes
    }

    static func object(_ config: ConfigRef, _ token: String) -> JSONValue {
        var object: JSONValue = [
            "apiVersion": "v1", "kind": .string(config.kind.rawValue),
            "metadata": [
                "name": .string(config.name), "namespace": .string(config.namespace),
                "labels": ["app.kubernetes.io/part-of": "soak"],
            ],
            "data": ConfigContent.data(config.kind, token: token),
        ]
        if config.kind == .secret { object["type"] = "Opaque" }
        return object
    }

    /// The workload, its pod template referring to each use in the use's style, its env carrying `markers`.
    static func workload(_ workload: SoakLayout.Workload, markers: [(name: String, value: String)]) -> JSONValue {
        var env: [JSONValue] = [["name": "PORT", "value": "8080"]]
        var envFrom: [JSONValue] = []
        var volumes: [JSONValue] = []
        var mounts: [JSONValue] = []
        var projected: [JSONValue] = []
        for (position, use) in workload.uses.enumerated() {
            let isSecret = use.config.kind == .secret
            let name = JSONValue.string(use.config.name)
            switch use.style {
            case .envKey:
                let reference: JSONValue = ["name": name, "key": "value"]
                env.append([
                    "name": .string("VALUE_\(position)"),
                    "valueFrom": isSecret ? ["secretKeyRef": reference] : ["configMapKeyRef": reference],
                ])
            case .envFrom:
                envFrom.append(isSecret ? ["secretRef": ["name": name]] : ["configMapRef": ["name": name]])
            case .volume:
                let volume = JSONValue.string("config-\(position)")
                volumes.append(
                    isSecret
                        ? ["name": volume, "secret": ["secretName": name]]
                        : ["name": volume, "configMap": ["name": name]])
                mounts.append(["name": volume, "mountPath": .string("/etc/config-\(position)"), "readOnly": true])
            case .projected:
                projected.append(isSecret ? ["secret": ["name": name]] : ["configMap": ["name": name]])
            case .unreferenced:
                break
            }
        }
        if !projected.isEmpty {
            volumes.append(["name": "bundle", "projected": ["sources": .array(projected)]])
            mounts.append(["name": "bundle", "mountPath": "/etc/bundle", "readOnly": true])
        }
        for marker in markers { env.append(["name": .string(marker.name), "value": .string(marker.value)]) }
        var container: JSONValue = ["name": "app", "image": "registry.example.com/soak/app:1.0", "env": .array(env)]
        if !envFrom.isEmpty { container["envFrom"] = .array(envFrom) }
        if !mounts.isEmpty { container["volumeMounts"] = .array(mounts) }
        var podSpec: JSONValue = ["containers": [container]]
        if !volumes.isEmpty { podSpec["volumes"] = .array(volumes) }
        let ref = workload.ref
        var annotations: [String: String] = [:]
        if workload.isAuto {
            annotations["reloader.stakater.com/auto"] = "true"
        } else {
            let maps = workload.uses.filter { $0.config.kind == .configMap }.map(\.config.name)
            let secrets = workload.uses.filter { $0.config.kind == .secret }.map(\.config.name)
            if !maps.isEmpty { annotations["configmap.reloader.stakater.com/reload"] = maps.joined(separator: ",") }
            if !secrets.isEmpty { annotations["secret.reloader.stakater.com/reload"] = secrets.joined(separator: ",") }
        }
        var spec: JSONValue = [
            "selector": ["matchLabels": ["app": .string(ref.name)]],
            "template": ["metadata": ["labels": ["app": .string(ref.name)]], "spec": podSpec],
        ]
        if ref.kind != .daemonSet { spec["replicas"] = 2 }
        if ref.kind == .statefulSet { spec["serviceName"] = .string(ref.name) }
        return [
            "apiVersion": "apps/v1", "kind": .string(ref.kind.rawValue),
            "metadata": [
                "name": .string(ref.name), "namespace": .string(ref.namespace), "annotations": .from(annotations),
            ],
            "spec": spec,
        ]
    }
}

/// A config's content in the soak: one key, `value`, holding a token (base64 in a Secret's `data`), and its content
/// hash as contract §3 computes it. Pure.
public enum ConfigContent {
    public static func data(_ kind: ConfigKind, token: String) -> JSONValue {
        kind == .secret ? ["value": .string(Base64.encode(Array(token.utf8)))] : ["value": .string(token)]
    }

    public static func hash(_ kind: ConfigKind, token: String) -> String {
        if kind == .secret {
            // Cannot fail: the value is base64 made just above.
            return (try? ContentHash.secret(data: ["value": Base64.encode(Array(token.utf8))])) ?? ""
        }
        return ContentHash.configMap(data: ["value": token], binaryData: nil)
    }

    /// The hash of a stored object's content, as reloader computes it.
    public static func hash(of object: JSONValue, kind: ConfigKind) -> String? {
        let data = object["data"]?.stringMapValue
        if kind == .secret { return try? ContentHash.secret(data: data) }
        return ContentHash.configMap(data: data, binaryData: object["binaryData"]?.stringMapValue)
    }
}
