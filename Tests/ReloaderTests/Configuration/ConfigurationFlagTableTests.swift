import Foundation
import Logging
import Testing
import WebhookServer

@testable import Reloader

/// Every flag's default and one set value (contract §7.1, §7.2 and the rename flags of §2).
@Suite struct ConfigurationFlagTableTests {
    typealias Check = @Sendable (ReloaderConfiguration) -> Bool

    /// One row per flag: values as given on the command line, and what the configuration must then say.
    static let setValues: [(ConfigurationFlag, [String], Check)] = [
        (.autoReloadAll, ["true"], { $0.autoReloadAll }),
        (.reloadStrategy, ["annotations"], { $0.reloadStrategy == .annotations }),
        (.reloadOnCreate, ["true"], { $0.reloadOnCreate }),
        (.reloadOnDelete, ["t"], { $0.reloadOnDelete }),
        (.syncAfterRestart, ["1"], { $0.syncAfterRestart }),
        (.enableHA, ["true"], { $0.leaderElection.isEnabled }),
        (.webhookURL, ["https://hooks.example/x"], { $0.webhookURL == "https://hooks.example/x" }),
        (.resourcesToIgnore, ["Secrets"], { $0.resourcesToIgnore == [.secret] }),
        (.ignoredWorkloadTypes, ["jobs,cronjobs"], { $0.ignoredWorkloadTypes == [.job, .cronJob] }),
        (.namespaces, ["a,b", "c"], { $0.namespaces == ["a", "b", "c"] }),
        (.namespacesToIgnore, ["kube-system"], { $0.namespacesToIgnore == ["kube-system"] }),
        (.namespaceSelector, ["\"team=a,env=prod\""], { $0.namespaceSelector == ["team=a", "env=prod"] }),
        (.resourceLabelSelector, ["reload:yes"], { $0.resourceLabelSelector == ["reload=yes"] }),
        (.isArgoRollouts, ["True"], { $0.isArgoRolloutsEnabled }),
        (.isOpenShift, ["TRUE"], { $0.isOpenShiftEnabled }),
        (.enableCSIIntegration, ["true"], { $0.isCSIIntegrationEnabled }),
        (.logFormat, ["json"], { $0.logFormat == .json }),
        (.logLevel, ["debug"], { $0.logLevel == .debug }),
        (.enablePprof, ["true"], { $0.isPprofEnabled }),
        (.pprofAddress, ["127.0.0.1:6061"], { $0.pprofAddress == ListenAddress(host: "127.0.0.1", port: 6061) }),
        (.metricsAddress, [":9091"], { $0.metricsAddress == ListenAddress(host: "", port: 9091) }),
        (.leaderElectionID, ["my-lock"], { $0.leaderElection.leaseName == "my-lock" }),
        (.leaderElectionNamespace, ["ops"], { $0.leaderElection.namespace == "ops" }),
        (.leaderElectionLeaseDuration, ["30s"], { $0.leaderElection.leaseDuration == .seconds(30) }),
        (.leaderElectionRenewDeadline, ["5s"], { $0.leaderElection.renewDeadline == .seconds(5) }),
        (.leaderElectionRetryPeriod, ["1s"], { $0.leaderElection.retryPeriod == .seconds(1) }),
        (.alertOnReload, ["true"], { $0.alerts.isEnabled }),
        (.alertSink, ["slack"], { $0.alerts.sink == "slack" }),
        (.alertWebhookURL, ["https://hooks.slack.com/x"], { $0.alerts.webhookURL == "https://hooks.slack.com/x" }),
        (.alertProxy, ["http://proxy:3128"], { $0.alerts.proxy == "http://proxy:3128" }),
        (.alertAdditionalInfo, ["prod"], { $0.alerts.additionalInfo == "prod" }),
        (.autoAnnotation, ["a.example/auto"], { $0.annotationKeyOverrides[.autoAnnotation] == "a.example/auto" }),
        (
            .configMapAutoAnnotation, ["a.example/c"],
            { $0.annotationKeyOverrides[.configMapAutoAnnotation] == "a.example/c" }
        ),
        (.secretAutoAnnotation, ["a.example/s"], { $0.annotationKeyOverrides[.secretAutoAnnotation] == "a.example/s" }),
        (
            .secretProviderClassAutoAnnotation, ["a.example/p"],
            { $0.annotationKeyOverrides[.secretProviderClassAutoAnnotation] == "a.example/p" }
        ),
        (.configMapAnnotation, ["a.example/cr"], { $0.annotationKeyOverrides[.configMapAnnotation] == "a.example/cr" }),
        (.secretAnnotation, ["a.example/sr"], { $0.annotationKeyOverrides[.secretAnnotation] == "a.example/sr" }),
        (
            .secretProviderClassAnnotation, ["a.example/pr"],
            { $0.annotationKeyOverrides[.secretProviderClassAnnotation] == "a.example/pr" }
        ),
        (
            .autoSearchAnnotation, ["a.example/search"],
            { $0.annotationKeyOverrides[.autoSearchAnnotation] == "a.example/search" }
        ),
        (
            .searchMatchAnnotation, ["a.example/match"],
            { $0.annotationKeyOverrides[.searchMatchAnnotation] == "a.example/match" }
        ),
        (
            .ignoreAnnotation, ["a.example/ignore"],
            { $0.annotationKeyOverrides[.ignoreAnnotation] == "a.example/ignore" }
        ),
        (
            .configMapExcludeAnnotation, ["a.example/ce"],
            { $0.annotationKeyOverrides[.configMapExcludeAnnotation] == "a.example/ce" }
        ),
        (
            .secretExcludeAnnotation, ["a.example/se"],
            { $0.annotationKeyOverrides[.secretExcludeAnnotation] == "a.example/se" }
        ),
        (
            .secretProviderClassExcludeAnnotation, ["a.example/pe"],
            { $0.annotationKeyOverrides[.secretProviderClassExcludeAnnotation] == "a.example/pe" }
        ),
        (
            .pauseDeploymentAnnotation, ["a.example/pause"],
            { $0.annotationKeyOverrides[.pauseDeploymentAnnotation] == "a.example/pause" }
        ),
        (
            .pauseDeploymentTimeAnnotation, ["a.example/at"],
            { $0.annotationKeyOverrides[.pauseDeploymentTimeAnnotation] == "a.example/at" }
        ),
        (.webhookAddress, ["127.0.0.1:0"], { $0.webhookAddress == ListenAddress(host: "127.0.0.1", port: 0) }),
        (.tlsCertFile, ["/c.crt"], { $0.certificatePath == "/c.crt" }),
        (.tlsPrivateKeyFile, ["/c.key"], { $0.privateKeyPath == "/c.key" }),
        (.certDir, ["/certs"], { $0.certificatePath == "/certs/tls.crt" && $0.privateKeyPath == "/certs/tls.key" }),
        (.maxConnections, ["10"], { $0.maxConnections == 10 }),
        (.shutdownGracePeriod, ["0"], { $0.shutdownGracePeriod == .zero }),
        (.resyncPeriod, ["1h30m"], { $0.resyncPeriod == .seconds(5400) }),
        (.coalesceWindow, ["250ms"], { $0.coalesceWindow == .milliseconds(250) }),
        (.dryRun, ["true"], { $0.isDryRun }),
        (.kubeconfig, ["/k/config"], { $0.kubeconfigPath == "/k/config" }),
        (.kubeAPIQPS, ["12.5"], { $0.kubeAPIQPS == 12.5 }),
        (.kubeAPIBurst, ["7"], { $0.kubeAPIBurst == 7 }),
    ]

