/// One resource kube-sim serves: its group/version, plural, kind and the facts discovery publishes about it.
/// A pure value.
public struct ResourceType: Sendable, Hashable {
    public var group: String
    public var version: String
    /// The plural, lowercase resource name used in paths (`deployments`).
    public var resource: String
    public var kind: String
    public var singular: String
    public var shortNames: [String]
    public var isNamespaced: Bool
    public var verbs: [String]

    public init(
        group: String, version: String, resource: String, kind: String, singular: String? = nil,
        shortNames: [String] = [], isNamespaced: Bool = true,
        verbs: [String] = ResourceType.allVerbs
    ) {
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
        self.singular = singular ?? kind.lowercased()
        self.shortNames = shortNames
        self.isNamespaced = isNamespaced
        self.verbs = verbs
    }

    /// Identity is group, version and resource; the rest describes it.
    public static func == (lhs: ResourceType, rhs: ResourceType) -> Bool {
        lhs.group == rhs.group && lhs.version == rhs.version && lhs.resource == rhs.resource
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(group)
        hasher.combine(version)
        hasher.combine(resource)
    }

    /// The verbs every kube-sim resource supports (watch is not served; see the README).
    public static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update"]

    /// `v1` for the core group, `apps/v1` otherwise: the `apiVersion` of the objects.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `deployments.apps` (or `configmaps`): how kube-apiserver names a resource in Status messages.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// The path of a collection, e.g. `/apis/apps/v1/namespaces/shop/deployments`.
    public func collectionPath(namespace: String?) -> String {
        let root = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if isNamespaced, let namespace { return "\(root)/namespaces/\(namespace)/\(resource)" }
        return "\(root)/\(resource)"
    }
}

/// The resources kube-sim serves, looked up by group/version/resource. Built once, then read-only.
public struct ResourceRegistry: Sendable {
    public let resources: [ResourceType]
    private let byPath: [String: ResourceType]

    public init(_ resources: [ResourceType]) {
        self.resources = resources
        var byPath: [String: ResourceType] = [:]
        for resource in resources { byPath["\(resource.apiVersion)/\(resource.resource)"] = resource }
        self.byPath = byPath
    }

    public func lookup(group: String, version: String, resource: String) -> ResourceType? {
        byPath["\(group.isEmpty ? version : "\(group)/\(version)")/\(resource)"]
    }

    /// Group versions in discovery order (core first, then as declared), each with its resources.
    public var groupVersions: [(group: String, version: String, resources: [ResourceType])] {
        var order: [String] = []
        var grouped: [String: [ResourceType]] = [:]
        for resource in resources {
            if grouped[resource.apiVersion] == nil { order.append(resource.apiVersion) }
            grouped[resource.apiVersion, default: []].append(resource)
        }
        return order.map { key in
            let first = grouped[key]![0]  // every key in `order` has at least one resource
            return (first.group, first.version, grouped[key]!)
        }
    }

    /// What kube-sim serves by default: the kinds Reloader watches or patches, plus what the demo manifests use.
    public static let standard = ResourceRegistry([
        ResourceType(
            group: "", version: "v1", resource: "namespaces", kind: "Namespace", shortNames: ["ns"],
            isNamespaced: false),
        ResourceType(group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", shortNames: ["cm"]),
        ResourceType(group: "", version: "v1", resource: "secrets", kind: "Secret"),
        ResourceType(group: "", version: "v1", resource: "events", kind: "Event", shortNames: ["ev"]),
        ResourceType(group: "", version: "v1", resource: "pods", kind: "Pod", shortNames: ["po"]),
        ResourceType(group: "", version: "v1", resource: "services", kind: "Service", shortNames: ["svc"]),
        ResourceType(
            group: "", version: "v1", resource: "serviceaccounts", kind: "ServiceAccount", shortNames: ["sa"]),
        ResourceType(group: "apps", version: "v1", resource: "deployments", kind: "Deployment", shortNames: ["deploy"]),
        ResourceType(group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", shortNames: ["ds"]),
        ResourceType(group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", shortNames: ["sts"]),
        ResourceType(group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet", shortNames: ["rs"]),
        ResourceType(group: "batch", version: "v1", resource: "jobs", kind: "Job"),
        ResourceType(group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob", shortNames: ["cj"]),
        ResourceType(group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease"),
        // What deployments/ installs beside the Deployment, so its manifests apply as a whole. Stored as given:
        // kube-sim neither enforces RBAC nor evicts pods (tests evaluate the rules against /sim/requests instead).
        ResourceType(
            group: "policy", version: "v1", resource: "poddisruptionbudgets", kind: "PodDisruptionBudget",
            shortNames: ["pdb"]),
        ResourceType(
            group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles", kind: "ClusterRole",
            isNamespaced: false),
        ResourceType(
            group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings",
            kind: "ClusterRoleBinding", isNamespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", resource: "roles", kind: "Role"),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings", kind: "RoleBinding"),
        ResourceType(group: "events.k8s.io", version: "v1", resource: "events", kind: "Event", shortNames: ["ev"]),
        ResourceType(
            group: "admissionregistration.k8s.io", version: "v1",
            resource: "validatingwebhookconfigurations", kind: "ValidatingWebhookConfiguration",
            isNamespaced: false),
        ResourceType(
            group: "argoproj.io", version: "v1alpha1", resource: "rollouts", kind: "Rollout",
            shortNames: ["ro"]),
        ResourceType(
            group: "apps.openshift.io", version: "v1", resource: "deploymentconfigs",
            kind: "DeploymentConfig", shortNames: ["dc"]),
        // The secrets-store CSI driver's CRDs (`--enable-csi-integration`): the class a pod's CSI volume names, and
        // the per-pod record of the object versions it mounted, whose writes reloader reviews.
        ResourceType(
            group: "secrets-store.csi.x-k8s.io", version: "v1", resource: "secretproviderclasses",
            kind: "SecretProviderClass"),
        ResourceType(
            group: "secrets-store.csi.x-k8s.io", version: "v1", resource: "secretproviderclasspodstatuses",
            kind: "SecretProviderClassPodStatus"),
    ])
}
