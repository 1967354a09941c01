/// Plans the ONE write that reloads a workload for every config change of a coalesced batch (DESIGN §4: "one
/// rollout per workload per burst"; contract §5), from the workload object as just read:
/// - env-vars: every `STAKATER_*` var set in its container in one strategic merge patch (a merge patch with the
///   whole containers list for Rollout and DeploymentConfig, which take no strategic merge); when the batch
///   removes a var (`--reload-on-delete`), one JSON patch for everything, guarded with `test` ops
///   (`ReloadBatchPlanner+JSONPatch.swift`);
/// - annotations: one `last-reloaded-from`, naming the LAST change of the batch (see `annotationEdit`);
/// - CronJob: one Job with every change applied; Job: one re-creation; Argo `restart`: one `spec.restartAt`;
/// - the pause period (contract §5.4) rides in the same patch.
/// Changes the object already carries are dropped; when none is left nothing is written. Pure: time comes in.
///
/// `ReloadPatchPlanner.plan` stays the single-change planner with Reloader's exact delete patch (an unguarded
/// `remove`); for any other single change both give the same action (tested).
public enum ReloadBatchPlanner {
    /// One change decided yes on this object, with the container that receives the env var.
    public struct Change: Sendable, Hashable {
        public var change: ConfigChange
        /// Index in the pod template's `containers` (from `ReloadPolicy.decide` on the same object).
        public var container: Int

        public init(_ change: ConfigChange, container: Int) {
            self.change = change
            self.container = container
        }
    }

    public static func plan(
        _ changes: [Change], workload object: JSONValue, kind: WorkloadKind, options: PolicyOptions,
        pause: PausePeriod.Plan = .none, now unixSeconds: Int64
    ) -> ReloadPlan {
        // The queue never hands two plans for one config, but if it did, the later one is the current content.
        var batch: [Change] = []
        for change in changes.reversed() where !batch.contains(where: { $0.change.config == change.change.config }) {
            batch.insert(change, at: 0)
        }
        guard !batch.isEmpty else { return ReloadPlan(.none(.notSelected)) }
        if kind == .rollout,
            object[path: ["metadata", "annotations", Annotations.rolloutStrategy]]?.stringValue == "restart"
        {
            let restartAt = JSONValue.string(RFC3339Time.format(unixSeconds: unixSeconds))
            return ReloadPlan(.patch(.merge, body: ["spec": ["restartAt": restartAt]]), changes: batch.map(\.change))
        }
        if kind == .cronJob, object[path: ["spec", "suspend"]]?.boolValue == true {
            return ReloadPlan(.none(.cronJobSuspended))
        }
        guard let template = object[path: kind.podTemplatePath],
            let containers = template[path: ["spec", "containers"]]?.arrayValue
        else { return ReloadPlan(.none(.noContainer)) }

        var skipped: [ReloadDecision.SkipReason] = []
        let valid = batch.filter { containers.indices.contains($0.container) }
        if valid.count < batch.count { skipped.append(.noContainer) }

        var newTemplate = template
        let applied: [ConfigChange]
        let makePatch: () -> ReloadAction
        switch options.reloadStrategy {
        case .envVars:
            let edit = envVarEdit(valid, containers: containers, skipped: &skipped)
            guard !edit.changes.isEmpty else { return ReloadPlan(.none(summary(of: skipped))) }
            newTemplate.set(["spec", "containers"], to: .array(edit.containers))
            applied = edit.changes
            makePatch = { envVarPatch(edit, kind: kind, object: object, pause: pause, keys: options.annotationKeys) }
        case .annotations:
            let edit = annotationEdit(
                valid, template: template, containers: containers, now: unixSeconds, skipped: &skipped)
            guard let edit else { return ReloadPlan(.none(summary(of: skipped))) }
            newTemplate.set(["metadata", "annotations", Annotations.lastReloadedFrom], to: .string(edit.marker))
            applied = edit.changes
            makePatch = {
                let body = ReloadPatchPlanner.templatePatch(
                    kind, ["metadata": ["annotations": [Annotations.lastReloadedFrom: .string(edit.marker)]]])
                return .patch(
                    kind.isCustomResource ? .merge : .strategicMerge,
                    body: withPause(body, pause: pause, keys: options.annotationKeys))
            }
        }

        switch kind {
        case .cronJob:
            return ReloadPlan(ReloadPatchPlanner.cronJobAction(object, newTemplate: newTemplate), changes: applied)
        case .job:
            return ReloadPlan(ReloadPatchPlanner.jobAction(object, newTemplate: newTemplate), changes: applied)
        default:
            var pauseStep: ReloadPlan.Pause?
            if case .pause(let period, let pausedAt, _) = pause {
                pauseStep = ReloadPlan.Pause(pausedAt: pausedAt, period: period)
            }
            return ReloadPlan(makePatch(), changes: applied, pause: pauseStep)
        }
    }

    /// The one reason a batch that writes nothing is skipped for: the first that is not "already current" (a
    /// workload that no longer selects a config says so, for the metrics' `ignored_or_not_selected`), else
    /// "already current" (`strategy_not_updated`).
    public static func summary(of reasons: [ReloadDecision.SkipReason]) -> ReloadDecision.SkipReason {
        reasons.first { $0 != .alreadyCurrent } ?? .alreadyCurrent
    }

    /// The annotations strategy's marker names one config (contract §5.2), so a batch of several writes the LAST
    /// one: the batch is in arrival order (a replaced plan moves to the end), so the last is the newest change,
    /// and the marker then reads as if the changes had been reloaded one after the other, which is what Reloader
    /// would leave behind and what the reconciler compares. Changes the marker already records are dropped.
    static func annotationEdit(
        _ batch: [Change], template: JSONValue, containers: [JSONValue], now unixSeconds: Int64,
        skipped: inout [ReloadDecision.SkipReason]
    ) -> (changes: [ConfigChange], marker: String)? {
        let current = template[path: ["metadata", "annotations", Annotations.lastReloadedFrom]]?.stringValue
            .flatMap(LastReloadedFrom.init(json:))
        var remaining: [Change] = []
        for item in batch {
            if current?.records(item.change.config, hash: item.change.hashToWrite) == true {
                skipped.append(.alreadyCurrent)  // Δ contract §5.2: Reloader always rewrites observedAt
            } else {
                remaining.append(item)
            }
        }
        guard let last = remaining.last else { return nil }
        let marker = LastReloadedFrom(
            config: last.change.config, hash: last.change.hashToWrite,
            containerRefs: [containers[last.container]["name"]?.stringValue ?? ""], observedAt: unixSeconds)
        return (remaining.map(\.change), marker.json)
    }

    /// Adds the pause (contract §5.4) to a merge or strategic merge patch body: `spec.paused: true` and, for a
    /// new pause, our `paused-at`.
    static func withPause(_ body: JSONValue, pause: PausePeriod.Plan, keys: AnnotationKeys) -> JSONValue {
        guard case .pause(_, let pausedAt, let isNew) = pause else { return body }
        var body = body
        body.set(["spec", "paused"], to: true)
        if isNew { body.set(["metadata", "annotations", keys.pausedAt], to: .string(pausedAt)) }
        return body
    }
}
