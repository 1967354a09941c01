import Testing

@testable import Reloader

/// Every refusal names its flag, with the exact message the executable prints before exiting 2.
@Suite struct ConfigurationValidationTests {
    static let refusals: [([ConfigurationFlag: [String]], [String: String], String)] = [
        ([.reloadStrategy: ["foo"]], [:], "--reload-strategy=foo is not valid; expected env-vars or annotations"),
        (
            [.reloadStrategy: ["Annotations"]], [:],
            "--reload-strategy=Annotations is not valid; expected env-vars or annotations"
        ),
        ([.autoReloadAll: ["maybe"]], [:], "--auto-reload-all=maybe is not valid; expected \(GoBool.expected)"),
        ([.isArgoRollouts: ["yes"]], [:], "--is-Argo-Rollouts=yes is not valid; expected \(GoBool.expected)"),
        (
            [.resourcesToIgnore: ["configmaps,secrets"]], [:],
            "--resources-to-ignore: accepts configmaps or secrets, not both"
        ),
        (
            [.resourcesToIgnore: ["secrets", "configmaps"]], [:],
            "--resources-to-ignore: accepts configmaps or secrets, not both"
        ),
        (
            [.resourcesToIgnore: ["deployments"]], [:],
            "--resources-to-ignore=deployments is not valid; expected configmaps or secrets"
        ),
        (
            [.ignoredWorkloadTypes: ["jobs,deployments"]], [:],
            "--ignored-workload-types=deployments is not valid; expected jobs, cronjobs or both"
        ),
        (
            [.enableHA: ["true"]], [:],
            "--enable-ha needs the environment variable POD_NAME (set it from the pod's metadata)"
        ),
        (
            [.enableHA: ["true"]], ["POD_NAME": "r-0"],
            "--enable-ha needs the environment variable POD_NAMESPACE (set it from the pod's metadata)"
        ),
        (
            [.enableHA: ["true"]], ["POD_NAME": "", "POD_NAMESPACE": "ops"],
            "--enable-ha needs the environment variable POD_NAME (set it from the pod's metadata)"
        ),
        ([.resyncPeriod: ["0"]], [:], "--resync-period=0 is not valid; expected a positive duration"),
        ([.resyncPeriod: ["-5m"]], [:], "--resync-period=-5m is not valid; expected a positive duration"),
        (
            [.resyncPeriod: ["five"]], [:],
            "--resync-period=five is not valid; expected a Go duration such as 30s, 5m or 1h30m"
        ),
        (
            [.shutdownGracePeriod: ["-1s"]], [:],
            "--shutdown-grace-period=-1s is not valid; expected a non-negative duration"
        ),
        (
            [.shutdownGracePeriod: ["abc"]], [:],
            "--shutdown-grace-period=abc is not valid; expected a Go duration such as 30s, 5m or 1h30m"
        ),
        ([.coalesceWindow: ["-1s"]], [:], "--coalesce-window=-1s is not valid; expected a non-negative duration"),
        (
            [.leaderElectionLeaseDuration: ["0s"]], [:],
            "--leader-election-lease-duration=0s is not valid; expected a positive duration"
        ),
        (
            [.leaderElectionRenewDeadline: ["-1s"]], [:],
            "--leader-election-renew-deadline=-1s is not valid; expected a positive duration"
        ),
        (
            [.leaderElectionRetryPeriod: ["0"]], [:],
            "--leader-election-retry-period=0 is not valid; expected a positive duration"
        ),
        (
            [.leaderElectionRenewDeadline: ["20s"]], [:],
            "--leader-election-renew-deadline: must be shorter than --leader-election-lease-duration (15.0 seconds)"
        ),
        (
            [.leaderElectionRetryPeriod: ["9s"]], [:],
            "--leader-election-retry-period: 1.2 times it must be shorter than --leader-election-renew-deadline (10.0 seconds)"
        ),
        ([.leaderElectionID: [""]], [:], "--leader-election-id= is not valid; expected a non-empty Lease name"),
        ([.kubeAPIQPS: ["fast"]], [:], "--kube-api-qps=fast is not valid; expected a positive number"),
        ([.kubeAPIQPS: ["-1"]], [:], "--kube-api-qps=-1 is not valid; expected a positive number"),
        ([.kubeAPIQPS: ["0"]], [:], "--kube-api-qps=0 is not valid; expected a positive number"),
        ([.kubeAPIQPS: ["nan"]], [:], "--kube-api-qps=nan is not valid; expected a positive number"),
        ([.kubeAPIBurst: ["1.5"]], [:], "--kube-api-burst=1.5 is not valid; expected a positive integer"),
        ([.kubeAPIBurst: ["0"]], [:], "--kube-api-burst=0 is not valid; expected a positive integer"),
        ([.maxConnections: ["0"]], [:], "--max-connections=0 is not valid; expected a positive integer"),
        ([.logFormat: ["xml"]], [:], "--log-format=xml is not valid; expected \"\", text or json"),
        (
            [.logLevel: ["loud"]], [:],
            "--log-level=loud is not valid; expected trace, debug, info, warning, error, fatal or panic"
        ),
        ([.webhookAddress: ["8443"]], [:], "--webhook-address=8443 is not valid; expected host:port or :port"),
        ([.metricsAddress: ["x:y"]], [:], "--metrics-addr=x:y is not valid; expected host:port or :port"),
        ([.pprofAddress: [":99999"]], [:], "--pprof-addr=:99999 is not valid; expected host:port or :port"),
        (
            [.webhookURL: ["hooks.example/x"]], [:],
            "--webhook-url=hooks.example/… is not valid; expected an http:// or https:// URL"
        ),
        (
            [.alertWebhookURL: ["ftp://x"]], [:],
            "--alert-webhook-url=ftp://x is not valid; expected an http:// or https:// URL"
        ),
        (
            [.alertWebhookURL: ["htps://user:token@hooks.slack.com/services/T0/B0/SECRET?x=1"]], [:],
            "--alert-webhook-url=htps://…@hooks.slack.com/… is not valid; expected an http:// or https:// URL"
        ),
        ([.tlsCertFile: ["/c.crt"]], [:], "--tls-cert-file and --tls-private-key-file must be given together"),
        ([.tlsPrivateKeyFile: ["/c.key"]], [:], "--tls-private-key-file and --tls-cert-file must be given together"),
        (
            [.namespaceSelector: ["tier in (web"]], [:],
            "--namespace-selector=tier in (web is not valid; expected a label selector requirement (a value set must end with ')')"
        ),
        (
            [.resourceLabelSelector: ["=x"]], [:],
            "--resource-label-selector==x is not valid; expected a label selector requirement (a label key is empty)"
        ),
        (
            [.namespaces: ["\"a"]], [:],
            "--namespaces=\"a is not valid; expected comma-separated values (a quoted entry is not closed)"
        ),
        (
            [.autoAnnotation: [""]], [:],
            "--auto-annotation= is not valid; expected an annotation key (a label key is empty)"
        ),
        (
            [:], ["ALERT_ON_RELOAD": "yes"],
            "environment variable ALERT_ON_RELOAD=yes is not valid; expected \(GoBool.expected)"
        ),
        (
            [.alertOnReload: ["true"]], [:],
            "--alert-webhook-url: alerts are on (--alert-on-reload or ALERT_ON_RELOAD) but no URL is set: give "
                + "--alert-webhook-url or ALERT_WEBHOOK_URL"
        ),
        (
            [:], ["ALERT_ON_RELOAD": "true", "ALERT_WEBHOOK_URL": "  "],
            "--alert-webhook-url: alerts are on (--alert-on-reload or ALERT_ON_RELOAD) but no URL is set: give "
                + "--alert-webhook-url or ALERT_WEBHOOK_URL"
        ),
        (
            [.alertProxy: ["socks5://proxy:1080"]], [:],
            "--alert-proxy=socks5://proxy:1080 is not valid; expected an http:// or https:// URL"
        ),
        (
            [:], ["ALERT_WEBHOOK_URL": "hooks.slack.com/services/T0/B0/SECRET"],
            "environment variable ALERT_WEBHOOK_URL=hooks.slack.com/… is not valid; expected an http:// or https:// URL"
        ),
        (
            [:], ["ALERT_WEBHOOK_PROXY": "proxy:3128"],
            "environment variable ALERT_WEBHOOK_PROXY=proxy:3128 is not valid; expected an http:// or https:// URL"
        ),
    ]

    @Test("bad values are refused with a message naming the flag", arguments: Self.refusals.indices)
    func refusal(row: Int) {
        let (flags, environment, message) = Self.refusals[row]
        #expect {
            try ReloaderConfiguration(flags: flags, environment: environment)
        } throws: { error in
            (error as? ConfigurationError)?.description == message
        }
        for flag in flags.keys {
            #expect(message.contains("--\(flag.name)"))
        }
    }

    @Test("every error case names its flag at the start of the message")
    func flagFirst() {
        let errors: [ConfigurationError] = [
            .invalidFlagValue(flag: .namespaces, value: "x", expected: "y"),
            .conflictingValues(flag: .resourcesToIgnore, reason: "r"),
            .missingCompanion(flag: .tlsCertFile, companion: .tlsPrivateKeyFile),
            .missingEnvironment(flag: .enableHA, variable: "POD_NAME"),
            .separateBooleanValue(flag: .dryRun, value: "false"),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("--\(error.flag?.name ?? "?")"), "\(error)")
        }
    }
}
