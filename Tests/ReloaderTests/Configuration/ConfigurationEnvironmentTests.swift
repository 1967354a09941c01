import Testing

@testable import Reloader

/// Environment variables of contract §8, read from a dictionary.
@Suite struct ConfigurationEnvironmentTests {
    @Test("KUBERNETES_NAMESPACE gives single-namespace mode only when --namespaces is empty")
    func kubernetesNamespace() throws {
        let single = try ReloaderConfiguration(flags: [:], environment: ["KUBERNETES_NAMESPACE": "shop"])
        #expect(single.namespaces == ["shop"] && !single.watchesAllNamespaces)
        let scoped = try ReloaderConfiguration(
            flags: [.namespaces: ["a,b"]], environment: ["KUBERNETES_NAMESPACE": "shop"])
        #expect(scoped.namespaces == ["a", "b"])
        let global = try ReloaderConfiguration(flags: [:], environment: ["KUBERNETES_NAMESPACE": ""])
        #expect(global.watchesAllNamespaces)
    }

    @Test("POD_NAME and POD_NAMESPACE give the HA identity and the Lease namespace")
    func podIdentity() throws {
        let environment = ["POD_NAME": "reloader-7d9f", "POD_NAMESPACE": "ops"]
        let ha = try ReloaderConfiguration(flags: [.enableHA: ["true"]], environment: environment)
        #expect(ha.leaderElection.isEnabled)
        #expect(ha.leaderElection.identity == "reloader-7d9f")
        #expect(ha.leaderElection.namespace == "ops")
        let explicit = try ReloaderConfiguration(
            flags: [.enableHA: ["true"], .leaderElectionNamespace: ["leases"]], environment: environment)
        #expect(explicit.leaderElection.namespace == "leases")
        let off = try ReloaderConfiguration(flags: [:], environment: [:])
        #expect(off.leaderElection.namespace == nil)
    }

    @Test("ALERT_* fill the alert settings the flags leave unset")
    func alerts() throws {
        let environment = [
            "ALERT_ON_RELOAD": "true", "ALERT_SINK": "slack", "ALERT_WEBHOOK_URL": "https://hooks.slack.com/a",
            "ALERT_WEBHOOK_PROXY": "http://proxy:3128", "ALERT_ADDITIONAL_INFO": "prod",
        ]
        let fromEnvironment = try ReloaderConfiguration(flags: [:], environment: environment)
        #expect(
            fromEnvironment.alerts
                == .init(
                    isEnabled: true, sink: "slack", webhookURL: "https://hooks.slack.com/a", proxy: "http://proxy:3128",
                    additionalInfo: "prod"))
        let flagsWin = try ReloaderConfiguration(
            flags: [.alertOnReload: ["false"], .alertSink: ["teams"], .alertAdditionalInfo: ["staging"]],
            environment: environment)
        #expect(!flagsWin.alerts.isEnabled)
        #expect(flagsWin.alerts.sink == "teams" && flagsWin.alerts.additionalInfo == "staging")
        #expect(flagsWin.alerts.webhookURL == "https://hooks.slack.com/a")
    }

    @Test("the alert sink, URL and proxy are trimmed, as Reloader trims them (a URL from a Secret ends in \\n)")
    func alertValuesTrimmed() throws {
        let configuration = try ReloaderConfiguration(
            flags: [.alertSink: [" Slack "]],
            environment: [
                "ALERT_ON_RELOAD": "true", "ALERT_WEBHOOK_URL": "https://hooks.slack.com/a\n",
                "ALERT_WEBHOOK_PROXY": " http://proxy:3128",
            ])
        #expect(configuration.alerts.sink == "Slack")
        #expect(configuration.alerts.webhookURL == "https://hooks.slack.com/a")
        #expect(configuration.alerts.proxy == "http://proxy:3128")
        let settings = try #require(configuration.alertSettings)
        #expect(settings.sink == .slack && settings.url == "https://hooks.slack.com/a")
        #expect(settings.proxy == "http://proxy:3128" && settings.timeout == .seconds(5) && settings.attempts == 3)
    }

    @Test("alerts are sent only when on and something is reloaded: not with --dry-run or --webhook-url")
    func alertSettingsOnlyWhenReloading() throws {
        let environment = ["ALERT_ON_RELOAD": "true", "ALERT_WEBHOOK_URL": "http://127.0.0.1:1/a"]
        #expect(try ReloaderConfiguration(flags: [:], environment: environment).alertSettings != nil)
        #expect(try ReloaderConfiguration(flags: [:], environment: [:]).alertSettings == nil)
        let dryRun = try ReloaderConfiguration(flags: [.dryRun: ["true"]], environment: environment)
        #expect(dryRun.alertSettings == nil)
        let webhook = try ReloaderConfiguration(
            flags: [.webhookURL: ["http://127.0.0.1:1/w"]], environment: environment)
        #expect(webhook.alertSettings == nil)
        let annotations = try ReloaderConfiguration(
            flags: [.reloadStrategy: ["annotations"], .alertAdditionalInfo: ["prod"]], environment: environment)
        #expect(annotations.alertSettings?.strategy == "annotations")
        #expect(annotations.alertSettings?.additionalInfo == "prod" && annotations.alertSettings?.proxy == nil)
    }

    @Test(
        "METRICS_COUNT_BY_NAMESPACE counts by namespace only when exactly enabled",
        arguments: [
            ("enabled", true), ("true", false), ("Enabled", false), ("", false),
        ])
    func metricsByNamespace(value: String, enabled: Bool) throws {
        let configuration = try ReloaderConfiguration(flags: [:], environment: ["METRICS_COUNT_BY_NAMESPACE": value])
        #expect(configuration.countsReloadsByNamespace == enabled)
    }

    @Test("RELOADER_NAMESPACE and RELOADER_DEPLOYMENT_NAME locate the meta-info ConfigMap, both or nothing")
    func metaInfo() throws {
        let both = try ReloaderConfiguration(
            flags: [:], environment: ["RELOADER_NAMESPACE": "ops", "RELOADER_DEPLOYMENT_NAME": "reloader"])
        #expect(both.metaInfoLocation == .init(namespace: "ops", deploymentName: "reloader"))
        let one = try ReloaderConfiguration(flags: [:], environment: ["RELOADER_NAMESPACE": "ops"])
        #expect(one.metaInfoLocation == nil)
    }

    @Test("--kubeconfig wins over KUBECONFIG, which wins over in-cluster")
    func kubeconfig() throws {
        let environment = ["KUBECONFIG": "/home/me/.kube/config"]
        #expect(
            try ReloaderConfiguration(flags: [:], environment: environment).kubeconfigPath == "/home/me/.kube/config")
        #expect(
            try ReloaderConfiguration(flags: [.kubeconfig: ["/k"]], environment: environment).kubeconfigPath == "/k")
        #expect(try ReloaderConfiguration(flags: [:], environment: [:]).kubeconfigPath == nil)
    }
}
