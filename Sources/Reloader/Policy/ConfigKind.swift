/// The kinds of configuration whose changes reload workloads (contract §1). Each has Reloader's names: the
/// upper-case `TYPE` used in env-var names, log lines and alerts, and the lower-case word of its annotations.
public enum ConfigKind: String, Sendable, Hashable, CaseIterable {
    case configMap = "ConfigMap"
    case secret = "Secret"
    /// With `--enable-csi-integration`: SecretProviderClassPodStatus reviews, referenced through CSI volumes.
    case secretProviderClass = "SecretProviderClass"

    /// `CONFIGMAP`, `SECRET`, `SECRETPROVIDERCLASS`: the env-var suffix and the `type` of last-reloaded-from.
    public var typeName: String {
        switch self {
        case .configMap: "CONFIGMAP"
        case .secret: "SECRET"
        case .secretProviderClass: "SECRETPROVIDERCLASS"
        }
    }
}

/// The workload kinds reloader rolls out (contract §1 and §5.3), with their API coordinates.
public enum WorkloadKind: String, Sendable, Hashable, CaseIterable {
    case deployment = "Deployment"
    case daemonSet = "DaemonSet"
    case statefulSet = "StatefulSet"
    case cronJob = "CronJob"
    case job = "Job"
    /// argoproj.io/v1alpha1, with `--is-Argo-Rollouts`.
    case rollout = "Rollout"
    /// apps.openshift.io/v1, with `--is-openshift`.
    case deploymentConfig = "DeploymentConfig"

    public var group: String {
        switch self {
        case .deployment, .daemonSet, .statefulSet: "apps"
        case .cronJob, .job: "batch"
        case .rollout: "argoproj.io"
        case .deploymentConfig: "apps.openshift.io"
        }
    }

    public var version: String {
        switch self {
        case .rollout: "v1alpha1"
        default: "v1"
        }
    }

    /// The plural resource name in API paths.
    public var resource: String {
        switch self {
        case .deployment: "deployments"
        case .daemonSet: "daemonsets"
        case .statefulSet: "statefulsets"
        case .cronJob: "cronjobs"
        case .job: "jobs"
        case .rollout: "rollouts"
        case .deploymentConfig: "deploymentconfigs"
        }
    }

    /// Custom resources take merge patches; built-in kinds strategic-merge patches (contract §5.3).
    public var isCustomResource: Bool { self == .rollout || self == .deploymentConfig }

    /// Path of the pod template inside the object.
    public var podTemplatePath: [String] {
        self == .cronJob ? ["spec", "jobTemplate", "spec", "template"] : ["spec", "template"]
    }
}

/// One workload, by kind, namespace and name.
public struct WorkloadRef: Sendable, Hashable, CustomStringConvertible {
    public var kind: WorkloadKind
    public var namespace: String
    public var name: String

    public init(kind: WorkloadKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(kind.rawValue) \(namespace)/\(name)" }
}

/// One configuration object, by kind, namespace and name.
public struct ConfigRef: Sendable, Hashable, CustomStringConvertible {
    public var kind: ConfigKind
    public var namespace: String
    public var name: String

    public init(kind: ConfigKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(kind.rawValue) \(namespace)/\(name)" }
}
