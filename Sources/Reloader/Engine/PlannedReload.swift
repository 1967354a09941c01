/// One reload the admission side decided on, handed to the queue: which workload, because of which config, the
/// hash to write (the delete marker for a DELETE), why (named or auto), the container that receives the env var,
/// and the config operation. Holds no config content. A pure value.
public struct PlannedReload: Sendable, Hashable, CustomStringConvertible {
    public var workload: WorkloadRef
    public var config: ConfigRef
    public var hash: String
    public var trigger: ReloadDecision.Trigger
    public var container: Int
    public var operation: ConfigChange.Operation

    public init(
        workload: WorkloadRef, config: ConfigRef, hash: String, trigger: ReloadDecision.Trigger,
        container: Int,
        operation: ConfigChange.Operation
    ) {
        self.workload = workload
        self.config = config
        self.hash = hash
        self.trigger = trigger
        self.container = container
        self.operation = operation
    }

    /// `would reload Deployment shop/web (configmap app-config changed)`: the plan line of contract §12, without
    /// the `reloader: ` prefix of a warning.
    public var description: String {
        let verb =
            switch operation {
            case .create: "created"
            case .update: "changed"
            case .delete: "deleted"
            }
        return "would reload \(workload) (\(config.kind.typeName.lowercased()) \(config.name) \(verb))"
    }
}

/// Where decided reloads go: the reload queue (coalescing, persistence confirmation, patching). `enqueue` must
/// not block: it runs on the thread answering the admission review.
public protocol ReloadSink: Sendable {
    func enqueue(_ plan: PlannedReload)
}
