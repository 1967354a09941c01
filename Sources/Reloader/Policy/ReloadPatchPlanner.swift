/// Turns a yes decision into the write that rolls the workload (contract §5.1–§5.3): per strategy (env-vars or
/// annotations) and per kind (strategic merge for built-in kinds, merge patch for Rollout and DeploymentConfig,
/// a Job for a CronJob, delete-and-recreate for a Job, `spec.restartAt` for an Argo `restart` Rollout). Takes the
/// workload object as last read, so merge patches can carry whole lists. Pure: time is passed in.
public enum ReloadPatchPlanner {
    public static func plan(
        decision: ReloadDecision, change: ConfigChange, workload object: JSONValue, kind: WorkloadKind,
        options: PolicyOptions, now unixSeconds: Int64
    ) -> ReloadPlan {
        guard case .yes(_, let containerIndex) = decision.verdict else {
            if case .no(let reason) = decision.verdict { return ReloadPlan(.none(reason)) }
            return ReloadPlan(.none(.notSelected))
        }
        let metadata = object["metadata"]
        if kind == .rollout, metadata?["annotations"]?[Annotations.rolloutStrategy]?.stringValue == "restart" {
            return ReloadPlan(.patch(.merge, body: ["spec": ["restartAt": .string(rfc3339(unixSeconds: unixSeconds))]]))
        }
        if kind == .cronJob, object[path: ["spec", "suspend"]]?.boolValue == true {
            return ReloadPlan(.none(.cronJobSuspended))
        }
        guard let template = object[path: kind.podTemplatePath],
            var containers = template[path: ["spec", "containers"]]?.arrayValue,
            containers.indices.contains(containerIndex)
        else { return ReloadPlan(.none(.noContainer)) }

        let config = change.config
        let hash = change.hashToWrite
        let envName = EnvVarName.forConfig(named: config.name, kind: config.kind)
        let containerName = containers[containerIndex]["name"]?.stringValue ?? ""
        var newTemplate = template
        var patch: ReloadAction

        switch (options.reloadStrategy, change.operation) {
        case (.envVars, .delete):
            var env = containers[containerIndex]["env"]?.arrayValue ?? []
            guard let envIndex = env.firstIndex(where: { $0["name"]?.stringValue == envName }) else {
                return ReloadPlan(.none(.alreadyCurrent))
            }
            env.remove(at: envIndex)
            containers[containerIndex]["env"] = .array(env)
            newTemplate.set(["spec", "containers"], to: .array(containers))
            // Reloader's DeleteEnvVarTemplate: a JSON patch, for every patchable kind.
            let path =
                "/"
                + (kind.podTemplatePath + ["spec", "containers", "\(containerIndex)", "env", "\(envIndex)"])
                .joined(separator: "/")
            patch = .patch(.json, body: [["op": "remove", "path": .string(path)]])
        case (.envVars, _):
            var env = containers[containerIndex]["env"]?.arrayValue ?? []
            let entry: JSONValue = ["name": .string(envName), "value": .string(hash)]
            if let envIndex = env.firstIndex(where: { $0["name"]?.stringValue == envName }) {
                guard env[envIndex]["value"]?.stringValue != hash || env[envIndex]["valueFrom"] != nil else {
                    return ReloadPlan(.none(.alreadyCurrent))
                }
                env[envIndex] = entry
            } else {
                env.append(entry)
            }
            containers[containerIndex]["env"] = .array(env)
            newTemplate.set(["spec", "containers"], to: .array(containers))
            if kind.isCustomResource {
                // A merge patch replaces lists (RFC 7386): send the whole containers list.
                patch = .patch(.merge, body: templatePatch(kind, ["spec": ["containers": .array(containers)]]))
            } else {
                patch = .patch(
                    .strategicMerge,
                    body: templatePatch(
                        kind, ["spec": ["containers": [["name": .string(containerName), "env": [entry]]]]]))
            }
        case (.annotations, _):
            let current = template[path: ["metadata", "annotations", Annotations.lastReloadedFrom]]?.stringValue
            if let current, LastReloadedFrom(json: current)?.records(config, hash: hash) == true {
                return ReloadPlan(.none(.alreadyCurrent))  // Δ contract §5.2: Reloader always rewrites observedAt
            }
            let marker = LastReloadedFrom(
                config: config, hash: hash, containerRefs: [containerName],
                observedAt: unixSeconds)
            newTemplate.set(["metadata", "annotations", Annotations.lastReloadedFrom], to: .string(marker.json))
            let body = templatePatch(
                kind, ["metadata": ["annotations": [Annotations.lastReloadedFrom: .string(marker.json)]]])
            patch = .patch(kind.isCustomResource ? .merge : .strategicMerge, body: body)
        }

        switch kind {
        case .cronJob:
            return ReloadPlan(cronJobAction(object, newTemplate: newTemplate))
        case .job:
            return ReloadPlan(jobAction(object, newTemplate: newTemplate))
        default:
            return ReloadPlan(patch)
        }
    }

