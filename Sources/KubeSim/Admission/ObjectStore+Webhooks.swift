public import Foundation
public import Logging
import Synchronization

extension ObjectStore {
    /// A store whose admission is kube-apiserver's validating webhook dispatch: every write is checked against the
    /// ValidatingWebhookConfigurations stored in this same store, read afresh for each write (so a configuration
    /// applied with kubectl takes effect on the next write), with namespacing from `registry`.
    ///
    /// - Parameter serviceAddresses: `namespace/name` of a Service -> `host:port` to call for webhooks whose
    ///   clientConfig names a service (there is no cluster DNS here).
    public static func withWebhookAdmission(
        registry: ResourceRegistry = .standard, caller: any WebhookCaller = CurlWebhookCaller(),
        serviceAddresses: [String: String] = [:], retention: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) -> ObjectStore {
        let link = StoreLink()
        let configurations = registry.lookup(
            group: "admissionregistration.k8s.io", version: "v1", resource: "validatingwebhookconfigurations")
        let dispatcher = WebhookDispatcher(
            configurations: {
                guard let configurations, let store = link.store else { return [] }
                return store.objects(of: configurations)
            },
            isNamespaced: { group, resource in
                registry.resources.first { $0.group == group && $0.resource == resource }?.isNamespaced ?? true
            },
            caller: caller, serviceAddresses: serviceAddresses, logger: logger)
        let store = ObjectStore(registry: registry, admission: dispatcher, retention: retention, now: now)
        link.attach(store)
        return store
    }
}

/// The dispatcher's way back to the store that owns it. Weak, so that the store (which owns the dispatcher, which
/// owns this) is not kept alive by its own admission. Set once, right after the store is made. Thread-safe.
private final class StoreLink: Sendable {
    private struct Reference { weak var store: ObjectStore? }
    private let reference = Mutex(Reference())

    var store: ObjectStore? { reference.withLock { $0.store } }

    func attach(_ store: ObjectStore) { reference.withLock { $0.store = store } }
}
