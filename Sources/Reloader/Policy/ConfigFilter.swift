/// Which configs are watched at all, before any workload is considered (contract §7.1): `--namespaces`,
/// `--namespaces-to-ignore`, `--namespace-selector` (on the Namespace's labels) and `--resource-label-selector`
/// (on the config's labels). A pure value.
public struct ConfigFilter: Sendable, Hashable {
    /// `--namespaces` (or `KUBERNETES_NAMESPACE`); empty means all.
    public var namespaces: Set<String> = []
    /// `--namespaces-to-ignore`
    public var namespacesToIgnore: Set<String> = []
    /// `--namespace-selector`; empty matches every namespace.
    public var namespaceSelector = LabelSelector()
    /// `--resource-label-selector`; empty matches every config.
    public var resourceLabelSelector = LabelSelector()

    public init() {}

    /// Whether the namespace selector needs the Namespace's labels (so the caller only fetches them then).
    public var needsNamespaceLabels: Bool { !namespaceSelector.requirements.isEmpty }

    /// Whether a config in `namespace` with `labels` is watched. `namespaceLabels` is nil when unknown; with a
    /// namespace selector set, an unknown namespace is not admitted.
    public func admits(namespace: String, namespaceLabels: [String: String]?, configLabels: [String: String]) -> Bool {
        if !namespaces.isEmpty && !namespaces.contains(namespace) { return false }
        if namespacesToIgnore.contains(namespace) { return false }
        if needsNamespaceLabels {
            guard let namespaceLabels, namespaceSelector.matches(namespaceLabels) else { return false }
        }
        return resourceLabelSelector.matches(configLabels)
    }
}
