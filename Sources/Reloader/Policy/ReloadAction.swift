/// What the engine must do to reload one workload, as planned by `ReloadPatchPlanner` (contract §5). The shell
/// carries it out with field manager `reloader` and decides nothing. A pure value.
public enum ReloadAction: Sendable, Hashable {
    /// The patch types reloader sends, with their `Content-Type`.
    public enum PatchType: String, Sendable, Hashable {
        case strategicMerge = "application/strategic-merge-patch+json"
        case merge = "application/merge-patch+json"
        case json = "application/json-patch+json"

        public var contentType: String { rawValue }
    }

    /// PATCH the workload.
    case patch(PatchType, body: JSONValue)
    /// CronJob: POST this Job; the CronJob itself is not changed.
    case createJob(JSONValue)
    /// Job: DELETE `delete` (propagation Background), then POST `create`.
    case recreateJob(delete: WorkloadRef, create: JSONValue)
    /// Nothing to write.
    case none(ReloadDecision.SkipReason)
}

/// The planner's output: the reload action, in a struct so the pause period (contract §5.4: pause before,
/// resume after) can add its steps beside it without changing callers.
public struct ReloadPlan: Sendable, Hashable {
    public var action: ReloadAction

    public init(_ action: ReloadAction) { self.action = action }
}
