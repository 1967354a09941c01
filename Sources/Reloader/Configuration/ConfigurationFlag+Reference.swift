extension ConfigurationFlag {
    /// The README's three flag tables, in the order the README shows them.
    public enum ReferenceGroup: String, Sendable, CaseIterable {
        case sameAsReloader = "Same as Reloader"
        case annotationRename = "Annotation key renames (same as Reloader)"
        case ours = "Ours"
    }

    public var referenceGroup: ReferenceGroup {
        if isAnnotationRename { return .annotationRename }
        switch self {
        case .webhookAddress, .tlsCertFile, .tlsPrivateKeyFile, .certDir, .maxConnections, .shutdownGracePeriod,
            .resyncPeriod, .coalesceWindow, .dryRun, .kubeconfig, .kubeAPIQPS, .kubeAPIBurst:
            return .ours
        default: return .sameAsReloader
        }
    }

    /// The README's meaning column: the `--help` abstract, or a longer text where the README says more, then the
    /// "not acted on yet" note. `--help` and the README are generated from the same cases, so they cannot drift
    /// (`make flag-reference` rewrites the README's tables; a test fails when they differ).
    public var referenceMeaning: String {
        let later = isAcceptedOnly ? "; accepted, not acted on yet" : ""
        return (referenceDetails ?? Self.tableStyle(abstract)) + later
    }

    /// `Lease name.` → `lease name`: the tables' cells are phrases.
    static func tableStyle(_ sentence: String) -> String {
        var text = sentence.hasSuffix(".") ? String(sentence.dropLast()) : sentence
        if let first = text.first, first.isUppercase, text.dropFirst().first?.isLowercase ?? false {
            text = first.lowercased() + text.dropFirst()
        }
        return text
    }

    /// The README's default column.
    public var referenceDefault: String {
        if isAnnotationRename {
            let keys = AnnotationKeys()
            guard let path = AnnotationKeys.renameFlags.first(where: { $0.flag == self })?.key else { return "" }
            return "`\(keys[keyPath: path])`"
        }
        switch self {
        case .webhookURL, .logFormat, .tlsCertFile, .tlsPrivateKeyFile: return "\"\""
        case .reloadStrategy, .logLevel, .pprofAddress, .metricsAddress, .leaderElectionID,
            .leaderElectionLeaseDuration, .leaderElectionRenewDeadline, .leaderElectionRetryPeriod, .webhookAddress,
            .certDir, .shutdownGracePeriod, .resyncPeriod, .coalesceWindow:
            return "`\(defaultDescription)`"
        case .alertOnReload: return "false, else `ALERT_ON_RELOAD`"
        case .leaderElectionNamespace, .alertSink, .alertWebhookURL, .alertProxy, .alertAdditionalInfo:
            return "`\(defaultDescription)`"
        case .kubeconfig: return "`KUBECONFIG`, else in-cluster"
        case .namespaces: return "none"
        default: return defaultDescription
        }
    }

    /// The README's flag cell: the flag and its aliases.
    public var referenceName: String {
        ([description] + aliases.map { "--\($0)" }).map { "`\($0)`" }.joined(separator: " (alias ")
            + (aliases.isEmpty ? "" : ")")
    }

    /// The flag tables as Markdown: one `### group` heading and table each, rows in declaration order.
    public static func referenceMarkdown() -> String {
        var text = ""
        for group in ReferenceGroup.allCases {
            text += "### \(group.rawValue)\n\n"
            if group == .annotationRename {
                text +=
                    "Each takes a new annotation key (checked for Kubernetes key syntax); the engine, the index and "
                text += "the reconciler all\nread the renamed keys.\n\n"
            }
            text +=
                group == .annotationRename
                ? "| flag | default key |\n|---|---|\n" : "| flag | default | meaning |\n|---|---|---|\n"
            for flag in allCases where flag.referenceGroup == group {
                if group == .annotationRename {
                    text += "| \(flag.referenceName) | \(flag.referenceDefault) |\n"
                } else {
                    text += "| \(flag.referenceName) | \(flag.referenceDefault) | \(flag.referenceMeaning) |\n"
                }
            }
            text += "\n"
        }
        return text
    }

    /// Where the README says more than `--help`.
    private var referenceDetails: String? {
        switch self {
        case .autoReloadAll: "every workload is auto unless it has `auto: \"false\"`"
        case .reloadStrategy: "`env-vars` or `annotations` (exact); anything else exits 2"
        case .reloadOnCreate: "a created config runs the decision"
        case .reloadOnDelete: "a deleted config runs the delete strategy"
        case .syncAfterRestart: "accepted for compatibility; the reconciler makes it unnecessary"
        case .enableHA: "Lease leader election; needs `POD_NAME` and `POD_NAMESPACE` (exit 2 without them)"
        case .webhookURL: "POST to this http(s) URL once per changed config instead of reloading"
        case .resourcesToIgnore: "`configmaps` or `secrets` (case-insensitive), not both (exit 2)"
        case .ignoredWorkloadTypes: "`jobs`, `cronjobs` or both: neither listed nor reloaded"
        case .namespaces:
            "only these namespaces; when empty, `KUBERNETES_NAMESPACE` (single-namespace mode), else all"
        case .namespacesToIgnore: "never these namespaces"
        case .namespaceSelector:
            "label selector on Namespaces: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, legacy "
                + "`k:v` and `k:*`; entries ANDed; syntax checked at start-up"
        case .resourceLabelSelector: "label selector the config must match (same syntax)"
        case .isArgoRollouts: "include Argo Rollouts"
        case .isOpenShift: "include DeploymentConfigs"
        case .enableCSIIntegration:
            "include SecretProviderClassPodStatus reviews: an UPDATE whose hash (§3) changes reloads the workloads "
                + "using or naming the SecretProviderClass `status.secretProviderClassName`; CREATE and DELETE (a pod "
                + "came or went) never reload, as in Reloader; confirmed by reading that SecretProviderClassPodStatus "
                + "back; labels and `ignore`/`match` are read from the SecretProviderClassPodStatus (Reloader reads "
                + "`ignore`/`match` from the SecretProviderClass); the reconciler does not check these hashes"
        case .logFormat: "`\"\"`/`text` or `json` (one object per line)"
        case .logLevel: "trace, debug, info, warning (warn), error, fatal, panic (fatal and panic log as critical)"
        case .enablePprof:
            "debug endpoints on their own listener, only when enabled (Δ Reloader always serves pprof on :9090): "
                + "`/debug/vars`, `/debug/threads`, `/debug/config`, `/debug/index` (see Debug endpoints)"
        case .pprofAddress: "that listener (plain HTTP)"
        case .metricsAddress: "plain-HTTP `/metrics`, `/healthz`, `/readyz`, `/live`"
        case .leaderElectionLeaseDuration: "positive, longer than the renew deadline"
        case .leaderElectionRenewDeadline: "positive, longer than 1.2 × the retry period (client-go's rule)"
        case .leaderElectionRetryPeriod: "positive"
        case .alertOnReload:
            "one alert per workload reloaded, POSTed in the background (Δ Reloader sends inside its worker): 5s "
                + "timeout, 3 tries 500ms and 1s apart, redirects refused; needs `--alert-webhook-url` (exit 2 "
                + "without it); none with `--dry-run` or `--webhook-url`"
        case .alertSink:
            "`slack`, `teams` or `gchat` (trimmed, any case); anything else (`webhook`, `raw`, empty) posts JSON "
                + "with `message`, `config`, `workload`, `strategy` (Δ Reloader posts bare text)"
        case .alertWebhookURL: "where alerts are POSTed (http or https, trimmed); logs show its host only"
        case .alertProxy: "HTTP proxy URL for alerts; without it libcurl's `https_proxy`/`no_proxy` apply"
        case .alertAdditionalInfo: "put before every alert as `<text> : `, e.g. the cluster's name"
        case .webhookAddress: "HTTPS listener for `POST /validate`"
        case .tlsCertFile: "serving certificate chain (PEM), hot-reloaded; give both or neither"
        case .tlsPrivateKeyFile: "serving private key (PEM), hot-reloaded; give both or neither"
        case .certDir:
            "directory holding `tls.crt`/`tls.key` (cert-manager Secret layout), used when the two flags above are "
                + "empty"
        case .maxConnections:
            "open-connection cap on the webhook listener; connections over it are closed at accept and counted"
        case .shutdownGracePeriod:
            "on SIGTERM/SIGINT, in-flight requests get this long to finish (Go duration syntax, ≥ 0)"
        case .resyncPeriod: "workload re-list period (jittered ±10%), positive"
        case .coalesceWindow:
            "changes to one workload within the window give one reload (each change that joins extends it to a full window, at most two from the first change), ≥ 0"
        case .kubeconfig: "API server access"
        case .kubeAPIQPS, .kubeAPIBurst: "client-side rate limit toward the API server (positive)"
        default: nil
        }
    }
}
