/// Every command-line flag of `reloader` (contract §7.1, §7.2 and the rename flags of §2): its name as written on
/// the command line, its aliases, how it takes a value, and the default shown in `--help`. The only place flag
/// names are spelled: the executable's option type, the Go-style pre-pass, `ConfigurationError` and the tests all
/// read them from here (the option type lives in the executable, but validation is pure and lives in this module,
/// so the names must too). Names match Reloader's exactly, `--is-Argo-Rollouts` included.
public enum ConfigurationFlag: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // §7.1, same as Reloader
    case autoReloadAll = "auto-reload-all"
    case reloadStrategy = "reload-strategy"
    case reloadOnCreate = "reload-on-create"
    case reloadOnDelete = "reload-on-delete"
    case syncAfterRestart = "sync-after-restart"
    case enableHA = "enable-ha"
    case webhookURL = "webhook-url"
    case resourcesToIgnore = "resources-to-ignore"
    case ignoredWorkloadTypes = "ignored-workload-types"
    case namespaces = "namespaces"
    case namespacesToIgnore = "namespaces-to-ignore"
    case namespaceSelector = "namespace-selector"
    case resourceLabelSelector = "resource-label-selector"
    case isArgoRollouts = "is-Argo-Rollouts"
    case isOpenShift = "is-openshift"
    case enableCSIIntegration = "enable-csi-integration"
    case logFormat = "log-format"
    case logLevel = "log-level"
    case enablePprof = "enable-pprof"
    case pprofAddress = "pprof-addr"
    case metricsAddress = "metrics-addr"
    case leaderElectionID = "leader-election-id"
    case leaderElectionNamespace = "leader-election-namespace"
    case leaderElectionLeaseDuration = "leader-election-lease-duration"
    case leaderElectionRenewDeadline = "leader-election-renew-deadline"
    case leaderElectionRetryPeriod = "leader-election-retry-period"
    case alertOnReload = "alert-on-reload"
    case alertSink = "alert-sink"
    case alertWebhookURL = "alert-webhook-url"
    case alertProxy = "alert-proxy"
    case alertAdditionalInfo = "alert-additional-info"
    // §2, annotation rename flags
    case autoAnnotation = "auto-annotation"
    case configMapAutoAnnotation = "configmap-auto-annotation"
    case secretAutoAnnotation = "secret-auto-annotation"
    case secretProviderClassAutoAnnotation = "secretproviderclass-auto-annotation"
    case configMapAnnotation = "configmap-annotation"
    case secretAnnotation = "secret-annotation"
    case secretProviderClassAnnotation = "secretproviderclass-annotation"
    case autoSearchAnnotation = "auto-search-annotation"
    case searchMatchAnnotation = "search-match-annotation"
    case ignoreAnnotation = "ignore-annotation"
    case configMapExcludeAnnotation = "configmap-exclude-annotation"
    case secretExcludeAnnotation = "secret-exclude-annotation"
    case secretProviderClassExcludeAnnotation = "secretproviderclass-exclude-annotation"
    case pauseDeploymentAnnotation = "pause-deployment-annotation"
    case pauseDeploymentTimeAnnotation = "pause-deployment-time-annotation"
    // §7.2, ours
    case webhookAddress = "webhook-address"
    case tlsCertFile = "tls-cert-file"
    case tlsPrivateKeyFile = "tls-private-key-file"
    case certDir = "cert-dir"
    case maxConnections = "max-connections"
    case shutdownGracePeriod = "shutdown-grace-period"
    case resyncPeriod = "resync-period"
    case coalesceWindow = "coalesce-window"
    case dryRun = "dry-run"
    case kubeconfig = "kubeconfig"
    case kubeAPIQPS = "kube-api-qps"
    case kubeAPIBurst = "kube-api-burst"

    /// How a flag takes its value; drives the Go-style pre-pass (`GoStyleArguments`).
    public enum Kind: Sendable, Equatable {
        /// A pflag `BoolVar`: `--flag` alone means true and never takes the next argument as its value.
        case boolean
        /// A boolean that Reloader declares as a *string* flag and compares with `"true"` (`--is-Argo-Rollouts`,
        /// `--reload-on-create`, `--reload-on-delete`), so `--flag true` with a space works there and must here.
        case booleanWithSeparateValue
        /// One value; repeated, the last one wins (pflag).
        case value
        /// pflag `StringSlice`: comma-separated (CSV) values, repetition appends.
        case list
    }

    public var name: String { rawValue }
    public var description: String { "--\(rawValue)" }

    /// Other names accepted for the same flag.
    public var aliases: [String] {
        switch self {
        case .isArgoRollouts: ["is-argo-rollouts"]
        case .metricsAddress: ["metrics-address"]
        default: []
        }
    }

    public var kind: Kind {
        switch self {
        case .autoReloadAll, .syncAfterRestart, .enableHA, .isOpenShift, .enableCSIIntegration, .enablePprof,
            .alertOnReload, .dryRun:
            .boolean
        case .isArgoRollouts, .reloadOnCreate, .reloadOnDelete: .booleanWithSeparateValue
        case .resourcesToIgnore, .ignoredWorkloadTypes, .namespaces, .namespacesToIgnore, .namespaceSelector,
            .resourceLabelSelector:
            .list
        default: .value
        }
    }

    public var isBoolean: Bool { kind == .boolean || kind == .booleanWithSeparateValue }

    /// The flags of §2 that rename an annotation key.
    public var isAnnotationRename: Bool { rawValue.hasSuffix("-annotation") }

    /// The flag with this name or alias, if any.
    public init?(name: String) {
        if let flag = ConfigurationFlag(rawValue: name) {
            self = flag
        } else if let flag = ConfigurationFlag.allCases.first(where: { $0.aliases.contains(name) }) {
            self = flag
        } else {
            return nil
        }
    }
}
