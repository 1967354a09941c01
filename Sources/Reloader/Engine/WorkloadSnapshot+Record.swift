extension WorkloadSnapshot {
    /// The snapshot `ReloadPolicy` decides on, rebuilt from what the reverse index keeps of a workload: its kept
    /// annotations, each used config with the container that receives the env var, the `STAKATER_*` env vars and
    /// last-reloaded-from. The record has no volumes or mounts, so each use becomes an env reference of its
    /// container, which `PodTemplateUsage.containerIndex(using:)` resolves to that same container. Container names
    /// are not kept (empty here). Workloads always have a container, so there is at least one (a named reload
    /// of an unused config goes to `containers[0]`). Not kept either: CronJob `spec.suspend` (false here; the
    /// planner re-reads the workload before writing).
    public init(record: WorkloadRecord) {
        let highest =
            (record.uses.map(\.containerIndex) + record.reloaderEnv.map(\.containerIndex)).max() ?? 0
        var containers = [PodTemplateUsage.Container](
            repeating: PodTemplateUsage.Container(
                name: "", volumeMounts: [], envReferences: [], reloaderEnv: []),
            count: max(highest, 0) + 1)
        for use in record.uses where use.containerIndex >= 0 {
            containers[use.containerIndex].envReferences.append(.init(use.kind, use.name))
        }
        for variable in record.reloaderEnv where variable.containerIndex >= 0 {
            let position = containers[variable.containerIndex].reloaderEnv.count
            containers[variable.containerIndex].reloaderEnv.append(
                .init(name: variable.name, value: variable.value, index: position))
        }
        var templateAnnotations = Dictionary(
            record.templateAnnotations.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        if let lastReloadedFrom = record.lastReloadedFrom {
            templateAnnotations[Annotations.lastReloadedFrom] = lastReloadedFrom
        }
        self.init(
            ref: record.ref, uid: record.uid.isEmpty ? nil : record.uid,
            metadataAnnotations: Dictionary(
                record.metadataAnnotations.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }
            ),
            templateAnnotations: templateAnnotations,
            usage: PodTemplateUsage(containers: containers))
    }
}
