/// Turns one admission review of a ConfigMap or Secret (or, with `--enable-csi-integration`, of a
/// SecretProviderClassPodStatus) into the `ConfigChange` the policy decides on, or the reason there is nothing to
/// decide (contract §2.1 step 2, §3, §6, §7.1, §12). Hashes are computed from the review itself (`object` and
/// `oldObject`); only the hashes leave this function, never the values. Pure.
public enum ChangeDetector {
    /// The API group of SecretProviderClass and SecretProviderClassPodStatus (the secrets-store CSI driver's CRDs).
    public static let secretsStoreGroup = "secrets-store.csi.x-k8s.io"

    /// Why a review leads to no reload at all, before any workload is looked at.
    public enum Skip: Sendable, Hashable {
        /// Not a core-group ConfigMap or Secret, nor (with CSI) a SecretProviderClassPodStatus; or a subresource,
        /// or CONNECT.
        case notAConfig
        /// `request.dryRun` (kubectl `--dry-run=server`): nothing is enqueued (§12).
        case dryRun
        /// CREATE without `--reload-on-create`, DELETE without `--reload-on-delete` (§6), and any CREATE or
        /// DELETE of a SecretProviderClassPodStatus (`detect` says why).
        case operationNotEnabled
        /// `--resources-to-ignore`
        case resourceTypeIgnored
        /// `--namespaces`, `--namespaces-to-ignore`, `--namespace-selector`, `--resource-label-selector`.
        case filtered
        /// `ignore: "true"` on the config (§2.1 step 2).
        case configIgnored
        /// Same content hash: a labels- or annotations-only update (§3).
        case noDataChange
        /// The object the operation needs is missing, its Secret data is not base64, or a
        /// SecretProviderClassPodStatus names no class or has a status the hash refuses.
        case unreadable(String)

        /// The `reason` label of `reloader_skipped_total` (contract §11).
        public var metricLabel: String {
            switch self {
            case .noDataChange: "no_data_change"
            case .dryRun: "dry_run"
            default: "ignored_or_not_selected"
            }
        }
    }

    public enum Outcome: Sendable, Hashable {
        case change(ConfigChange)
        case skip(Skip)
    }

    /// The config kind a review is about, or nil when it is not a ConfigMap or Secret of the core group, nor a
    /// SecretProviderClassPodStatus with `options.isCSIIntegrationEnabled` (the class it reports on is the config).
    public static func configKind(of request: AdmissionRequest, options: PolicyOptions) -> ConfigKind? {
        guard request.subResource == nil || request.subResource == "" else { return nil }
        switch (request.kind.group, request.kind.kind) {
        case ("", "ConfigMap"): return .configMap
        case ("", "Secret"): return .secret
        case (secretsStoreGroup, KubeObject.secretProviderClassPodStatusKind) where options.isCSIIntegrationEnabled:
            return .secretProviderClass
        default: return nil
        }
    }

    /// `namespaceLabels`: the labels of the request's namespace when known (only needed with a namespace
    /// selector; unknown then means not admitted, as `ConfigFilter` says).
    ///
    /// A SecretProviderClassPodStatus review is a change of `ConfigRef(.secretProviderClass, namespace,
    /// status.secretProviderClassName)`, hashed from the statuses (contract §3), with the SecretProviderClassPodStatus's
    /// own name as `sourceName`. Its labels (for `--resource-label-selector`) and annotations (`ignore`, `match`)
    /// are those of the reviewed SecretProviderClassPodStatus, the only object the review carries (reading the
    /// SecretProviderClass would need an API call before answering). Reloader filters on the same object's labels;
    /// for `ignore` and `match` it GETs the SecretProviderClass (README: the flag's row).
    public static func detect(
        _ request: AdmissionRequest, options: PolicyOptions, filter: ConfigFilter = ConfigFilter(),
        namespaceLabels: [String: String]? = nil
    ) -> Outcome {
        guard let kind = configKind(of: request, options: options) else { return .skip(.notAConfig) }
        let operation: ConfigChange.Operation
        switch request.operation {
        case .create: operation = .create
        case .update: operation = .update
        case .delete: operation = .delete
        case .connect: return .skip(.notAConfig)
        }
        if options.resourcesToIgnore.contains(kind) { return .skip(.resourceTypeIgnored) }
        if request.isDryRun { return .skip(.dryRun) }
        switch operation {
        case .create where !options.reloadOnCreate, .delete where !options.reloadOnDelete:
            return .skip(.operationNotEnabled)
        default: break
        }
        // The CSI driver creates a SecretProviderClassPodStatus when a pod mounts the class and deletes it when the
        // pod goes: pod churn, not a change of what the class serves. Acting on it would roll a workload because
        // its own pods came or went (with --reload-on-delete, at every scale-down or node drain). Reloader ignores
        // both as well, whatever the flags (its controller's Add and Delete return early for this type).
        if kind == .secretProviderClass, operation != .update { return .skip(.operationNotEnabled) }

        // The object whose metadata counts: the new one, or the old one for a DELETE.
        guard let current = operation == .delete ? request.oldObject : request.object else {
            return .skip(.unreadable(operation == .delete ? "DELETE without oldObject" : "no object"))
        }
        guard let objectName = nonEmpty(request.name) ?? nonEmpty(current.metadata.name) else {
            return .skip(.unreadable("no name"))
        }
        let name: String
        var sourceName: String?
        if kind == .secretProviderClass {
            // The workloads reference the class (CSI volumeAttributes, reload annotations), not the per-pod object.
            guard let className = nonEmpty(current.status?["secretProviderClassName"]?.stringValue) else {
                return .skip(.unreadable("SecretProviderClassPodStatus without status.secretProviderClassName"))
            }
            name = className
            sourceName = objectName
        } else {
            name = objectName
        }
        let namespace = nonEmpty(request.namespace) ?? current.metadata.namespace ?? ""
        let labels = current.metadata.labels ?? [:]
        let annotations = current.metadata.annotations ?? [:]
        guard
            filter.admits(namespace: namespace, namespaceLabels: namespaceLabels, configLabels: labels)
        else {
            return .skip(.filtered)
        }
        if Annotations.isExactlyTrue(annotations[options.annotationKeys.ignore]) {
            return .skip(.configIgnored)
        }

        let oldHash: String?
        let newHash: String?
        do throws(ContentHash.Failure) {
            switch operation {
            case .create:
                oldHash = nil
                newHash = try hash(current, kind)
            case .update:
                guard let old = request.oldObject else {
                    return .skip(.unreadable("UPDATE without oldObject"))
                }
                oldHash = try hash(old, kind)
                newHash = try hash(current, kind)
            case .delete:
                oldHash = try hash(current, kind)
                newHash = nil
            }
        } catch {
            return .skip(.unreadable(error.description))
        }
        let change = ConfigChange(
            config: ConfigRef(kind: kind, namespace: namespace, name: name), annotations: annotations,
            labels: labels, oldHash: oldHash, newHash: newHash, operation: operation, sourceName: sourceName)
        guard change.isContentChange else { return .skip(.noDataChange) }
        return .change(change)
    }

    private static func hash(
        _ object: KubeObject, _ kind: ConfigKind
    ) throws(ContentHash.Failure)
        -> String
    {
        switch kind {
        case .configMap: ContentHash.configMap(data: object.data, binaryData: object.binaryData)
        case .secret: try ContentHash.secret(data: object.data)
        case .secretProviderClass: try ContentHash.secretProviderClassPodStatus(status: object.status)
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
