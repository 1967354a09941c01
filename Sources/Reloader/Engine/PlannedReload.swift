/// One reload the admission side decided on, handed to the queue: which workload, because of which config, the
/// hash to write (the delete marker for a DELETE), why (named or auto), the container that receives the env var,
/// the config operation, and the config annotations a decision reads (`ignore` and `match`), so the reloader can
/// decide again on the workload as it is when it writes; and, for a SecretProviderClass, the per-pod object whose
/// write is confirmed (`sourceName`). Holds no config content. A pure value.
public struct PlannedReload: Sendable, Hashable, CustomStringConvertible {
    public var workload: WorkloadRef
    public var config: ConfigRef
    public var hash: String
    public var trigger: ReloadDecision.Trigger
    public var container: Int
    public var operation: ConfigChange.Operation
    /// Only the config's `ignore` and `match` annotations (`PolicyOptions.annotationKeys`): never data, never
    /// other annotations, so a queue of plans stays small.
    public var configAnnotations: [String: String]
    /// `ConfigChange.sourceName`: the SecretProviderClassPodStatus whose write the review saw, read back to
    /// confirm it persisted (a SecretProviderClass has no content of its own to read). nil for ConfigMaps and
    /// Secrets, which are read back by `config`'s name.
    public var sourceName: String?
    /// Found stale right before a write (`CurrentContent`, with several replicas) rather than reviewed here: the
    /// batch that holds it already waited one coalesce window for the rest of its burst (`ReloadOutcome.settle`).
    public var discovered = false

    public init(
        workload: WorkloadRef, config: ConfigRef, hash: String, trigger: ReloadDecision.Trigger,
        container: Int,
        operation: ConfigChange.Operation, configAnnotations: [String: String] = [:], sourceName: String? = nil
    ) {
        self.workload = workload
        self.config = config
        self.hash = hash
        self.trigger = trigger
        self.container = container
        self.operation = operation
        self.configAnnotations = configAnnotations
        self.sourceName = sourceName
    }

    /// The write this plan waits to see persisted before the workload rolls.
    public var confirmationKey: ConfirmationKey {
        ConfirmationKey(config: config, hash: hash, sourceName: sourceName)
    }

    /// The config annotations of `change` a decision reads: `ignore` and `match`, under their configured keys.
    public static func decisionAnnotations(
        of change: ConfigChange, keys: AnnotationKeys
    ) -> [String: String] {
        change.annotations.filter { $0.key == keys.ignore || $0.key == keys.match }
    }

    /// The change this plan stands for, rebuilt for a new decision on the workload as last read. The old hash is
    /// not kept (the admission side already saw the content change); an UPDATE or CREATE with an absent old hash
    /// counts as a content change, and a DELETE writes the delete marker, as the plan's hash says.
    public var configChange: ConfigChange {
        ConfigChange(
            config: config, annotations: configAnnotations, oldHash: nil,
            newHash: operation == .delete ? nil : hash, operation: operation, sourceName: sourceName)
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
