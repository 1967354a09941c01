import Foundation
import KubeSim
import Reloader

/// What Stakater Reloader v1.4.x would cost for the same work, computed (not measured) from how its source works:
///
/// - Start-up (internal/pkg/controller/controller.go): one informer per watched resource, ConfigMaps and Secrets
///   (Namespaces too with --namespace-selector), cluster-wide: a LIST then a WATCH each. The informer's store
///   keeps every ConfigMap and Secret whole, content included, for the process's lifetime.
/// - Per reload (internal/pkg/handler/upgrade.go `doRollingUpgrade` → `PerformAction`): for each workload kind
///   (Deployments, CronJobs, Jobs, DaemonSets, StatefulSets; Argo Rollouts with --is-Argo-Rollouts) one LIST of
///   every object of that kind in the config's namespace, unpaginated and from the API server, not a cache
///   (callbacks/rolling_upgrade.go `Get…Items`); then per matching Deployment one PATCH (an UPDATE before
///   v1.4.5; CronJobs and Jobs get a Job created instead) and one Event (`recorder.Event(…, "Reloaded", …)`, a
///   POST).
/// - Resync: the informers are built with `ResyncPeriod: 0`, so there is no periodic pass and no request after
///   start-up (a WATCH that expires is re-listed); nothing re-reads workloads, and a write missed while it was down
///   is only acted on with --sync-after-restart.
///
/// Byte figures are the stored objects' JSON sizes summed from kube-sim's store: what the LISTs would carry and
/// a lower bound of what the informer cache holds (decoded Go objects take more than their JSON).
struct StakaterModel {
    static let workloadKinds: [(group: String, resource: String)] = [
        ("apps", "deployments"), ("batch", "cronjobs"), ("batch", "jobs"), ("apps", "daemonsets"),
        ("apps", "statefulsets"),
    ]

    struct ReloadCost: Sendable {
        var lists: Int
        var patches: Int
        var events: Int
        /// JSON bytes of the objects the LISTs return.
        var listBytes: Int
        var listedObjects: Int
        /// JSON bytes of the objects the PATCHes return (the patched workloads).
        var patchBytes: Int
        var total: Int { lists + patches + events }
        var responseBytes: Int { listBytes + patchBytes }
    }

    struct StartupCost: Sendable {
        var requests: Int
        var cachedObjects: Int
        /// JSON bytes of every ConfigMap and Secret (the informer cache, lower bound).
        var cachedBytes: Int
        /// The content alone: `data` keys and values (Secret values decoded), `binaryData` likewise.
        var contentBytes: Int
    }

    let store: ObjectStore

    /// A reload of a config in `namespace` that `users` (Deployments) use, all of them reloaded.
    func reload(namespace: String, users: [String]) -> ReloadCost {
        var bytes = 0
        var objects = 0
        for kind in Self.workloadKinds {
            guard let type = store.registry.lookup(group: kind.group, version: "v1", resource: kind.resource) else {
                continue
            }
            for object in store.objects(of: type)
            where object[path: ["metadata", "namespace"]]?.stringValue == namespace {
                bytes += object.serialized().count
                objects += 1
            }
        }
        var patchBytes = 0
        if let deployments = store.registry.lookup(group: "apps", version: "v1", resource: "deployments") {
            for name in users {
                patchBytes += (try? store.get(deployments, namespace: namespace, name: name))?.serialized().count ?? 0
            }
        }
        return ReloadCost(
            lists: Self.workloadKinds.count, patches: users.count, events: users.count, listBytes: bytes,
            listedObjects: objects, patchBytes: patchBytes)
    }

    /// Start-up: a LIST and a WATCH for ConfigMaps and for Secrets; the cache is every one of them.
    func startup() -> StartupCost {
        var cost = StartupCost(requests: 4, cachedObjects: 0, cachedBytes: 0, contentBytes: 0)
        for resource in ["configmaps", "secrets"] {
            guard let type = store.registry.lookup(group: "", version: "v1", resource: resource) else { continue }
            for object in store.objects(of: type) {
                cost.cachedObjects += 1
                cost.cachedBytes += object.serialized().count
                let isSecret = resource == "secrets"
                for (key, value) in object["data"]?.stringMapValue ?? [:] {
                    cost.contentBytes += key.utf8.count
                    cost.contentBytes += isSecret ? (Base64.decode(value)?.count ?? value.utf8.count) : value.utf8.count
                }
                for (key, value) in object["binaryData"]?.stringMapValue ?? [:] {
                    cost.contentBytes += key.utf8.count + (Base64.decode(value)?.count ?? value.utf8.count)
                }
            }
        }
        return cost
    }
}
