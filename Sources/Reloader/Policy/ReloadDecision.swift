/// The outcome of `ReloadPolicy.decide` for one config change and one workload, with the reload-list entries
/// that failed to compile on the way (the caller logs them naming the workload, C30). A pure value.
public struct ReloadDecision: Sendable, Hashable {
    /// Why a reload was decided: a named list (usage not needed) or auto/search (usage needed).
    public enum Trigger: String, Sendable, Hashable {
        case named
        case auto
    }

    /// Why no reload; `metricLabel` is the `reason` of `reloader_skipped_total` (contract §11).
    public enum SkipReason: String, Sendable, Hashable {
        /// CREATE without `--reload-on-create`, DELETE without `--reload-on-delete`.
        case operationNotEnabled
        /// `--resources-to-ignore`
        case resourceTypeIgnored
        /// The config is in another namespace than the workload.
        case otherNamespace
        /// Same content hash: a labels- or annotations-only change.
        case noDataChange
        /// `--ignored-workload-types`
        case workloadTypeIgnored
        /// `ignore: "true"` on the config.
        case configIgnored
        /// In this type's exclude list.
        case excluded
        /// No reload entry, search/match, auto or auto-reload-all selects it.
        case notSelected
        /// An auto decision for a workload that does not use the config.
        case notUsed
        /// A named decision for a pod template without containers.
        case noContainer
        /// Δ A suspended CronJob gets no Job.
        case cronJobSuspended
        /// The workload object lacks what the write needs (a CronJob without `metadata.uid`, a Job without a name).
        case incompleteWorkload
        /// The workload already carries this hash (env var or last-reloaded-from): nothing to write.
        case alreadyCurrent

        public var metricLabel: String {
            switch self {
            case .noDataChange: "no_data_change"
            case .alreadyCurrent: "strategy_not_updated"
            default: "ignored_or_not_selected"
            }
        }
    }

    public enum Verdict: Sendable, Hashable {
        case no(SkipReason)
        /// `container`: the index in the pod template's `containers` that receives the env var.
        case yes(Trigger, container: Int)
    }

    public var verdict: Verdict
    public var invalidReloadEntries: [ReloadList.InvalidEntry]

    public init(_ verdict: Verdict, invalidReloadEntries: [ReloadList.InvalidEntry] = []) {
        self.verdict = verdict
        self.invalidReloadEntries = invalidReloadEntries
    }

    public var isReload: Bool {
        if case .yes = verdict { return true }
        return false
    }
}
