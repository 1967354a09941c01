/// Decides whether one workload must roll because a config changed (contract §2.1 and §4), and which container
/// receives the env var. Pure: the same inputs always give the same decision. Mirrors Reloader's
/// `common.ShouldReload` and `getContainerUsingResource`, plus the idempotence checks of §5.1/§5.2.
public enum ReloadPolicy {
    public static func decide(
        change: ConfigChange, workload: WorkloadSnapshot, options: PolicyOptions
    ) -> ReloadDecision {
        let config = change.config
        let keys = options.annotationKeys

        // Filters on the change itself (contract §6, §7.1, §3).
        switch change.operation {
        case .create where !options.reloadOnCreate: return ReloadDecision(.no(.operationNotEnabled))
        case .delete where !options.reloadOnDelete: return ReloadDecision(.no(.operationNotEnabled))
        default: break
        }
        if options.resourcesToIgnore.contains(config.kind) { return ReloadDecision(.no(.resourceTypeIgnored)) }
        guard config.namespace == workload.ref.namespace else { return ReloadDecision(.no(.otherNamespace)) }
        guard change.isContentChange else { return ReloadDecision(.no(.noDataChange)) }

        // 1. Ignored workload types.
        if options.ignoredWorkloadTypes.contains(workload.ref.kind) { return ReloadDecision(.no(.workloadTypeIgnored)) }
        // 2. ignore: "true" on the config.
        if Annotations.isExactlyTrue(change.annotations[keys.ignore]) { return ReloadDecision(.no(.configIgnored)) }

        // 3. Annotation source: metadata, unless none of this type's reload list, search, auto and this type's
        //    typed auto is there (Reloader checks exactly these four keys); then the pod template.
        let reloadKey = keys.reload(for: config.kind)
        let typedAutoKey = keys.typedAuto(for: config.kind)
        let metadata = workload.metadataAnnotations
        let selecting = [reloadKey, keys.search, keys.auto, typedAutoKey].contains { metadata[$0] != nil }
        let source = selecting ? metadata : workload.templateAnnotations

        // 4. Exclude list, from metadata only: exact trimmed names.
        if let excluded = metadata[keys.exclude(for: config.kind)],
            Annotations.commaList(excluded).contains(config.name)
        {
            return ReloadDecision(.no(.excluded))
        }

        // 5. Named reload list.
        let (named, invalidEntries) = ReloadList(source[reloadKey] ?? "").match(config.name)
        let trigger: ReloadDecision.Trigger?
        if named {
            trigger = .named
        } else if Annotations.isExactlyTrue(source[keys.search]),
            Annotations.isExactlyTrue(change.annotations[keys.match])
        {
            // 6. search + match (usage needed). Search without match falls through to step 7, as in Reloader.
            trigger = .auto
        } else {
            // 7. auto, typed auto, or --auto-reload-all when both are absent or empty.
            trigger = autoTrigger(source, keys: (keys.auto, typedAutoKey), options)
        }
        guard let trigger else { return ReloadDecision(.no(.notSelected), invalidReloadEntries: invalidEntries) }

        func no(_ reason: ReloadDecision.SkipReason) -> ReloadDecision {
            ReloadDecision(.no(reason), invalidReloadEntries: invalidEntries)
        }

        // §4: the container; an auto yes for a workload that does not use the config is a no.
        let usage = workload.usage
        let container: Int
        if let used = usage.containerIndex(using: .init(config.kind, config.name)) {
            container = used
        } else if trigger == .named {
            guard !usage.containers.isEmpty else { return no(.noContainer) }
            container = 0
        } else {
            return no(.notUsed)
        }

        if workload.ref.kind == .cronJob && workload.isSuspended { return no(.cronJobSuspended) }
        if isAlreadyCurrent(change: change, workload: workload, container: container, options: options) {
            return no(.alreadyCurrent)
        }
        return ReloadDecision(.yes(trigger, container: container), invalidReloadEntries: invalidEntries)
    }

    /// Step 7. Reloader parses both values with `strconv.ParseBool` (an invalid value acts as false) and applies
    /// `--auto-reload-all` only when both strings are empty, so `auto: "false"` opts out (C41).
    private static func autoTrigger(
        _ source: [String: String], keys: (auto: String, typedAuto: String), _ options: PolicyOptions
    ) -> ReloadDecision.Trigger? {
        let auto = source[keys.auto] ?? ""
        let typedAuto = source[keys.typedAuto] ?? ""
        if Annotations.parseBool(auto) == true || Annotations.parseBool(typedAuto) == true { return .auto }
        if auto.isEmpty && typedAuto.isEmpty && options.autoReloadAll { return .auto }
        return nil
    }

    /// Whether the workload already carries what the reload would write (contract §5.1, §5.2 Δ, C31, C56): the
    /// env var with this hash in the chosen container (for a DELETE: the var is already gone), or a
    /// last-reloaded-from naming this config with this hash.
    static func isAlreadyCurrent(
        change: ConfigChange, workload: WorkloadSnapshot, container: Int, options: PolicyOptions
    ) -> Bool {
        switch options.reloadStrategy {
        case .envVars:
            guard workload.usage.containers.indices.contains(container) else { return false }
            let name = EnvVarName.forConfig(named: change.config.name, kind: change.config.kind)
            let current = workload.usage.containers[container].reloaderEnvVar(named: name)
            if change.operation == .delete { return current == nil }
            return current?.value == change.hashToWrite
        case .annotations:
            return workload.lastReloadedFrom?.records(change.config, hash: change.hashToWrite) ?? false
        }
    }
}
