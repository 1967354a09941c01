import Logging

/// The log lines of `KubeWorkloadReloader` (contract §11): one per config change carried out, with Reloader's
/// message kept word for word (users grep for it), and structured metadata. Names and hash prefixes only: never
/// config content, never a whole object.
extension KubeWorkloadReloader {
    /// Reloader's key line: `Changes detected in '<config>' of type '<TYPE>' in namespace '<ns>'; updated
    /// '<workload>' of type '<Kind>' in namespace '<ns>'`.
    public static func reloadedMessage(_ config: ConfigRef, workload: WorkloadRef) -> String {
        "Changes detected in '\(config.name)' of type '\(config.kind.typeName)' in namespace '\(config.namespace)'; "
            + "updated '\(workload.name)' of type '\(workload.kind.rawValue)' in namespace '\(workload.namespace)'"
    }

    /// `pause`: the pause this write set or kept (contract §5.4), logged as `reloader.paused_at`.
    func logReloaded(_ change: ConfigChange, workload: WorkloadRef, batchSize: Int, pause: ReloadPlan.Pause?) {
        var fields = metadata(workload, outcome: "reloaded", reason: nil)
        if let pause { fields["reloader.paused_at"] = "\(pause.pausedAt)" }
        fields["reloader.config"] = "\(change.config)"
        fields["reloader.hash"] = "\(change.hashToWrite.prefix(12))"
        fields["reloader.operation"] = "\(change.operation.rawValue)"
        fields["reloader.batch_size"] = "\(batchSize)"
        logger.info("\(Self.reloadedMessage(change.config, workload: workload))", metadata: fields)
    }

    /// Logs and classifies a failed call; 404 on the workload is logged as gone, at info: not our failure.
    /// `object`: the workload as read, when it was (its uid goes into the `ReloadFail` Event of a failed write).
    func failed(
        _ workload: WorkloadRef, _ plans: [PlannedReload], _ error: KubeClientError, step: String,
        object: JSONValue? = nil
    ) -> ReloadOutcome {
        let outcome = Self.outcome(for: error)
        var fields = metadata(workload, outcome: outcome == .retryableFailure ? "retry" : "failed", reason: "\(error)")
        fields["reloader.step"] = "\(step)"
        fields["reloader.configs"] = "\(plans.map(\.config.description).joined(separator: ", "))"
        if error.apiError?.isNotFound == true {
            logger.info("workload gone, nothing to reload", metadata: fields)
        } else {
            logger.warning("reload failed", metadata: fields)
            // A failure the queue will not retry gets a Warning Event on the workload (contract §11).
            if outcome == .permanentFailure {
                events?.failed(
                    workload, uid: object?[path: ["metadata", "uid"]]?.stringValue, configs: plans.map(\.config),
                    reason: "\(error)")
            }
        }
        return outcome
    }

    /// The warnings of contract §2 for a pause-period annotation that cannot be honoured.
    func logPause(_ pause: PausePeriod.Plan, workload: WorkloadRef) {
        switch pause {
        case .none, .pause:
            return
        case .unsupportedKind(let value):
            logger.warning(
                "pause period is only supported on Deployments, reloading without pause",
                metadata: metadata(workload, outcome: "pause_ignored", reason: nil).merging(
                    ["reloader.pause_period": "\(value)"], uniquingKeysWith: { $1 }))
        case .invalidPeriod(let value):
            logger.warning(
                "pause period is not a Go duration (e.g. 30s, 5m), reloading without pause",
                metadata: metadata(workload, outcome: "pause_ignored", reason: nil).merging(
                    ["reloader.pause_period": "\(value)"], uniquingKeysWith: { $1 }))
        case .pausedByOther:
            logger.notice(
                "Deployment paused by someone else, reloading without taking over the pause",
                metadata: metadata(workload, outcome: "pause_ignored", reason: nil))
        }
    }

    func logSettle(_ workload: WorkloadRef, found: [PlannedReload]) {
        var fields = metadata(workload, outcome: "settle", reason: "content changed beyond this reload")
        fields["reloader.configs"] = "\(found.map(\.config.description).joined(separator: ", "))"
        logger.info("configs changed beyond this reload; writing after one coalesce window", metadata: fields)
    }

    func metadata(_ workload: WorkloadRef, outcome: String, reason: String?) -> Logger.Metadata {
        var fields: Logger.Metadata = [
            "k8s.kind": "\(workload.kind.rawValue)", "k8s.namespace": "\(workload.namespace)",
            "k8s.name": "\(workload.name)", "reloader.strategy": "\(options.reloadStrategy.rawValue)",
            "reloader.outcome": "\(outcome)",
        ]
        if let reason { fields["reloader.reason"] = "\(reason)" }
        return fields
    }
}
