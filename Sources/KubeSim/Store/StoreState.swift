public import Foundation
public import Reloader

/// The objects of kube-sim and their revision counter: a pure value with no lock, clock or I/O. `ObjectStore`
/// owns one behind a mutex and drives the admission step between `prepare…` and `commit…`.
public struct StoreState: Sendable {
    public let registry: ResourceRegistry
    /// resource -> key (`namespace/name`, or `name` when cluster-scoped) -> stored object.
    private(set) var collections: [ResourceType: [String: JSONValue]] = [:]
    /// The global resourceVersion counter: the revision of the last write.
    public private(set) var revision: Int = 1
    /// Continue tokens for a list taken before this revision are expired (410), as after an etcd compaction.
    public private(set) var compactedRevision: Int = 0
    private var revisionAtLastMark: Int = 1
    private var nextCompaction: Date?
    public private(set) var rollouts: [RolloutRecord] = []

    static let namespaces = ResourceType(
        group: "", version: "v1", resource: "namespaces", kind: "Namespace", isNamespaced: false)

    /// Starts with the namespaces every cluster has.
    public init(registry: ResourceRegistry, now: Date) {
        self.registry = registry
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let prepared = try? prepareCreate(
                Self.namespaces, namespace: nil, body: ["metadata": ["name": .string(name)]], now: now)
            if let prepared { _ = try? commitCreate(prepared, dryRun: false, now: now) }
        }
    }

    /// kube-apiserver sets this label on every Namespace, on create and update (`SetDefaults_Namespace` and the
    /// namespace strategy's Canonicalize), so that webhook namespaceSelectors can pick namespaces by name.
    public static let namespaceNameLabel = "kubernetes.io/metadata.name"

    static func key(namespace: String?, name: String) -> String {
        namespace.map { "\($0)/\(name)" } ?? name
    }

    public func get(_ resource: ResourceType, namespace: String?, name: String) -> JSONValue? {
        collections[resource]?[Self.key(namespace: resource.isNamespaced ? namespace : nil, name: name)]
    }

    public func namespaceExists(_ name: String) -> Bool {
        collections[Self.namespaces]?[name] != nil
    }

    /// Every stored object of `resource`, in key order (kube-apiserver also calls webhook configurations in name
    /// order).
    public func objects(of resource: ResourceType) -> [JSONValue] {
        (collections[resource] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    public func namespaceLabels(_ name: String?) -> [String: String]? {
        guard let name else { return nil }
        return collections[Self.namespaces]?[name]?[at: ["metadata", "labels"]]?.stringMapValue ?? [:]
    }

    // MARK: - Writes, in two steps around admission

    /// A write checked and built, not yet stored.
    public struct PreparedWrite: Sendable {
        public var resource: ResourceType
        public var namespace: String?
        public var name: String
        public var object: JSONValue?
        public var oldObject: JSONValue?
        /// The stored object's resourceVersion when prepared; the commit fails with 409 if it moved since.
        var baseResourceVersion: String?
    }

    public func prepareCreate(
        _ resource: ResourceType, namespace: String?, body: JSONValue, now: Date
    ) throws(APIError) -> PreparedWrite {
        var object = try ObjectNormalizer.normalize(body, for: resource, namespace: namespace)
        var name = object[at: ["metadata", "name"]]?.stringValue ?? ""
        if name.isEmpty, let generateName = object[at: ["metadata", "generateName"]]?.stringValue,
            !generateName.isEmpty
        {
            repeat {
                name = generateName + ObjectNormalizer.randomSuffix()
            } while get(resource, namespace: namespace, name: name) != nil
            object[at: ["metadata", "name"]] = .string(name)
        }
        try ObjectNormalizer.validateName(name, for: resource)
        if resource.isNamespaced, let namespace, !namespaceExists(namespace) { throw .namespaceNotFound(namespace) }
        if get(resource, namespace: namespace, name: name) != nil { throw .alreadyExists(resource, name) }
        object[at: ["metadata", "uid"]] = .string(UUID().uuidString.lowercased())
        object[at: ["metadata", "creationTimestamp"]] = .string(RFC3339.format(now))
        object[at: ["metadata", "resourceVersion"]] = nil
        object[at: ["metadata", "deletionTimestamp"]] = nil
        if ObjectNormalizer.hasGeneration(object, resource) { object[at: ["metadata", "generation"]] = 1 }
        if resource.kind == "Namespace" {
            if object["spec"] == nil { object["spec"] = ["finalizers": ["kubernetes"]] }
            object["status"] = ["phase": "Active"]
            object[at: ["metadata", "labels", Self.namespaceNameLabel]] = .string(name)
        }
        return PreparedWrite(
            resource: resource, namespace: resource.isNamespaced ? namespace : nil, name: name, object: object,
            oldObject: nil, baseResourceVersion: nil)
    }

    /// Stores a prepared create (unless `dryRun`) and returns the object as stored.
    public mutating func commitCreate(_ write: PreparedWrite, dryRun: Bool, now: Date) throws(APIError) -> JSONValue {
        guard var object = write.object else { throw .internalError("create without an object") }
        if let namespace = write.namespace, !namespaceExists(namespace) { throw .namespaceNotFound(namespace) }
        if get(write.resource, namespace: write.namespace, name: write.name) != nil {
            throw .alreadyExists(write.resource, write.name)
        }
        if dryRun { return object }
        revision += 1
        object[at: ["metadata", "resourceVersion"]] = .string(String(revision))
        collections[write.resource, default: [:]][Self.key(namespace: write.namespace, name: write.name)] = object
        record(write.resource, old: nil, new: object, now: now)
        return object
    }

    /// Checks and builds an update of the stored object into `body` (a PUT body, or a patch's result).
    public func prepareUpdate(
        _ resource: ResourceType, namespace: String?, name: String, now: Date,
        body makeBody: (JSONValue) throws(APIError) -> JSONValue
    ) throws(APIError) -> PreparedWrite {
        let namespace = resource.isNamespaced ? namespace : nil
        guard let old = get(resource, namespace: namespace, name: name) else { throw .notFound(resource, name) }
        let body = try makeBody(old)
        var object = try ObjectNormalizer.normalize(body, for: resource, namespace: namespace)
        let bodyName = object[at: ["metadata", "name"]]?.stringValue ?? ""
        guard bodyName == name else {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        let oldVersion = old[at: ["metadata", "resourceVersion"]]?.stringValue
        if let sent = object[at: ["metadata", "resourceVersion"]]?.stringValue, !sent.isEmpty, sent != oldVersion {
            throw .conflict(resource, name)
        }
        for field in ["uid", "creationTimestamp", "generation", "deletionTimestamp"] {
            object[at: ["metadata", field]] = old[at: ["metadata", field]]
        }
        object[at: ["metadata", "resourceVersion"]] = old[at: ["metadata", "resourceVersion"]]
        if resource.kind != "Namespace", old["spec"] != nil || old["status"] != nil, object["spec"] != nil {
            // The status subresource owns `status`: a write to the main resource keeps the stored one.
            object["status"] = old["status"]
        }
        if resource.kind == "Namespace" {
            object["status"] = old["status"]
            object[at: ["metadata", "labels", Self.namespaceNameLabel]] = .string(name)
        }
        if ObjectNormalizer.hasGeneration(object, resource) {
            let generation = old[at: ["metadata", "generation"]]?.intValue ?? 0
            let bumped = old["spec"] != object["spec"] || generation == 0
            object[at: ["metadata", "generation"]] = .number(String(generation + (bumped ? 1 : 0)))
        }
        return PreparedWrite(
            resource: resource, namespace: namespace, name: name, object: object, oldObject: old,
            baseResourceVersion: oldVersion)
    }

    public mutating func commitUpdate(_ write: PreparedWrite, dryRun: Bool, now: Date) throws(APIError) -> JSONValue {
        guard var object = write.object else { throw .internalError("update without an object") }
        let key = Self.key(namespace: write.namespace, name: write.name)
        guard let current = collections[write.resource]?[key] else { throw .notFound(write.resource, write.name) }
        guard current[at: ["metadata", "resourceVersion"]]?.stringValue == write.baseResourceVersion else {
            throw .conflict(write.resource, write.name)
        }
        if dryRun { return object }
        revision += 1
        object[at: ["metadata", "resourceVersion"]] = .string(String(revision))
        collections[write.resource]?[key] = object
        record(write.resource, old: current, new: object, now: now)
        return object
    }

    public func prepareDelete(
        _ resource: ResourceType, namespace: String?, name: String, preconditions: JSONValue?
    ) throws(APIError) -> PreparedWrite {
        let namespace = resource.isNamespaced ? namespace : nil
        guard let old = get(resource, namespace: namespace, name: name) else { throw .notFound(resource, name) }
        let oldVersion = old[at: ["metadata", "resourceVersion"]]?.stringValue
        if let uid = preconditions?["uid"]?.stringValue, uid != old[at: ["metadata", "uid"]]?.stringValue {
            throw .conflict(resource, name)
        }
        if let version = preconditions?["resourceVersion"]?.stringValue, version != oldVersion {
            throw .conflict(resource, name)
        }
        return PreparedWrite(
            resource: resource, namespace: namespace, name: name, object: nil, oldObject: old,
            baseResourceVersion: oldVersion)
    }

    /// Removes the object (a Namespace takes its objects with it) and returns it as it was.
    public mutating func commitDelete(_ write: PreparedWrite, dryRun: Bool) throws(APIError) -> JSONValue {
        let key = Self.key(namespace: write.namespace, name: write.name)
        guard let current = collections[write.resource]?[key] else { throw .notFound(write.resource, write.name) }
        guard current[at: ["metadata", "resourceVersion"]]?.stringValue == write.baseResourceVersion else {
            throw .conflict(write.resource, write.name)
        }
        if dryRun { return current }
        revision += 1
        collections[write.resource]?[key] = nil
        if write.resource.kind == "Namespace", write.resource.group.isEmpty {
            for resource in collections.keys where resource.isNamespaced {
                collections[resource] = collections[resource]?.filter { !$0.key.hasPrefix(write.name + "/") }
            }
        }
        return current
    }

    private mutating func record(_ resource: ResourceType, old: JSONValue?, new: JSONValue, now: Date) {
        if let rollout = RolloutDetector.rollout(
            kind: resource.kind, old: old, new: new, resourceVersion: String(revision), now: now)
        {
            rollouts.append(rollout)
        }
    }

    public mutating func clearRollouts() { rollouts.removeAll() }

    // MARK: - Lists

    public struct ListOptions: Sendable {
        public var labelSelector: LabelSelector?
        public var fieldSelector: FieldSelector?
        public var limit: Int?
        public var continueToken: String?
        public init(
            labelSelector: LabelSelector? = nil, fieldSelector: FieldSelector? = nil, limit: Int? = nil,
            continueToken: String? = nil
        ) {
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.limit = limit
            self.continueToken = continueToken
        }
    }

    /// A List object: items sorted by key, without apiVersion/kind as kube-apiserver sends them.
    public func list(_ resource: ResourceType, namespace: String?, options: ListOptions) throws(APIError) -> JSONValue {
        var listVersion = revision
        var start: String?
        if let text = options.continueToken, !text.isEmpty {
            let token = try ContinueToken(decoding: text)
            if token.resourceVersion < compactedRevision { throw .expired }
            listVersion = token.resourceVersion
            start = token.start
        }
        let prefix = resource.isNamespaced ? namespace.map { "\($0)/" } : nil
        let keys = (collections[resource] ?? [:]).keys
            .filter { key in prefix.map { key.hasPrefix($0) } ?? true }
            .filter { key in start.map { key >= $0 } ?? true }
            .sorted()
        let filtered = options.labelSelector != nil || options.fieldSelector != nil
        var items: [JSONValue] = []
        var lastKey: String?
        var remaining = 0
        for (index, key) in keys.enumerated() {
            guard let object = collections[resource]?[key] else { continue }
            if let limit = options.limit, limit > 0, items.count >= limit {
                remaining = keys.count - index
                break
            }
            let labels = object[at: ["metadata", "labels"]]?.stringMapValue ?? [:]
            if let selector = options.labelSelector, !selector.matches(labels) { continue }
            if let selector = options.fieldSelector, !selector.matches(object) { continue }
            var item = object
            item["apiVersion"] = nil
            item["kind"] = nil
            items.append(item)
            lastKey = key
        }
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(listVersion))]
        if remaining > 0, let lastKey {
            metadata["continue"] = .string(ContinueToken(resourceVersion: listVersion, after: lastKey).encoded)
            // kube-apiserver cannot count what a selector would keep, so it sends the count only without one.
            if !filtered { metadata["remainingItemCount"] = .number(String(remaining)) }
        }
        return [
            "kind": .string("\(resource.kind)List"), "apiVersion": .string(resource.apiVersion),
            "metadata": .object(metadata), "items": .array(items),
        ]
    }

    // MARK: - Continue-token retention

    /// Expires every continue token issued so far (as an etcd compaction at the current revision). Like
    /// kube-apiserver's compactor, which records each compaction by writing etcd's `compact_rev_key`, it bumps the
    /// revision: a list started afterwards is at the new revision and its continue tokens stay valid.
    public mutating func compact() {
        revision += 1
        compactedRevision = revision
        revisionAtLastMark = revision
    }

    /// Compacts like kube-apiserver's periodic etcd compaction: each `retention`, tokens older than the revision of
    /// the previous mark expire, so a token lives between one and two retention windows.
    public mutating func compactIfDue(now: Date, retention: TimeInterval) {
        guard let due = nextCompaction else {
            nextCompaction = now.addingTimeInterval(retention)
            return
        }
        guard now >= due else { return }
        compactedRevision = max(compactedRevision, revisionAtLastMark)
        revisionAtLastMark = revision + 1
        nextCompaction = now.addingTimeInterval(retention)
    }
}
