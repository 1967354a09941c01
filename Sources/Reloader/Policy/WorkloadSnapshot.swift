/// What `ReloadPolicy` needs to know about one workload: its annotations (metadata and pod template), what its
/// pod template uses, the `STAKATER_*` env vars it carries (in `usage`) and its last-reloaded-from annotation
/// (in `templateAnnotations`), so a decision can see that a reload is already in place. A pure value; the
/// reverse index keeps one per workload.
public struct WorkloadSnapshot: Sendable, Hashable {
    public var ref: WorkloadRef
    /// `metadata.uid`, needed for a CronJob's Job owner reference.
    public var uid: String?
    public var metadataAnnotations: [String: String]
    public var templateAnnotations: [String: String]
    public var usage: PodTemplateUsage
    /// CronJob `spec.suspend` (contract §5.3 Δ: a suspended CronJob gets no Job).
    public var isSuspended: Bool

    public init(
        ref: WorkloadRef, uid: String? = nil, metadataAnnotations: [String: String] = [:],
        templateAnnotations: [String: String] = [:], usage: PodTemplateUsage = PodTemplateUsage(),
        isSuspended: Bool = false
    ) {
        self.ref = ref
        self.uid = uid
        self.metadataAnnotations = metadataAnnotations
        self.templateAnnotations = templateAnnotations
        self.usage = usage
        self.isSuspended = isSuspended
    }

    /// Reads a whole workload object of `kind` (as listed or reviewed).
    public init(kind: WorkloadKind, object: JSONValue) {
        let template = object[path: kind.podTemplatePath]
        self.init(
            ref: WorkloadRef(
                kind: kind, namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "",
                name: object[path: ["metadata", "name"]]?.stringValue ?? ""),
            uid: object[path: ["metadata", "uid"]]?.stringValue,
            metadataAnnotations: object[path: ["metadata", "annotations"]]?.stringMapValue ?? [:],
            templateAnnotations: template?[path: ["metadata", "annotations"]]?.stringMapValue ?? [:],
            usage: PodTemplateUsage(podTemplate: template),
            isSuspended: kind == .cronJob && object[path: ["spec", "suspend"]]?.boolValue == true)
    }

    /// The current last-reloaded-from annotation, if any.
    public var lastReloadedFrom: LastReloadedFrom? {
        templateAnnotations[Annotations.lastReloadedFrom].flatMap(LastReloadedFrom.init(json:))
    }
}