    @Test("the table has a row for every flag")
    func tableIsComplete() {
        #expect(Set(Self.setValues.map(\.0)) == Set(ConfigurationFlag.allCases))
        #expect(Self.setValues.count == ConfigurationFlag.allCases.count)
    }

    @Test("each flag's set value reaches the configuration", arguments: Self.setValues.indices)
    func setValue(row: Int) throws {
        let (flag, values, check) = Self.setValues[row]
        var flags = [flag: values]
        // Flags that only make sense with a companion or an environment.
        if flag == .tlsCertFile { flags[.tlsPrivateKeyFile] = ["/c.key"] }
        if flag == .tlsPrivateKeyFile { flags[.tlsCertFile] = ["/c.crt"] }
        if flag == .alertOnReload { flags[.alertWebhookURL] = ["https://hooks.example/a"] }
        let environment = flag == .enableHA ? ["POD_NAME": "reloader-0", "POD_NAMESPACE": "ops"] : [:]
        let configuration = try ReloaderConfiguration(flags: flags, environment: environment)
        #expect(check(configuration), "--\(flag.name)=\(values)")
        #expect(configuration != ReloaderConfiguration(), "--\(flag.name) changed nothing")
    }

    @Test("with no flags and no environment every value is the contract's default")
    func defaults() throws {
        let configuration = try ReloaderConfiguration(flags: [:], environment: [:])
        #expect(configuration == ReloaderConfiguration())
        #expect(!configuration.autoReloadAll)
        #expect(configuration.reloadStrategy == .envVars)
        #expect(!configuration.reloadOnCreate && !configuration.reloadOnDelete && !configuration.syncAfterRestart)
        #expect(!configuration.leaderElection.isEnabled)
        #expect(configuration.webhookURL == nil)
        #expect(configuration.resourcesToIgnore.isEmpty && configuration.ignoredWorkloadTypes.isEmpty)
        #expect(configuration.namespaces.isEmpty && configuration.watchesAllNamespaces)
        #expect(configuration.namespacesToIgnore.isEmpty)
        #expect(configuration.namespaceSelector.isEmpty && configuration.resourceLabelSelector.isEmpty)
        #expect(!configuration.isArgoRolloutsEnabled && !configuration.isOpenShiftEnabled)
        #expect(!configuration.isCSIIntegrationEnabled)
        #expect(configuration.logFormat == .text && configuration.logLevel == .info)
        #expect(!configuration.isPprofEnabled)
        #expect(configuration.pprofAddress == ListenAddress(host: "", port: 6060))
        #expect(configuration.metricsAddress == ListenAddress(host: "", port: 9090))
        #expect(configuration.leaderElection.leaseName == "stakater-reloader-lock")
        #expect(configuration.leaderElection.namespace == nil && configuration.leaderElection.identity == nil)
        #expect(configuration.leaderElection.leaseDuration == .seconds(15))
        #expect(configuration.leaderElection.renewDeadline == .seconds(10))
        #expect(configuration.leaderElection.retryPeriod == .seconds(2))
        #expect(configuration.alerts == ReloaderConfiguration.Alerts())
        #expect(!configuration.alerts.isEnabled && configuration.alerts.sink.isEmpty)
        #expect(configuration.alerts.webhookURL.isEmpty && configuration.alerts.proxy.isEmpty)
        #expect(configuration.alerts.additionalInfo.isEmpty)
        #expect(configuration.annotationKeyOverrides.isEmpty)
        #expect(configuration.webhookAddress == ListenAddress(host: "", port: 8443))
        #expect(configuration.certificatePath == "/tmp/k8s-webhook-server/serving-certs/tls.crt")
        #expect(configuration.privateKeyPath == "/tmp/k8s-webhook-server/serving-certs/tls.key")
        #expect(configuration.maxConnections == 1024)
        #expect(configuration.shutdownGracePeriod == .seconds(30))
        #expect(configuration.resyncPeriod == .seconds(300))
        #expect(configuration.coalesceWindow == .seconds(1))
        #expect(!configuration.isDryRun)
        #expect(configuration.kubeconfigPath == nil)
        #expect(configuration.kubeAPIQPS == 50 && configuration.kubeAPIBurst == 100)
        #expect(!configuration.countsReloadsByNamespace && configuration.metaInfoLocation == nil)
    }

