import Testing

@testable import Reloader

/// The flags reach the engine: policy options, config filter, annotation keys and workload kinds.
@Suite("configuration to engine options")
struct ReloaderConfigurationEngineTests {
    private func configuration(
        _ flags: [ConfigurationFlag: [String]], environment: [String: String] = [:]
    ) throws
        -> ReloaderConfiguration
    {
        try ReloaderConfiguration(flags: flags, environment: environment)
    }

    @Test(
        "workload kinds: the five built-in kinds by default, minus ignored types, plus Rollouts and DeploymentConfigs")
    func workloadKinds() throws {
        #expect(try configuration([:]).workloadKinds == [.deployment, .daemonSet, .statefulSet, .cronJob, .job])
        #expect(
            try configuration([.ignoredWorkloadTypes: ["jobs,cronjobs"]]).workloadKinds == [
                .deployment, .daemonSet, .statefulSet,
            ])
        let all = try configuration([.isArgoRollouts: ["true"], .isOpenShift: ["true"]]).workloadKinds
        #expect(all.contains(.rollout) && all.contains(.deploymentConfig) && all.count == 7)
    }

    @Test("policy options carry every decision flag")
    func policyOptions() throws {
        let options = try configuration([
            .autoReloadAll: ["true"], .reloadStrategy: ["annotations"], .reloadOnCreate: ["true"],
            .reloadOnDelete: ["1"], .resourcesToIgnore: ["Secrets"], .ignoredWorkloadTypes: ["jobs"],
            .autoAnnotation: ["example.com/auto"],
        ]).policyOptions
        #expect(options.autoReloadAll)
        #expect(options.reloadStrategy == .annotations)
        #expect(options.reloadOnCreate && options.reloadOnDelete)
        #expect(options.resourcesToIgnore == [.secret])
        #expect(options.ignoredWorkloadTypes == [.job])
        #expect(options.annotationKeys.auto == "example.com/auto")
        #expect(options.annotationKeys.configMapAuto == AnnotationKeys().configMapAuto)
    }

    @Test("the config filter: namespaces (or KUBERNETES_NAMESPACE), ignored namespaces, both selectors")
    func configFilter() throws {
        let filter = try configuration(
            [.namespacesToIgnore: ["kube-system"], .namespaceSelector: ["team:shop"], .resourceLabelSelector: ["app"]],
            environment: ["KUBERNETES_NAMESPACE": "shop"]
        ).configFilter()
        #expect(filter.namespaces == ["shop"])
        #expect(filter.namespacesToIgnore == ["kube-system"])
        #expect(filter.admits(namespace: "shop", namespaceLabels: ["team": "shop"], configLabels: ["app": "x"]))
        #expect(!filter.admits(namespace: "shop", namespaceLabels: ["team": "web"], configLabels: ["app": "x"]))
        #expect(!filter.admits(namespace: "shop", namespaceLabels: ["team": "shop"], configLabels: [:]))
    }

    @Test("the index keeps the renamed keys, and the queue gets the coalesce window")
    func indexKeysAndQueue() throws {
        let configuration = try configuration([
            .configMapAnnotation: ["example.com/reload"], .coalesceWindow: ["250ms"],
        ])
        #expect(configuration.indexedAnnotationKeys.reloadLists[.configMap] == "example.com/reload")
        #expect(configuration.indexedAnnotationKeys.kept.contains("example.com/reload"))
        #expect(!configuration.indexedAnnotationKeys.kept.contains(AnnotationKeys().configMapReload))
        #expect(configuration.reloadQueueOptions.coalesceWindow == .milliseconds(250))
    }
}
