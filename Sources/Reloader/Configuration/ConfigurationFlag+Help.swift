extension ConfigurationFlag {
    /// The default as `--help` and the README show it.
    public var defaultDescription: String {
        switch self {
        case .autoReloadAll, .reloadOnCreate, .reloadOnDelete, .syncAfterRestart, .enableHA, .isArgoRollouts,
            .isOpenShift, .enableCSIIntegration, .enablePprof, .dryRun:
            "false"
        case .alertOnReload: "false, or ALERT_ON_RELOAD"
        case .reloadStrategy: "env-vars"
        case .webhookURL, .logFormat, .tlsCertFile, .tlsPrivateKeyFile: "\"\""
        case .resourcesToIgnore, .ignoredWorkloadTypes, .namespacesToIgnore, .namespaceSelector,
            .resourceLabelSelector:
            "none"
        case .namespaces: "none (all namespaces, or KUBERNETES_NAMESPACE)"
        case .logLevel: "info"
        case .pprofAddress: ":6060"
        case .metricsAddress: ":9090"
        case .leaderElectionID: "stakater-reloader-lock"
        case .leaderElectionNamespace: "POD_NAMESPACE"
        case .leaderElectionLeaseDuration: "15s"
        case .leaderElectionRenewDeadline: "10s"
        case .leaderElectionRetryPeriod: "2s"
        case .alertSink: "ALERT_SINK"
        case .alertWebhookURL: "ALERT_WEBHOOK_URL"
        case .alertProxy: "ALERT_WEBHOOK_PROXY"
        case .alertAdditionalInfo: "ALERT_ADDITIONAL_INFO"
        case .autoAnnotation, .configMapAutoAnnotation, .secretAutoAnnotation, .secretProviderClassAutoAnnotation,
            .configMapAnnotation, .secretAnnotation, .secretProviderClassAnnotation, .autoSearchAnnotation,
            .searchMatchAnnotation, .ignoreAnnotation, .configMapExcludeAnnotation, .secretExcludeAnnotation,
            .secretProviderClassExcludeAnnotation, .pauseDeploymentAnnotation, .pauseDeploymentTimeAnnotation:
            "the contract's key"
        case .webhookAddress: ":8443"
        case .certDir: "/tmp/k8s-webhook-server/serving-certs"
        case .maxConnections: "1024"
        case .shutdownGracePeriod: "30s"
        case .resyncPeriod: "5m"
        case .coalesceWindow: "1s"
        case .kubeconfig: "KUBECONFIG, else in-cluster"
        case .kubeAPIQPS: "50"
        case .kubeAPIBurst: "100"
        }
    }

    /// True for flags that are parsed and validated but not acted on by the running service yet. None is left now
    /// that alerts and the pprof listener work; kept so that a flag accepted for compatibility before it works is
    /// marked in `--help`, the README and a start-up warning.
    public var isAcceptedOnly: Bool { false }

    /// One line for `--help`.
    public var abstract: String {
        switch self {
        case .autoReloadAll: "Every workload is auto unless it has auto: \"false\"."
        case .reloadStrategy: "env-vars or annotations."
        case .reloadOnCreate: "Reload when a config is created."
        case .reloadOnDelete: "Reload when a config is deleted."
        case .syncAfterRestart: "Accepted for compatibility; the reconciler makes it unnecessary."
        case .enableHA: "Lease leader election; needs POD_NAME and POD_NAMESPACE."
        case .webhookURL: "POST to this URL once per changed config instead of reloading."
        case .resourcesToIgnore: "configmaps or secrets (not both)."
        case .ignoredWorkloadTypes: "jobs, cronjobs or both: neither listed nor reloaded."
        case .namespaces: "Only these namespaces."
        case .namespacesToIgnore: "Never these namespaces."
        case .namespaceSelector: "Label selector on Namespaces (k=v, k!=v, k in (a,b), k, k:v, k:*); ANDed."
        case .resourceLabelSelector: "Label selector the config must match (same syntax)."
        case .isArgoRollouts: "Include Argo Rollouts."
        case .isOpenShift: "Include OpenShift DeploymentConfigs."
        case .enableCSIIntegration: "Include SecretProviderClassPodStatus reviews."
        case .logFormat: "\"\" or text, or json."
        case .logLevel: "trace, debug, info, warning, error, fatal or panic."
        case .enablePprof: "Serve debug endpoints (/debug/vars, threads, config, index) on --pprof-addr."
        case .pprofAddress: "Listener for the debug endpoints (host:port, :port)."
        case .metricsAddress: "Plain-HTTP listener for /metrics and probes (host:port, :port)."
        case .leaderElectionID: "Lease name."
        case .leaderElectionNamespace: "Lease namespace."
        case .leaderElectionLeaseDuration: "Lease duration (Go duration)."
        case .leaderElectionRenewDeadline: "Lease renew deadline (Go duration)."
        case .leaderElectionRetryPeriod: "Lease retry period (Go duration)."
        case .alertOnReload:
            "POST one alert per workload reloaded, in the background (5s timeout, 3 tries, no redirects)."
        case .alertSink: "slack, teams or gchat; anything else (webhook, raw) posts a JSON object."
        case .alertWebhookURL: "Where alerts are POSTed (http or https); required with --alert-on-reload."
        case .alertProxy: "HTTP proxy URL for alerts (https sinks are tunnelled with CONNECT)."
        case .alertAdditionalInfo: "Text put before every alert as '<text> : ', e.g. the cluster's name."
        case .autoAnnotation, .configMapAutoAnnotation, .secretAutoAnnotation, .secretProviderClassAutoAnnotation,
            .configMapAnnotation, .secretAnnotation, .secretProviderClassAnnotation, .autoSearchAnnotation,
            .searchMatchAnnotation, .ignoreAnnotation, .configMapExcludeAnnotation, .secretExcludeAnnotation,
            .secretProviderClassExcludeAnnotation, .pauseDeploymentAnnotation, .pauseDeploymentTimeAnnotation:
            "Rename this annotation key."
        case .webhookAddress: "HTTPS listener for /validate (host:port, :port)."
        case .tlsCertFile: "Serving certificate chain (PEM); hot-reloaded."
        case .tlsPrivateKeyFile: "Serving private key (PEM); hot-reloaded."
        case .certDir: "Directory with tls.crt and tls.key, used when the two flags above are empty."
        case .maxConnections: "Open-connection cap on the webhook listener."
        case .shutdownGracePeriod: "How long in-flight requests may finish after SIGTERM (Go duration)."
        case .resyncPeriod: "Workload re-list period (Go duration, jittered by 10%)."
        case .coalesceWindow:
            "Changes to one workload within this window give one reload; each change that joins extends it to a full window, at most two from the first (Go duration)."
        case .dryRun: "Never write; answer every review with the plan as warnings."
        case .kubeconfig: "Kubeconfig file for API server access."
        case .kubeAPIQPS: "Client-side request rate toward the API server."
        case .kubeAPIBurst: "Client-side burst toward the API server."
        }
    }

    /// The `--help` line: abstract, default, and a note where the flag is not acted on yet.
    public var helpText: String {
        let later = isAcceptedOnly ? " Accepted, not acted on yet." : ""
        return "\(abstract) (default: \(defaultDescription))\(later)"
    }

    /// The value placeholder in `--help`.
    public var valueName: String {
        switch kind {
        case .boolean, .booleanWithSeparateValue: "bool"
        case .list: "list"
        case .value:
            switch self {
            case .shutdownGracePeriod, .resyncPeriod, .coalesceWindow, .leaderElectionLeaseDuration,
                .leaderElectionRenewDeadline, .leaderElectionRetryPeriod:
                "duration"
            case .webhookAddress, .metricsAddress, .pprofAddress: "address"
            case .tlsCertFile, .tlsPrivateKeyFile, .kubeconfig: "file"
            case .certDir: "directory"
            case .maxConnections, .kubeAPIQPS, .kubeAPIBurst: "number"
            case .webhookURL, .alertWebhookURL, .alertProxy: "url"
            default: isAnnotationRename ? "key" : "value"
            }
        }
    }
}
