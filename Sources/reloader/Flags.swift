import ArgumentParser
import Reloader

// The option types of `reloader`: one property per flag of the contract. Every value is kept as written (a
// `String`, or a `[String]` for list flags) and converted in `ReloaderConfiguration(flags:environment:)`, which is
// pure and unit-tested, so a bad value of any kind gets the same message naming its flag.

/// Flags shared with Stakater Reloader (contract §7.1). Names, help and defaults come from `ConfigurationFlag`.
struct ReloaderFlags: ParsableArguments {
    @Option(name: names(.autoReloadAll), help: help(.autoReloadAll)) var autoReloadAll: String?
    @Option(name: names(.reloadStrategy), help: help(.reloadStrategy)) var reloadStrategy: String?
    @Option(name: names(.reloadOnCreate), help: help(.reloadOnCreate)) var reloadOnCreate: String?
    @Option(name: names(.reloadOnDelete), help: help(.reloadOnDelete)) var reloadOnDelete: String?
    @Option(name: names(.syncAfterRestart), help: help(.syncAfterRestart)) var syncAfterRestart: String?
    @Option(name: names(.enableHA), help: help(.enableHA)) var enableHA: String?
    @Option(name: names(.webhookURL), help: help(.webhookURL)) var webhookURL: String?
    @Option(name: names(.resourcesToIgnore), help: help(.resourcesToIgnore)) var resourcesToIgnore: [String] = []
    @Option(name: names(.ignoredWorkloadTypes), help: help(.ignoredWorkloadTypes)) var ignoredWorkloadTypes: [String] =
        []
    @Option(name: names(.namespaces), help: help(.namespaces)) var namespaces: [String] = []
    @Option(name: names(.namespacesToIgnore), help: help(.namespacesToIgnore)) var namespacesToIgnore: [String] = []
    @Option(name: names(.namespaceSelector), help: help(.namespaceSelector)) var namespaceSelector: [String] = []
    @Option(name: names(.resourceLabelSelector), help: help(.resourceLabelSelector)) var resourceLabelSelector:
        [String] = []
    @Option(name: names(.isArgoRollouts), help: help(.isArgoRollouts)) var isArgoRollouts: String?
    @Option(name: names(.isOpenShift), help: help(.isOpenShift)) var isOpenShift: String?
    @Option(name: names(.enableCSIIntegration), help: help(.enableCSIIntegration)) var enableCSIIntegration: String?
    @Option(name: names(.logFormat), help: help(.logFormat)) var logFormat: String?
    @Option(name: names(.logLevel), help: help(.logLevel)) var logLevel: String?
    @Option(name: names(.enablePprof), help: help(.enablePprof)) var enablePprof: String?
    @Option(name: names(.pprofAddress), help: help(.pprofAddress)) var pprofAddress: String?
    @Option(name: names(.metricsAddress), help: help(.metricsAddress)) var metricsAddress: String?
    @Option(name: names(.leaderElectionID), help: help(.leaderElectionID)) var leaderElectionID: String?
    @Option(name: names(.leaderElectionNamespace), help: help(.leaderElectionNamespace)) var leaderElectionNamespace:
        String?
    @Option(name: names(.leaderElectionLeaseDuration), help: help(.leaderElectionLeaseDuration))
    var leaderElectionLeaseDuration: String?
    @Option(name: names(.leaderElectionRenewDeadline), help: help(.leaderElectionRenewDeadline))
    var leaderElectionRenewDeadline: String?
    @Option(name: names(.leaderElectionRetryPeriod), help: help(.leaderElectionRetryPeriod))
    var leaderElectionRetryPeriod: String?
    @Option(name: names(.alertOnReload), help: help(.alertOnReload)) var alertOnReload: String?
    @Option(name: names(.alertSink), help: help(.alertSink)) var alertSink: String?
    @Option(name: names(.alertWebhookURL), help: help(.alertWebhookURL)) var alertWebhookURL: String?
    @Option(name: names(.alertProxy), help: help(.alertProxy)) var alertProxy: String?
    @Option(name: names(.alertAdditionalInfo), help: help(.alertAdditionalInfo)) var alertAdditionalInfo: String?

