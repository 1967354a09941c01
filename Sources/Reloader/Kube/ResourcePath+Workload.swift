/// Where each workload kind lives in the API (contract §1): apps/v1 deployments, daemonsets and statefulsets,
/// batch/v1 cronjobs and jobs, argoproj.io/v1alpha1 rollouts, apps.openshift.io/v1 deploymentconfigs. The one
/// place a kind becomes a path; the coordinates themselves are `WorkloadKind.group`, `version` and `resource`.
extension ResourcePath {
    /// The collection of `kind` in `namespace` (all namespaces when nil): where a Job is created, or a list goes.
    public init(collectionOf kind: WorkloadKind, namespace: String?) {
        self.init(group: kind.group, version: kind.version, resource: kind.resource, namespace: namespace)
    }

    /// The one workload `ref` names.
    public init(workload ref: WorkloadRef) {
        self.init(
            group: ref.kind.group, version: ref.kind.version, resource: ref.kind.resource, namespace: ref.namespace,
            name: ref.name)
    }
}

extension KubeClient.PatchType {
    /// The client's patch type for a planned one (the two enums carry the same Content-Types).
    public init(_ type: ReloadAction.PatchType) {
        switch type {
        case .strategicMerge: self = .strategicMerge
        case .merge: self = .merge
        case .json: self = .json
        }
    }
}
