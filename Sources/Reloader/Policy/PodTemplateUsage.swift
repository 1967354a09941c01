/// Which configs a pod template uses, and which container receives the env var (contract §4), reduced to the
/// few names needed: volumes and their config references, and per container its mounts, its config references
/// and its `STAKATER_*` env vars. Small enough for the reverse index to keep per workload; no config content.
/// Mirrors Reloader's `getContainerUsingResource` (internal/pkg/handler/upgrade.go). A pure value.
///
/// Not counted, as in Reloader: ephemeral containers, `imagePullSecrets`, service-account token Secrets. The
/// namespace is the workload's own; `ReloadPolicy` refuses configs of other namespaces.
public struct PodTemplateUsage: Sendable, Hashable {
    /// A config named by the template.
    public struct Reference: Sendable, Hashable {
        public var kind: ConfigKind
        public var name: String
        public init(_ kind: ConfigKind, _ name: String) {
            self.kind = kind
            self.name = name
        }
    }

    public struct Volume: Sendable, Hashable {
        public var name: String
        /// `configMap.name`, `secret.secretName`, projected sources, CSI `secretProviderClass`.
        public var references: [Reference]
    }

    /// One env entry whose name starts with `STAKATER_`, with its position in the container's `env` list.
    public struct ReloaderEnvVar: Sendable, Hashable {
        public var name: String
        public var value: String
        public var index: Int
    }

    public struct Container: Sendable, Hashable {
        public var name: String
        public var volumeMounts: [String]
        /// `env[].valueFrom` references, then `envFrom[]` references, in list order.
        public var envReferences: [Reference]
        public var reloaderEnv: [ReloaderEnvVar]

        public func reloaderEnvVar(named name: String) -> ReloaderEnvVar? {
            reloaderEnv.first { $0.name == name }
        }
    }

    public var volumes: [Volume]
    public var containers: [Container]
    public var initContainers: [Container]

    public init(volumes: [Volume] = [], containers: [Container] = [], initContainers: [Container] = []) {
        self.volumes = volumes
        self.containers = containers
        self.initContainers = initContainers
    }

    /// Reads a pod template (`{"metadata": …, "spec": {…}}`); missing or mistyped fields count as absent.
    public init(podTemplate: JSONValue?) {
        let spec = podTemplate?["spec"]
        volumes = (spec?["volumes"]?.arrayValue ?? []).map(Self.volume)
        containers = (spec?["containers"]?.arrayValue ?? []).map(Self.container)
        initContainers = (spec?["initContainers"]?.arrayValue ?? []).map(Self.container)
    }

    /// Every config the template uses (volumes, env and envFrom of containers and init containers).
    public var references: Set<Reference> {
        var all = Set(volumes.flatMap(\.references))
        for container in containers + initContainers { all.formUnion(container.envReferences) }
        return all
    }

    /// The index in `containers` of the container that uses the config, in contract §4 order, or nil when the
    /// template does not use it (or has no regular container to receive the var).
    public func containerIndex(using reference: Reference) -> Int? {
        // 1. The first volume naming the config; the first regular container mounting it; init only: containers[0].
        if let volume = volumes.first(where: { $0.references.contains(reference) }) {
            if let index = containers.firstIndex(where: { $0.volumeMounts.contains(volume.name) }) { return index }
            if initContainers.contains(where: { $0.volumeMounts.contains(volume.name) }) {
                return containers.isEmpty ? nil : 0
            }
        }
        // 2. env valueFrom then envFrom, per container as Reloader scans them; init containers map to containers[0].
        if let index = containers.firstIndex(where: { $0.envReferences.contains(reference) }) { return index }
        if initContainers.contains(where: { $0.envReferences.contains(reference) }) {
            return containers.isEmpty ? nil : 0
        }
        return nil
    }

    private static func volume(_ json: JSONValue) -> Volume {
        var references: [Reference] = []
        if let name = json["configMap"]?["name"]?.stringValue { references.append(Reference(.configMap, name)) }
        if let name = json["secret"]?["secretName"]?.stringValue { references.append(Reference(.secret, name)) }
        for source in json["projected"]?["sources"]?.arrayValue ?? [] {
            if let name = source["configMap"]?["name"]?.stringValue { references.append(Reference(.configMap, name)) }
            if let name = source["secret"]?["name"]?.stringValue { references.append(Reference(.secret, name)) }
        }
        if let name = json["csi"]?["volumeAttributes"]?["secretProviderClass"]?.stringValue {
            references.append(Reference(.secretProviderClass, name))
        }
        return Volume(name: json["name"]?.stringValue ?? "", references: references)
    }

    private static func container(_ json: JSONValue) -> Container {
        var references: [Reference] = []
        var reloaderEnv: [ReloaderEnvVar] = []
        for (index, entry) in (json["env"]?.arrayValue ?? []).enumerated() {
            if let name = entry["valueFrom"]?["configMapKeyRef"]?["name"]?.stringValue {
                references.append(Reference(.configMap, name))
            }
            if let name = entry["valueFrom"]?["secretKeyRef"]?["name"]?.stringValue {
                references.append(Reference(.secret, name))
            }
            if let name = entry["name"]?.stringValue, name.hasPrefix(EnvVarName.prefix) {
                reloaderEnv.append(ReloaderEnvVar(name: name, value: entry["value"]?.stringValue ?? "", index: index))
            }
        }
        for entry in json["envFrom"]?.arrayValue ?? [] {
            if let name = entry["configMapRef"]?["name"]?.stringValue { references.append(Reference(.configMap, name)) }
            if let name = entry["secretRef"]?["name"]?.stringValue { references.append(Reference(.secret, name)) }
        }
        return Container(
            name: json["name"]?.stringValue ?? "",
            volumeMounts: (json["volumeMounts"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue },
            envReferences: references, reloaderEnv: reloaderEnv)
    }
}
