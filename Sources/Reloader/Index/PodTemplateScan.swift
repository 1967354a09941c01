/// The parts of a pod template that decide usage (contract §4), as either extraction path reads them: the volumes
/// that reference configs, and per container its volume mounts, its env references and its `STAKATER_*` env vars.
/// Ephemeral containers and `imagePullSecrets` are never read (not counted, same as Reloader). Transient: it lives
/// for one item of a list page. A pure value.
struct PodTemplateScan {
    struct VolumeReference {
        var volume: String
        var kind: ConfigKind
        var config: String
    }

    struct Container {
        var mounts: [String] = []
        /// `env[].valueFrom.*KeyRef` and `envFrom[].*Ref`, in document order.
        var envReferences: [(kind: ConfigKind, name: String)] = []
        var reloaderEnv: [(name: String, value: String)] = []
    }

    var volumes: [VolumeReference] = []
    var containers: [Container] = []
    var initContainers: [Container] = []

    /// The used configs and their containers, in Reloader's order (`getContainerUsingResource` in
    /// Reloader's `internal/pkg/callbacks/rolling_upgrade.go`): a volume referencing the config and mounted by a
    /// regular container gives that container; mounted only by an init container, `containers[0]`; then an env
    /// reference in a regular container gives that container, in an init container `containers[0]`. A volume that
    /// no container mounts, and no env reference, means "not used" (an auto decision does not reload).
    func uses() -> [WorkloadRecord.ConfigUse] {
        guard !containers.isEmpty else { return [] }
        var candidates: [(kind: ConfigKind, name: String)] = []
        func consider(_ kind: ConfigKind, _ name: String) {
            guard !name.isEmpty, !candidates.contains(where: { $0.kind == kind && $0.name == name }) else { return }
            candidates.append((kind, name))
        }
        for volume in volumes { consider(volume.kind, volume.config) }
        for container in containers {
            for reference in container.envReferences { consider(reference.kind, reference.name) }
        }
        for container in initContainers {
            for reference in container.envReferences { consider(reference.kind, reference.name) }
        }

        var result: [WorkloadRecord.ConfigUse] = []
        result.reserveCapacity(candidates.count)
        for (kind, name) in candidates {
            if let index = container(for: kind, name) {
                result.append(WorkloadRecord.ConfigUse(kind: kind, name: name, containerIndex: index))
            }
        }
        return result
    }

    private func container(for kind: ConfigKind, _ name: String) -> Int? {
        if let volume = volumes.first(where: { $0.kind == kind && $0.config == name })?.volume {
            if let index = containers.firstIndex(where: { $0.mounts.contains(volume) }) { return index }
            if initContainers.contains(where: { $0.mounts.contains(volume) }) { return 0 }
        }
        let referencing: (Container) -> Bool = { container in
            container.envReferences.contains { $0.kind == kind && $0.name == name }
        }
        if let index = containers.firstIndex(where: referencing) { return index }
        if initContainers.contains(where: referencing) { return 0 }
        return nil
    }

    /// `STAKATER_*` env vars of the regular containers, where the env-vars strategy writes them.
    func reloaderEnv() -> [WorkloadRecord.ReloaderEnvVar] {
        var result: [WorkloadRecord.ReloaderEnvVar] = []
        for (index, container) in containers.enumerated() {
            for variable in container.reloaderEnv {
                result.append(
                    WorkloadRecord.ReloaderEnvVar(containerIndex: index, name: variable.name, value: variable.value))
            }
        }
        return result
    }
}
