/// The reload engine's options, derived from the checked configuration: the one place where flags become policy
/// options, the config filter, the annotation keys the index keeps and the workload kinds that are listed and
/// reloaded. Pure: the executable calls these once at start-up.
extension ReloaderConfiguration {
    /// The annotation keys with the renames of contract §2 applied.
    public var annotationKeys: AnnotationKeys { AnnotationKeys(overrides: annotationKeyOverrides) }

    /// The options `ReloadPolicy` and the planners read.
    public var policyOptions: PolicyOptions {
        var options = PolicyOptions()
        options.autoReloadAll = autoReloadAll
        options.reloadStrategy = reloadStrategy
        options.resourcesToIgnore = resourcesToIgnore
        options.ignoredWorkloadTypes = ignoredWorkloadTypes
        options.annotationKeys = annotationKeys
        options.reloadOnCreate = reloadOnCreate
        options.reloadOnDelete = reloadOnDelete
        options.isCSIIntegrationEnabled = isCSIIntegrationEnabled
        return options
    }

    /// Which configs are watched at all. The selectors were validated when the flags were read, so a parse failure
    /// here is an invariant broken by a caller that built the configuration by hand: it is reported, not ignored.
    public func configFilter() throws(LabelSelector.ParseError) -> ConfigFilter {
        var filter = ConfigFilter()
        filter.namespaces = Set(namespaces)
        filter.namespacesToIgnore = Set(namespacesToIgnore)
        filter.namespaceSelector = try LabelSelector(entries: namespaceSelector)
        filter.resourceLabelSelector = try LabelSelector(entries: resourceLabelSelector)
        return filter
    }

    /// How alerts are sent (contract §10), or nil when no alert is sent: alerts off, or a mode that reloads nothing
    /// (`--dry-run`, `--webhook-url`) and so has nothing to alert about.
    public var alertSettings: AlertNotifier.Settings? {
        guard alerts.isEnabled, !isDryRun, webhookURL == nil, !alerts.webhookURL.isEmpty else { return nil }
        return AlertNotifier.Settings(
            sink: ReloadAlert.Sink(name: alerts.sink), url: alerts.webhookURL,
            proxy: alerts.proxy.isEmpty ? nil : alerts.proxy, additionalInfo: alerts.additionalInfo,
            strategy: reloadStrategy.rawValue)
    }

    /// The workload kinds reloader lists, indexes and reloads (contract §1, §7.1; `WorkloadLister.Options.kinds`).
    public var workloadKinds: Set<WorkloadKind> {
        Set(
            WorkloadLister.Options.kinds(
                ignoredWorkloadTypes: ignoredWorkloadTypes, isArgoRolloutsEnabled: isArgoRolloutsEnabled,
                isOpenShiftEnabled: isOpenShiftEnabled))
    }

    /// The workload annotation keys the reverse index keeps, under their configured names.
    public var indexedAnnotationKeys: IndexedAnnotationKeys { IndexedAnnotationKeys(annotationKeys) }

    /// The admission side's options.
    public func admissionOptions() throws(LabelSelector.ParseError) -> AdmissionEngine.Options {
        AdmissionEngine.Options(
            policy: policyOptions, filter: try configFilter(), dryRun: isDryRun, workloadKinds: workloadKinds)
    }

    /// The reload queue's options: the coalesce window; the rest keep their documented defaults.
    public var reloadQueueOptions: ReloadQueueStateMachine.Options {
        ReloadQueueStateMachine.Options(coalesceWindow: coalesceWindow)
    }
}
