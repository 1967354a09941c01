public import Foundation
public import Reloader
import Synchronization

/// The one owner of kube-sim's objects: a `StoreState` behind a mutex, with each write admitted through the
/// `AdmissionController` between its check and its commit. Admission runs outside the lock (webhooks may take
/// seconds), so the commit re-checks that the object did not move meanwhile (409 if it did, as an etcd
/// compare-and-swap would). Thread-safe; called from the server's event-loop threads.
public final class ObjectStore: Sendable {
    public struct WriteResult: Sendable, Equatable {
        public var object: JSONValue
        public var warnings: [String]
    }

    public let registry: ResourceRegistry
    private let state: Mutex<StoreState>
    private let admission: any AdmissionController
    private let now: @Sendable () -> Date
    private let retention: TimeInterval

    /// - Parameter retention: how long a continue token stays valid at least (it expires within twice this).
    public init(
        registry: ResourceRegistry = .standard, admission: any AdmissionController = AllowAllAdmission(),
        retention: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.registry = registry
        self.admission = admission
        self.now = now
        self.retention = retention
        self.state = Mutex(StoreState(registry: registry, now: now()))
    }

    public var revision: Int { state.withLock { $0.revision } }

    public func get(_ resource: ResourceType, namespace: String?, name: String) throws(APIError) -> JSONValue {
        guard let object = state.withLock({ $0.get(resource, namespace: namespace, name: name) }) else {
            throw .notFound(resource, name)
        }
        return object
    }

    /// Every stored object of `resource`, for readers inside kube-sim such as the webhook dispatcher. Takes the lock
    /// only for the copy; the store never calls admission with the lock held, so admission may call this.
    public func objects(of resource: ResourceType) -> [JSONValue] {
        state.withLock { $0.objects(of: resource) }
    }

    public func list(
        _ resource: ResourceType, namespace: String?, options: StoreState.ListOptions = .init()
    ) throws(APIError) -> JSONValue {
        let now = now()
        return try state.withLock { (state) throws(APIError) -> JSONValue in
            state.compactIfDue(now: now, retention: retention)
            return try state.list(resource, namespace: namespace, options: options)
        }
    }

    public func create(
        _ resource: ResourceType, namespace: String?, body: JSONValue, dryRun: Bool = false,
        options: JSONValue? = nil
    ) throws(APIError) -> WriteResult {
        let now = now()
        let (prepared, labels) = try state.withLock { (state) throws(APIError) in
            (
                try state.prepareCreate(resource, namespace: namespace, body: body, now: now),
                state.namespaceLabels(resource.isNamespaced ? namespace : nil)
            )
        }
        let warnings = try admit("CREATE", prepared, dryRun: dryRun, options: options, namespaceLabels: labels)
        let object = try state.withLock { (state) throws(APIError) in
            try state.commitCreate(prepared, dryRun: dryRun, now: now)
        }
        return WriteResult(object: object, warnings: warnings)
    }

    /// An update (PUT) or a patch: `body` turns the stored object into the one to store.
    public func update(
        _ resource: ResourceType, namespace: String?, name: String, dryRun: Bool = false, options: JSONValue? = nil,
        body: (JSONValue) throws(APIError) -> JSONValue
    ) throws(APIError) -> WriteResult {
        let now = now()
        let (prepared, labels) = try state.withLock { (state) throws(APIError) in
            (
                try state.prepareUpdate(resource, namespace: namespace, name: name, now: now, body: body),
                state.namespaceLabels(resource.isNamespaced ? namespace : nil)
            )
        }
        let warnings = try admit("UPDATE", prepared, dryRun: dryRun, options: options, namespaceLabels: labels)
        let object = try state.withLock { (state) throws(APIError) in
            try state.commitUpdate(prepared, dryRun: dryRun, now: now)
        }
        return WriteResult(object: object, warnings: warnings)
    }

    public func delete(
        _ resource: ResourceType, namespace: String?, name: String, dryRun: Bool = false, options: JSONValue? = nil
    ) throws(APIError) -> WriteResult {
        let (prepared, labels) = try state.withLock { (state) throws(APIError) in
            (
                try state.prepareDelete(
                    resource, namespace: namespace, name: name, preconditions: options?["preconditions"]),
                state.namespaceLabels(resource.isNamespaced ? namespace : nil)
            )
        }
        let warnings = try admit("DELETE", prepared, dryRun: dryRun, options: options, namespaceLabels: labels)
        let object = try state.withLock { (state) throws(APIError) in
            try state.commitDelete(prepared, dryRun: dryRun)
        }
        return WriteResult(object: object, warnings: warnings)
    }

    private func admit(
        _ operation: String, _ write: StoreState.PreparedWrite, dryRun: Bool, options: JSONValue?,
        namespaceLabels: [String: String]?
    ) throws(APIError) -> [String] {
        let attributes = AdmissionAttributes(
            operation: operation, group: write.resource.group, version: write.resource.version,
            resource: write.resource.resource, kind: write.resource.kind, namespace: write.namespace,
            name: write.name, object: write.object, oldObject: write.oldObject, dryRun: dryRun, options: options,
            namespaceLabels: namespaceLabels)
        switch admission.admit(attributes) {
        case .allowed(let warnings):
            return warnings
        case .denied(let code, let message, let warnings):
            let reason =
                switch code {
                case 400: "BadRequest"
                case 403: "Forbidden"
                case 422: "Invalid"
                case 500: "InternalError"
                default: "BadRequest"
                }
            throw APIError(
                code: code, reason: reason, message: message, name: write.name, group: write.resource.group,
                kind: write.resource.resource, warnings: warnings)
        }
    }

    // MARK: - Rollouts and retention

    public func rollouts(namespace: String? = nil, kind: String? = nil, name: String? = nil) -> [RolloutRecord] {
        state.withLock { $0.rollouts }.filter { record in
            (namespace == nil || record.namespace == namespace) && (kind == nil || record.kind == kind)
                && (name == nil || record.name == name)
        }
    }

    public func clearRollouts() { state.withLock { $0.clearRollouts() } }

    /// Expires every continue token issued so far.
    public func compact() { state.withLock { $0.compact() } }
}
