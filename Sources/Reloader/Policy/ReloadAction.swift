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

/// The planner's output: the reload action, the config changes the write carries, and the pause it sets (contract
/// §5.4: the shell arms the resume timer from it). A pure value.
public struct ReloadPlan: Sendable, Hashable {
    /// A pause the write sets: the `paused-at` the Deployment carries after it and the period.
    public struct Pause: Sendable, Hashable {
        public var pausedAt: String
        public var period: Duration

        public init(pausedAt: String, period: Duration) {
            self.pausedAt = pausedAt
            self.period = period
        }
    }

    public var action: ReloadAction
    /// The changes this write carries out, in batch order (none for `.none`). With the annotations strategy the
    /// marker names only the last of them, yet the one rollout reloads them all.
    public var changes: [ConfigChange]
    public var pause: Pause?

    public init(_ action: ReloadAction, changes: [ConfigChange] = [], pause: Pause? = nil) {
        self.action = action
        self.changes = changes
        self.pause = pause
    }
}