    /// `{"spec":{"template": inner}}`, the patch of the pod template.
    static func templatePatch(_ kind: WorkloadKind, _ inner: JSONValue) -> JSONValue {
        var body: JSONValue = [:]
        body.set(kind.podTemplatePath, to: inner)
        return body
    }

    /// Contract §5.3, Reloader's `CreateJobFromCronjob`: `generateName: <cronjob>-`, the jobTemplate's labels,
    /// `cronjob.kubernetes.io/instantiate: manual` plus the jobTemplate's annotations (which win, as in
    /// Reloader's `maps.Copy`), a controller owner reference, and the jobTemplate's spec with the change applied.
    static func cronJobAction(_ cronJob: JSONValue, newTemplate: JSONValue) -> ReloadAction {
        guard let name = cronJob[path: ["metadata", "name"]]?.stringValue,
            let uid = cronJob[path: ["metadata", "uid"]]?.stringValue
        else { return .none(.incompleteWorkload) }
        let jobTemplate = cronJob[path: ["spec", "jobTemplate"]] ?? [:]
        var annotations: [String: JSONValue] = [Annotations.cronJobInstantiate: "manual"]
        annotations.merge(jobTemplate[path: ["metadata", "annotations"]]?.objectValue ?? [:]) { _, template in template
        }
        var metadata: JSONValue = [
            "generateName": .string(name + "-"),
            "annotations": .object(annotations),
            "ownerReferences": [
                [
                    "apiVersion": "batch/v1", "kind": "CronJob", "name": .string(name), "uid": .string(uid),
                    "controller": true, "blockOwnerDeletion": true,
                ]
            ],
        ]
        if let namespace = cronJob[path: ["metadata", "namespace"]] { metadata["namespace"] = namespace }
        if let labels = jobTemplate[path: ["metadata", "labels"]] { metadata["labels"] = labels }
        var spec = jobTemplate["spec"] ?? [:]
        spec["template"] = newTemplate
        return .createJob(["apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": spec])
    }

    /// Contract §5.3, Reloader's `ReCreateJobFromjob`: a copy without the fields the API server sets or derives
    /// from the old Job, so the new Job gets a fresh selector and controller-uid.
    static func jobAction(_ job: JSONValue, newTemplate: JSONValue) -> ReloadAction {
        guard let name = job[path: ["metadata", "name"]]?.stringValue else { return .none(.incompleteWorkload) }
        var copy = job
        for field in ["resourceVersion", "uid", "creationTimestamp"] { copy.set(["metadata", field], to: nil) }
        copy.set(["status"], to: nil)
        copy.set(["spec", "template"], to: newTemplate)
        copy.set(["spec", "selector"], to: nil)
        for label in [
            "controller-uid", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "job-name",
        ] {
            copy.set(["spec", "template", "metadata", "labels", label], to: nil)
        }
        let ref = WorkloadRef(
            kind: .job, namespace: job[path: ["metadata", "namespace"]]?.stringValue ?? "", name: name)
        return .recreateJob(delete: ref, create: copy)
    }

    /// RFC 3339 in UTC with seconds (`2025-11-26T12:26:40Z`), as Argo's `restartAt` expects.
    static func rfc3339(unixSeconds: Int64) -> String { RFC3339Time.format(unixSeconds: unixSeconds) }
}