    /// Each flag given, with its values in command-line order.
    var given: [ConfigurationFlag: [String]] {
        let values: [(ConfigurationFlag, [String])] = [
            (.autoReloadAll, autoReloadAll.map { [$0] } ?? []),
            (.reloadStrategy, reloadStrategy.map { [$0] } ?? []),
            (.reloadOnCreate, reloadOnCreate.map { [$0] } ?? []),
            (.reloadOnDelete, reloadOnDelete.map { [$0] } ?? []),
            (.syncAfterRestart, syncAfterRestart.map { [$0] } ?? []),
            (.enableHA, enableHA.map { [$0] } ?? []),
            (.webhookURL, webhookURL.map { [$0] } ?? []),
            (.resourcesToIgnore, resourcesToIgnore),
            (.ignoredWorkloadTypes, ignoredWorkloadTypes),
            (.namespaces, namespaces),
            (.namespacesToIgnore, namespacesToIgnore),
            (.namespaceSelector, namespaceSelector),
            (.resourceLabelSelector, resourceLabelSelector),
            (.isArgoRollouts, isArgoRollouts.map { [$0] } ?? []),
            (.isOpenShift, isOpenShift.map { [$0] } ?? []),
            (.enableCSIIntegration, enableCSIIntegration.map { [$0] } ?? []),
            (.logFormat, logFormat.map { [$0] } ?? []),
            (.logLevel, logLevel.map { [$0] } ?? []),
            (.enablePprof, enablePprof.map { [$0] } ?? []),
            (.pprofAddress, pprofAddress.map { [$0] } ?? []),
            (.metricsAddress, metricsAddress.map { [$0] } ?? []),
            (.leaderElectionID, leaderElectionID.map { [$0] } ?? []),
            (.leaderElectionNamespace, leaderElectionNamespace.map { [$0] } ?? []),
            (.leaderElectionLeaseDuration, leaderElectionLeaseDuration.map { [$0] } ?? []),
            (.leaderElectionRenewDeadline, leaderElectionRenewDeadline.map { [$0] } ?? []),
            (.leaderElectionRetryPeriod, leaderElectionRetryPeriod.map { [$0] } ?? []),
            (.alertOnReload, alertOnReload.map { [$0] } ?? []),
            (.alertSink, alertSink.map { [$0] } ?? []),
            (.alertWebhookURL, alertWebhookURL.map { [$0] } ?? []),
            (.alertProxy, alertProxy.map { [$0] } ?? []),
            (.alertAdditionalInfo, alertAdditionalInfo.map { [$0] } ?? []),
        ]
        return Dictionary(uniqueKeysWithValues: values.filter { !$0.1.isEmpty })
    }
}

/// Annotation key renames (contract §2). Names, help and defaults come from `ConfigurationFlag`.
struct AnnotationKeyFlags: ParsableArguments {
    @Option(name: names(.autoAnnotation), help: help(.autoAnnotation)) var autoAnnotation: String?
    @Option(name: names(.configMapAutoAnnotation), help: help(.configMapAutoAnnotation)) var configMapAutoAnnotation:
        String?
    @Option(name: names(.secretAutoAnnotation), help: help(.secretAutoAnnotation)) var secretAutoAnnotation: String?
    @Option(name: names(.secretProviderClassAutoAnnotation), help: help(.secretProviderClassAutoAnnotation))
    var secretProviderClassAutoAnnotation: String?
    @Option(name: names(.configMapAnnotation), help: help(.configMapAnnotation)) var configMapAnnotation: String?
    @Option(name: names(.secretAnnotation), help: help(.secretAnnotation)) var secretAnnotation: String?
    @Option(name: names(.secretProviderClassAnnotation), help: help(.secretProviderClassAnnotation))
    var secretProviderClassAnnotation: String?
    @Option(name: names(.autoSearchAnnotation), help: help(.autoSearchAnnotation)) var autoSearchAnnotation: String?
    @Option(name: names(.searchMatchAnnotation), help: help(.searchMatchAnnotation)) var searchMatchAnnotation: String?
    @Option(name: names(.ignoreAnnotation), help: help(.ignoreAnnotation)) var ignoreAnnotation: String?
    @Option(name: names(.configMapExcludeAnnotation), help: help(.configMapExcludeAnnotation))
    var configMapExcludeAnnotation: String?
    @Option(name: names(.secretExcludeAnnotation), help: help(.secretExcludeAnnotation)) var secretExcludeAnnotation:
        String?
    @Option(name: names(.secretProviderClassExcludeAnnotation), help: help(.secretProviderClassExcludeAnnotation))
    var secretProviderClassExcludeAnnotation: String?
    @Option(name: names(.pauseDeploymentAnnotation), help: help(.pauseDeploymentAnnotation))
    var pauseDeploymentAnnotation: String?
    @Option(name: names(.pauseDeploymentTimeAnnotation), help: help(.pauseDeploymentTimeAnnotation))
    var pauseDeploymentTimeAnnotation: String?

