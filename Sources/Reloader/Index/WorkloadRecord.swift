/// What the reverse index keeps of one workload: its identity, the Reloader annotations (kept keys only, from
/// `metadata.annotations` and the pod template's separately, because §2.1 step 3 chooses between them), the configs
/// its pod template uses with the container that would receive the env var, the `STAKATER_*` env vars and the
/// `last-reloaded-from` annotation already written (the reconciler compares their hashes), and `uid` /
/// `resourceVersion`. Never config contents, never the whole object. A pure value.
///
/// Container choice is resolved here (contract §4) because it needs the volume mounts, which the record does not
/// keep; it costs two bytes per use. The planner re-reads the workload before patching and may recompute it.
public struct WorkloadRecord: Sendable, Hashable {
    public var ref: WorkloadRef
    public var uid: String
    public var resourceVersion: String
    /// Kept Reloader annotations of the workload's `metadata.annotations`, in document order.
    public var metadataAnnotations: [Annotation]
    /// Kept Reloader annotations of the pod template's `metadata.annotations`, in document order.
    public var templateAnnotations: [Annotation]
    /// Each config the pod template uses (contract §4), once, in the order Reloader finds them.
    public var uses: [ConfigUse]
    /// `STAKATER_*` env vars with a literal value, in regular containers.
    public var reloaderEnv: [ReloaderEnvVar]
    /// The pod template's `reloader.stakater.com/last-reloaded-from`, as written.
    public var lastReloadedFrom: String?

    public init(
        ref: WorkloadRef, uid: String = "", resourceVersion: String = "", metadataAnnotations: [Annotation] = [],
        templateAnnotations: [Annotation] = [], uses: [ConfigUse] = [], reloaderEnv: [ReloaderEnvVar] = [],
        lastReloadedFrom: String? = nil
    ) {
        self.ref = ref
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.metadataAnnotations = metadataAnnotations
        self.templateAnnotations = templateAnnotations
        self.uses = uses
        self.reloaderEnv = reloaderEnv
        self.lastReloadedFrom = lastReloadedFrom
    }

    /// One kept annotation.
    public struct Annotation: Sendable, Hashable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// One config used by the pod template. Fields ordered so the stride is 24 bytes.
    public struct ConfigUse: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        private var container: Int16
        public var kind: ConfigKind

        /// `containerIndex`: index in `spec.containers` of the container that receives the env var (contract §4).
        public init(kind: ConfigKind, name: String, containerIndex: Int) {
            self.name = name
            self.container = Int16(clamping: containerIndex)
            self.kind = kind
        }

        public var containerIndex: Int { Int(container) }
        public var description: String { "\(kind.rawValue) \(name) -> containers[\(container)]" }
    }

    /// One `STAKATER_*` env var of a regular container.
    public struct ReloaderEnvVar: Sendable, Hashable {
        public var name: String
        public var value: String
        private var container: Int16

        public init(containerIndex: Int, name: String, value: String) {
            self.name = name
            self.value = value
            self.container = Int16(clamping: containerIndex)
        }

        public var containerIndex: Int { Int(container) }
    }

    // MARK: - Queries

    public func metadataAnnotation(_ key: String) -> String? {
        metadataAnnotations.first { $0.key == key }?.value
    }

    public func templateAnnotation(_ key: String) -> String? {
        templateAnnotations.first { $0.key == key }?.value
    }

    public func uses(_ kind: ConfigKind, named name: String) -> Bool {
        uses.contains { $0.kind == kind && $0.name == name }
    }

    /// The configs used, as references in this workload's namespace.
    public var configRefs: [ConfigRef] {
        uses.map { ConfigRef(kind: $0.kind, namespace: ref.namespace, name: $0.name) }
    }

    /// Whether the metadata or the template carries `key` (the index's named-reload candidates).
    func hasAnnotation(_ key: String) -> Bool {
        metadataAnnotations.contains { $0.key == key } || templateAnnotations.contains { $0.key == key }
    }
}