    @Test(
        "every boolean flag takes every Go form",
        arguments: ConfigurationFlag.allCases.filter(\.isBoolean),
        ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"])
    func booleanForms(flag: ConfigurationFlag, text: String) throws {
        // --enable-ha needs its pod identity and --alert-on-reload its URL.
        let environment = [
            "POD_NAME": "reloader-0", "POD_NAMESPACE": "ops", "ALERT_WEBHOOK_URL": "https://hooks.example/a",
        ]
        let configuration = try ReloaderConfiguration(flags: [flag: [text]], environment: environment)
        let expected = GoBool.trueForms.contains(text)
        let value: Bool =
            switch flag {
            case .autoReloadAll: configuration.autoReloadAll
            case .reloadOnCreate: configuration.reloadOnCreate
            case .reloadOnDelete: configuration.reloadOnDelete
            case .syncAfterRestart: configuration.syncAfterRestart
            case .enableHA: configuration.leaderElection.isEnabled
            case .isArgoRollouts: configuration.isArgoRolloutsEnabled
            case .isOpenShift: configuration.isOpenShiftEnabled
            case .enableCSIIntegration: configuration.isCSIIntegrationEnabled
            case .enablePprof: configuration.isPprofEnabled
            case .alertOnReload: configuration.alerts.isEnabled
            case .dryRun: configuration.isDryRun
            default: !expected
            }
        #expect(value == expected, "--\(flag.name)=\(text)")
    }

    @Test(
        "list flags take commas, repetition, or both, trimmed, empty entries dropped",
        arguments: [
            (["a,b", "c"], ["a", "b", "c"]), (["a", "b"], ["a", "b"]), (["a, b ,,c"], ["a", "b", "c"]),
            ([""], [String]()), (["\"a\",b"], ["a", "b"]),
        ])
    func listForms(values: [String], expected: [String]) throws {
        for flag in [ConfigurationFlag.namespaces, .namespacesToIgnore] {
            let configuration = try ReloaderConfiguration(flags: [flag: values], environment: [:])
            #expect((flag == .namespaces ? configuration.namespaces : configuration.namespacesToIgnore) == expected)
        }
    }

    @Test("a scalar flag given twice keeps its last value, as pflag does")
    func lastValueWins() throws {
        let configuration = try ReloaderConfiguration(
            flags: [.reloadStrategy: ["annotations", "env-vars"], .autoReloadAll: ["true", "false"]], environment: [:])
        #expect(configuration.reloadStrategy == .envVars && !configuration.autoReloadAll)
    }

    @Test("flags are named as in Reloader, with the two aliases")
    func names() {
        #expect(ConfigurationFlag.isArgoRollouts.name == "is-Argo-Rollouts")
        #expect(ConfigurationFlag(name: "is-argo-rollouts") == .isArgoRollouts)
        #expect(ConfigurationFlag(name: "metrics-address") == .metricsAddress)
        #expect(ConfigurationFlag(name: "metrics-addr") == .metricsAddress)
        #expect(ConfigurationFlag(name: "Is-Argo-Rollouts") == nil)
        #expect(ConfigurationFlag.allCases.filter(\.isAnnotationRename).count == 15)
    }
}