    /// Each flag given, with its values in command-line order.
    var given: [ConfigurationFlag: [String]] {
        let values: [(ConfigurationFlag, [String])] = [
            (.autoAnnotation, autoAnnotation.map { [$0] } ?? []),
            (.configMapAutoAnnotation, configMapAutoAnnotation.map { [$0] } ?? []),
            (.secretAutoAnnotation, secretAutoAnnotation.map { [$0] } ?? []),
            (.secretProviderClassAutoAnnotation, secretProviderClassAutoAnnotation.map { [$0] } ?? []),
            (.configMapAnnotation, configMapAnnotation.map { [$0] } ?? []),
            (.secretAnnotation, secretAnnotation.map { [$0] } ?? []),
            (.secretProviderClassAnnotation, secretProviderClassAnnotation.map { [$0] } ?? []),
            (.autoSearchAnnotation, autoSearchAnnotation.map { [$0] } ?? []),
            (.searchMatchAnnotation, searchMatchAnnotation.map { [$0] } ?? []),
            (.ignoreAnnotation, ignoreAnnotation.map { [$0] } ?? []),
            (.configMapExcludeAnnotation, configMapExcludeAnnotation.map { [$0] } ?? []),
            (.secretExcludeAnnotation, secretExcludeAnnotation.map { [$0] } ?? []),
            (.secretProviderClassExcludeAnnotation, secretProviderClassExcludeAnnotation.map { [$0] } ?? []),
            (.pauseDeploymentAnnotation, pauseDeploymentAnnotation.map { [$0] } ?? []),
            (.pauseDeploymentTimeAnnotation, pauseDeploymentTimeAnnotation.map { [$0] } ?? []),
        ]
        return Dictionary(uniqueKeysWithValues: values.filter { !$0.1.isEmpty })
    }
}

/// reloader's own flags (contract §7.2). Names, help and defaults come from `ConfigurationFlag`.
struct ServerFlags: ParsableArguments {
    @Option(name: names(.webhookAddress), help: help(.webhookAddress)) var webhookAddress: String?
    @Option(name: names(.tlsCertFile), help: help(.tlsCertFile)) var tlsCertFile: String?
    @Option(name: names(.tlsPrivateKeyFile), help: help(.tlsPrivateKeyFile)) var tlsPrivateKeyFile: String?
    @Option(name: names(.certDir), help: help(.certDir)) var certDir: String?
    @Option(name: names(.maxConnections), help: help(.maxConnections)) var maxConnections: String?
    @Option(name: names(.shutdownGracePeriod), help: help(.shutdownGracePeriod)) var shutdownGracePeriod: String?
    @Option(name: names(.resyncPeriod), help: help(.resyncPeriod)) var resyncPeriod: String?
    @Option(name: names(.coalesceWindow), help: help(.coalesceWindow)) var coalesceWindow: String?
    @Option(name: names(.dryRun), help: help(.dryRun)) var dryRun: String?
    @Option(name: names(.kubeconfig), help: help(.kubeconfig)) var kubeconfig: String?
    @Option(name: names(.kubeAPIQPS), help: help(.kubeAPIQPS)) var kubeAPIQPS: String?
    @Option(name: names(.kubeAPIBurst), help: help(.kubeAPIBurst)) var kubeAPIBurst: String?

    /// Each flag given, with its values in command-line order.
    var given: [ConfigurationFlag: [String]] {
        let values: [(ConfigurationFlag, [String])] = [
            (.webhookAddress, webhookAddress.map { [$0] } ?? []),
            (.tlsCertFile, tlsCertFile.map { [$0] } ?? []),
            (.tlsPrivateKeyFile, tlsPrivateKeyFile.map { [$0] } ?? []),
            (.certDir, certDir.map { [$0] } ?? []),
            (.maxConnections, maxConnections.map { [$0] } ?? []),
            (.shutdownGracePeriod, shutdownGracePeriod.map { [$0] } ?? []),
            (.resyncPeriod, resyncPeriod.map { [$0] } ?? []),
            (.coalesceWindow, coalesceWindow.map { [$0] } ?? []),
            (.dryRun, dryRun.map { [$0] } ?? []),
            (.kubeconfig, kubeconfig.map { [$0] } ?? []),
            (.kubeAPIQPS, kubeAPIQPS.map { [$0] } ?? []),
            (.kubeAPIBurst, kubeAPIBurst.map { [$0] } ?? []),
        ]
        return Dictionary(uniqueKeysWithValues: values.filter { !$0.1.isEmpty })
    }
}

/// The flag's name and aliases (`--is-argo-rollouts`, `--metrics-address`).
private func names(_ flag: ConfigurationFlag) -> NameSpecification {
    NameSpecification([.customLong(flag.name)] + flag.aliases.map { .customLong($0) })
}

private func help(_ flag: ConfigurationFlag) -> ArgumentHelp {
    ArgumentHelp(flag.helpText, valueName: flag.valueName)
}
