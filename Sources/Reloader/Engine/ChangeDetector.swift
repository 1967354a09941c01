/// Turns one admission review of a ConfigMap or Secret into the `ConfigChange` the policy decides on, or the
/// reason there is nothing to decide (contract §2.1 step 2, §3, §6, §7.1, §12). Hashes are computed from the
/// review itself (`object` and `oldObject`); only the hashes leave this function, never the values. Pure.
public enum ChangeDetector {
    /// The API group of SecretProviderClass and SecretProviderClassPodStatus (the secrets-store CSI driver's CRDs).
    public static let secretsStoreGroup = "secrets-store.csi.x-k8s.io"

    /// Why a review leads to no reload at all, before any workload is looked at.
    public enum Skip: Sendable, Hashable {
        /// Not a core-group ConfigMap or Secret (or a subresource, or CONNECT).
        case notAConfig
        /// `request.dryRun` (kubectl `--dry-run=server`): nothing is enqueued (§12).
        case dryRun
        /// CREATE without `--reload-on-create`, DELETE without `--reload-on-delete` (§6).
        case operationNotEnabled
        /// `--resources-to-ignore`
        case resourceTypeIgnored
        /// `--namespaces`, `--namespaces-to-ignore`, `--namespace-selector`, `--resource-label-selector`.
        case filtered
        /// `ignore: "true"` on the config (§2.1 step 2).
        case configIgnored
        /// Same content hash: a labels- or annotations-only update (§3).
        case noDataChange
        /// The object the operation needs is missing, or its Secret data is not base64.
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

    /// The config kind a review is about, or nil when it is not a ConfigMap or Secret of the core group.
    public static func configKind(of request: AdmissionRequest) -> ConfigKind? {
        guard request.kind.group.isEmpty, request.subResource == nil || request.subResource == "" else {
            return nil
        }
        switch request.kind.kind {
        case "ConfigMap": return .configMap
        case "Secret": return .secret
        default: return nil
        }
    }

    /// `namespaceLabels`: the labels of the request's namespace when known (only needed with a namespace
    /// selector; unknown then means not admitted, as `ConfigFilter` says).
    public static func detect(
        _ request: AdmissionRequest, options: PolicyOptions, filter: ConfigFilter = ConfigFilter(),
        namespaceLabels: [String: String]? = nil
    ) -> Outcome {
        guard let kind = configKind(of: request) else { return .skip(.notAConfig) }
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

        // The object whose metadata counts: the new one, or the old one for a DELETE.
        guard let current = operation == .delete ? request.oldObject : request.object else {
            return .skip(.unreadable(operation == .delete ? "DELETE without oldObject" : "no object"))
        }
        guard let name = nonEmpty(request.name) ?? nonEmpty(current.metadata.name) else {
            return .skip(.unreadable("no name"))
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
            labels: labels,
            oldHash: oldHash, newHash: newHash, operation: operation)
        guard change.isContentChange else { return .skip(.noDataChange) }
        return .change(change)
    }

    private static func hash(
        _ object: KubeObject, _ kind: ConfigKind
    ) throws(ContentHash.Failure)
        -> String
    {
        switch kind {
        case .secret: try ContentHash.secret(data: object.data)
        default: ContentHash.configMap(data: object.data, binaryData: object.binaryData)
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
