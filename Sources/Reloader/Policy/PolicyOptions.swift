/// The flags that shape a reload decision and its patch (contract §7.1). Namespace and label filters are not
/// here: they apply to the config before any workload is considered (`ConfigFilter`). A pure value.
public struct PolicyOptions: Sendable, Hashable {
    /// `--reload-strategy`
    public enum ReloadStrategy: String, Sendable, Hashable, CaseIterable {
        case envVars = "env-vars"
        case annotations
    }

    /// `--auto-reload-all`
    public var autoReloadAll = false
    /// `--reload-strategy`
    public var reloadStrategy = ReloadStrategy.envVars
    /// `--resources-to-ignore` (`configmaps` or `secrets`)
    public var resourcesToIgnore: Set<ConfigKind> = []
    /// `--ignored-workload-types` (`jobs`, `cronjobs`)
    public var ignoredWorkloadTypes: Set<WorkloadKind> = []
    /// The annotation rename flags.
    public var annotationKeys = AnnotationKeys()
    /// `--reload-on-create`
    public var reloadOnCreate = false
    /// `--reload-on-delete`
    public var reloadOnDelete = false
    /// `--enable-csi-integration`: SecretProviderClassPodStatus reviews count as changes of their
    /// SecretProviderClass (`ChangeDetector`); without it they are not configs at all.
    public var isCSIIntegrationEnabled = false

    public init() {}
}
