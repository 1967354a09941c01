/// The `reloader-meta-info` ConfigMap (contract §8): what this reloader is and how it was started, published in
/// `RELOADER_NAMESPACE` for tools that look for Reloader's. Label `reloader.stakater.com/meta-info: reloader`;
/// keys `buildInfo`, `reloaderOptions` (Reloader's field names, then ours) and `deploymentInfo` (the metadata of
/// the Deployment `RELOADER_DEPLOYMENT_NAME`, as Reloader stores it, without `managedFields`). Each value is a JSON
/// document in a string. Pure.
public enum MetaInfo {
    public static let configMapName = "reloader-meta-info"
    public static let labelKey = "reloader.stakater.com/meta-info"
    public static let labelValue = "reloader"

    /// The ConfigMap to write. `deployment` is the reloader Deployment as read (nil when it could not be read: then
    /// only its name and namespace are recorded).
    public static func configMap(
        configuration: ReloaderConfiguration, location: ReloaderConfiguration.MetaInfoLocation,
        deployment: JSONValue?
    ) -> JSONValue {
        var deploymentInfo: JSONValue = [
            "name": .string(location.deploymentName), "namespace": .string(location.namespace),
        ]
        if case .object(var metadata)? = deployment?["metadata"] {
            metadata["managedFields"] = nil
            deploymentInfo = .object(metadata)
        }
        func text(_ value: JSONValue) -> JSONValue { .string(String(decoding: value.serialized(), as: UTF8.self)) }
        return [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": .string(configMapName), "namespace": .string(location.namespace),
                "labels": [.init(stringLiteral: labelKey): .string(labelValue)],
            ],
            "data": [
                "buildInfo": text(["version": .string(ReloaderVersion.string), "runtime": "swift"]),
                "reloaderOptions": text(options(configuration)),
                "deploymentInfo": text(deploymentInfo),
            ],
        ]
    }

    /// Reloader v1.4's `ReloaderOptions` fields (its booleans-as-strings kept), then the options only we have.
    static func options(_ configuration: ReloaderConfiguration) -> JSONValue {
        let keys = configuration.annotationKeys
        func flag(_ value: Bool) -> JSONValue { .string(value ? "true" : "false") }
        func list(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        return [
            "autoReloadAll": .bool(configuration.autoReloadAll),
            "configmapUpdateOnChangeAnnotation": .string(keys.configMapReload),
            "secretUpdateOnChangeAnnotation": .string(keys.secretReload),
            "reloaderAutoAnnotation": .string(keys.auto),
            "ignoreResourceAnnotation": .string(keys.ignore),
            "configmapReloaderAutoAnnotation": .string(keys.configMapAuto),
            "secretReloaderAutoAnnotation": .string(keys.secretAuto),
            "configmapExcludeReloaderAnnotation": .string(keys.configMapExclude),
            "secretExcludeReloaderAnnotation": .string(keys.secretExclude),
            "autoSearchAnnotation": .string(keys.search),
            "searchMatchAnnotation": .string(keys.match),
            "rolloutStrategyAnnotation": .string(Annotations.rolloutStrategy),
            "pauseDeploymentAnnotation": .string(keys.pausePeriod),
            "pauseDeploymentTimeAnnotation": .string(keys.pausedAt),
            "logFormat": .string(configuration.logFormat == .json ? "json" : ""),
            "logLevel": .string("\(configuration.logLevel)"),
            "isArgoRollouts": flag(configuration.isArgoRolloutsEnabled),
            "isOpenshift": flag(configuration.isOpenShiftEnabled),
            "enableCSIIntegration": flag(configuration.isCSIIntegrationEnabled),
            "reloadStrategy": .string(configuration.reloadStrategy.rawValue),
            "reloadOnCreate": flag(configuration.reloadOnCreate),
            "reloadOnDelete": flag(configuration.reloadOnDelete),
            "syncAfterRestart": .bool(configuration.syncAfterRestart),
            "enableHA": .bool(configuration.leaderElection.isEnabled),
            "webhookUrl": .string(configuration.webhookURL ?? ""),
            "resourcesToIgnore": list(
                configuration.resourcesToIgnore.map { $0 == .secret ? "secrets" : "configmaps" }.sorted()),
            "ignoredWorkloadTypes": list(configuration.ignoredWorkloadTypes.map(\.resource).sorted()),
            "namespaces": list(configuration.namespaces),
            "namespacesToIgnore": list(configuration.namespacesToIgnore),
            "namespaceSelectors": list(configuration.namespaceSelector),
            "resourceSelectors": list(configuration.resourceLabelSelector),
            "resyncPeriod": .string("\(configuration.resyncPeriod)"),
            "coalesceWindow": .string("\(configuration.coalesceWindow)"),
            "dryRun": .bool(configuration.isDryRun),
        ]
    }
}

/// Writes the `reloader-meta-info` ConfigMap once at start-up (create, or replace the one a previous run or another
/// replica wrote). A failure is logged by the caller and never stops reloader: the ConfigMap is informational.
/// Blocks the calling thread on API calls; thread-safe.
public struct MetaInfoPublisher: Sendable {
    private let client: KubeClient

    public init(client: KubeClient) {
        self.client = client
    }

    /// Publishes and returns the stored ConfigMap.
    @discardableResult
    public func publish(
        configuration: ReloaderConfiguration, location: ReloaderConfiguration.MetaInfoLocation
    ) throws(KubeClientError) -> JSONValue {
        let deploymentPath = ResourcePath(
            group: "apps", version: "v1", resource: "deployments", namespace: location.namespace,
            name: location.deploymentName)
        var deployment: JSONValue?
        do {
            deployment = try client.get(deploymentPath)
        } catch {
            // Recorded by name only; a missing Deployment (reloader run outside one) is not an error.
            guard error.apiError?.isNotFound == true else { throw error }
        }
        let configMap = MetaInfo.configMap(configuration: configuration, location: location, deployment: deployment)
        let collection = ResourcePath(resource: "configmaps", namespace: location.namespace)
        let path = ResourcePath(resource: "configmaps", namespace: location.namespace, name: MetaInfo.configMapName)
        for _ in 1...3 {
            do {
                return try client.create(collection, configMap, fieldManager: KubeWorkloadReloader.fieldManager)
            } catch  where error.apiError?.isAlreadyExists == true {
                var replacement = configMap
                let existing = try client.get(path)
                replacement.set(["metadata", "resourceVersion"], to: existing[path: ["metadata", "resourceVersion"]])
                do {
                    return try client.update(path, replacement)
                } catch  where error.apiError?.isConflict == true || error.apiError?.isNotFound == true {
                    continue  // written or deleted by another replica meanwhile: start over
                }
            }
        }
        return try client.get(path)
    }
}
