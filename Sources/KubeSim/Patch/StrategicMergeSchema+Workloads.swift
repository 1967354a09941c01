extension StrategicMergeSchema {
    /// The pod-template lists of every workload kind kube-sim stores, with the strategies `k8s.io/api/core/v1`
    /// declares for them, plus object metadata. The pod spec sits at `spec.template.spec` (Deployment,
    /// DaemonSet, StatefulSet, ReplicaSet, Job, Argo Rollout, OpenShift DeploymentConfig), at
    /// `spec.jobTemplate.spec.template.spec` (CronJob) and at `spec` (a bare Pod); the same paths in other kinds
    /// (ConfigMap, Secret) never occur, so one schema serves all.
    ///
    /// Also the `webhooks` of Validating/MutatingWebhookConfigurations (`k8s.io/api/admissionregistration/v1`:
    /// merged by `name`), the only root-level `webhooks`: `kubectl apply` of a changed configuration sends only the
    /// changed fields of each webhook, and replacing the list whole would drop their rules.
    ///
    /// Deliberately replaced whole, as in Kubernetes: `envFrom` and `tolerations` carry no patch strategy.
    public static let workloads: StrategicMergeSchema = {
        var lists: [[String]: ListStrategy] = [
            ["metadata", "ownerReferences"]: .mergeByKey("uid"),
            ["metadata", "finalizers"]: .set,
            ["webhooks"]: .mergeByKey("name"),
        ]
        let podSpecs: [[String]] = [
            ["spec", "template", "spec"],
            ["spec", "jobTemplate", "spec", "template", "spec"],
            ["spec"],
        ]
        for podSpec in podSpecs {
            lists[podSpec + ["volumes"]] = .mergeByKey("name")
            lists[podSpec + ["imagePullSecrets"]] = .mergeByKey("name")
            for containerList in ["containers", "initContainers", "ephemeralContainers"] {
                let container = podSpec + [containerList]
                lists[container] = .mergeByKey("name")
                lists[container + ["env"]] = .mergeByKey("name")
                lists[container + ["volumeMounts"]] = .mergeByKey("mountPath")
                lists[container + ["ports"]] = .mergeByKey("containerPort")
            }
        }
        return StrategicMergeSchema(lists: lists)
    }()
}
