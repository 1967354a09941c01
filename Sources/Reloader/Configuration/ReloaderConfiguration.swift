public import Logging
public import WebhookServer

/// Everything `reloader` is configured with: every flag of contract §7 and the environment variables of §8,
/// checked and typed. An immutable `Sendable` value: the executable builds it once
/// (`init(flags:environment:)`) and passes it down. `init()` gives the contract's defaults.
public struct ReloaderConfiguration: Sendable, Equatable {
    /// `--reload-strategy` (contract §5): one enum for the flag and the policy.
    public typealias ReloadStrategy = PolicyOptions.ReloadStrategy

    /// `--enable-ha` and the Lease (contract §9).
    public struct LeaderElection: Sendable, Equatable {
        public var isEnabled = false
        public var leaseName = "stakater-reloader-lock"
        /// `--leader-election-namespace`, else `POD_NAMESPACE`; nil when neither is set (HA off).
        public var namespace: String?
        /// `POD_NAME`: the holder identity.
        public var identity: String?
        public var leaseDuration: Duration = .seconds(15)
        public var renewDeadline: Duration = .seconds(10)
        public var retryPeriod: Duration = .seconds(2)
    }

    /// The alert flags and their `ALERT_*` fallbacks (contract §10).
    public struct Alerts: Sendable, Equatable {
        public var isEnabled = false
        /// `slack`, `teams`, `gchat`; anything else (or empty) is the JSON webhook body.
        public var sink = ""
        public var webhookURL = ""
        public var proxy = ""
        public var additionalInfo = ""
    }

    /// `RELOADER_NAMESPACE` and `RELOADER_DEPLOYMENT_NAME`: where the `reloader-meta-info` ConfigMap goes.
    public struct MetaInfoLocation: Sendable, Equatable {
        public var namespace: String
        public var deploymentName: String

        public init(namespace: String, deploymentName: String) {
            self.namespace = namespace
            self.deploymentName = deploymentName
        }
    }

    // Contract §7.1
    public var autoReloadAll = false
    public var reloadStrategy: ReloadStrategy = .envVars
    public var reloadOnCreate = false
    public var reloadOnDelete = false
    /// Accepted and recorded; the reconciler makes it unnecessary (contract §6).
    public var syncAfterRestart = false
    /// `--webhook-url`; nil when empty.
    public var webhookURL: String?
    /// At most one of `.configMap`, `.secret`.
    public var resourcesToIgnore: Set<ConfigKind> = []
    /// A subset of `.job`, `.cronJob`.
    public var ignoredWorkloadTypes: Set<WorkloadKind> = []
    /// `--namespaces`, else `[KUBERNETES_NAMESPACE]`; empty means every namespace.
    public var namespaces: [String] = []
    public var namespacesToIgnore: [String] = []
    /// Requirements of the Namespace label selector, ANDed, normalised by `LabelSelectorSyntax`.
    public var namespaceSelector: [String] = []
    /// Requirements of the config label selector, ANDed.
    public var resourceLabelSelector: [String] = []
    public var isArgoRolloutsEnabled = false
    public var isOpenShiftEnabled = false
    public var isCSIIntegrationEnabled = false
    public var logFormat: LineLogHandler.Format = .text
    public var logLevel: Logger.Level = .info
    public var isPprofEnabled = false
    public var pprofAddress = ListenAddress(host: "", port: 6060)
    public var metricsAddress = ListenAddress(host: "", port: 9090)
    public var leaderElection = LeaderElection()
    public var alerts = Alerts()
    /// Annotation keys renamed by the flags of contract §2, only those given: flag → key. The reload engine maps
    /// them onto its annotation keys; an absent flag keeps the contract's default key.
    public var annotationKeyOverrides: [ConfigurationFlag: String] = [:]

    // Contract §7.2
    public var webhookAddress = ListenAddress(host: "", port: 8443)
    public var certificatePath = "/tmp/k8s-webhook-server/serving-certs/tls.crt"
    public var privateKeyPath = "/tmp/k8s-webhook-server/serving-certs/tls.key"
    public var maxConnections = 1024
    public var shutdownGracePeriod: Duration = .seconds(30)
    public var resyncPeriod: Duration = .seconds(300)
    public var coalesceWindow: Duration = .seconds(1)
    public var isDryRun = false
    /// `--kubeconfig`, else `KUBECONFIG`; nil means in-cluster (then `~/.kube/config`).
    public var kubeconfigPath: String?
    public var kubeAPIQPS: Double = 50
    public var kubeAPIBurst = 100

    // Contract §8, environment only
    /// `METRICS_COUNT_BY_NAMESPACE=enabled`.
    public var countsReloadsByNamespace = false
    /// nil when either variable is unset: the meta-info ConfigMap is skipped with a warning.
    public var metaInfoLocation: MetaInfoLocation?

    /// The contract's defaults.
    public init() {}

    /// True when no namespace list applies (neither `--namespaces` nor `KUBERNETES_NAMESPACE`).
    public var watchesAllNamespaces: Bool { namespaces.isEmpty }
}
