import KubeSim
import Logging
import Synchronization

@testable import Reloader

/// Seeding workloads, configs and namespaces straight into kube-sim's store, and the sinks the resync tests
/// record into.
extension SimClientHarness {
    struct UnknownResource: Error, CustomStringConvertible {
        let name: String
        var description: String { "kube-sim serves no \(name)" }
    }

    func resourceType(_ group: String, _ version: String, _ resource: String) throws -> ResourceType {
        guard let type = server.store.registry.lookup(group: group, version: version, resource: resource) else {
            throw UnknownResource(name: "\(group)/\(version)/\(resource)")
        }
        return type
    }

    func createNamespace(_ name: String, labels: [String: String] = [:]) throws {
        _ = try server.store.create(
            try resourceType("", "v1", "namespaces"), namespace: nil,
            body: ["metadata": ["name": .string(name), "labels": .from(labels)]])
    }

    func createConfigMap(_ name: String, namespace: String = "default", data: [String: String]) throws {
        _ = try server.store.create(
            try resourceType("", "v1", "configmaps"), namespace: namespace,
            body: ["metadata": ["name": .string(name)], "data": .from(data)])
    }

    /// A workload of `kind` whose one container `app` reads `configMap` by envFrom and `secret` through a volume,
    /// with `env` as literal env vars (the `STAKATER_*` markers).
    func createWorkload(
        _ kind: WorkloadKind, _ name: String, namespace: String = "default", configMap: String? = nil,
        secret: String? = nil, env: [String: String] = [:], annotations: [String: String] = [:]
    ) throws {
        var container: JSONValue = ["name": "app", "image": "nginx"]
        if let configMap { container["envFrom"] = [["configMapRef": ["name": .string(configMap)]]] }
        if !env.isEmpty {
            container["env"] = .array(
                env.sorted { $0.key < $1.key }.map { ["name": .string($0.key), "value": .string($0.value)] })
        }
        var podSpec: JSONValue = ["containers": [container]]
        if let secret {
            podSpec["volumes"] = [["name": "creds", "secret": ["secretName": .string(secret)]]]
            podSpec["containers"] = [
                container.merging(["volumeMounts": [["name": "creds", "mountPath": "/etc/creds"]]])
            ]
        }
        let template: JSONValue = ["metadata": ["labels": ["app": .string(name)]], "spec": podSpec]
        var spec: JSONValue = [:]
        if kind == .cronJob {
            spec["schedule"] = "*/5 * * * *"
            spec["jobTemplate"] = ["spec": ["template": template]]
        } else {
            spec["template"] = template
        }
        _ = try server.store.create(
            try resourceType(kind.group, kind.version, kind.resource), namespace: namespace,
            body: ["metadata": ["name": .string(name), "annotations": .from(annotations)], "spec": spec])
    }

    /// The request log's LISTs and GETs by resource path (`/apis/apps/v1/deployments`, ...).
    func requestPaths() throws -> [String] { try requests().map(\.path) }
}

extension JSONValue {
    fileprivate func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = self else { return self }
        for (key, value) in other { members[key] = value }
        return .object(members)
    }
}

/// Resync test plumbing: a quiet logger, a lister and a sink.
enum ResyncFixtures {
    static let logger = Logger(label: "reloader.test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func lister(
        _ client: KubeClient, kinds: [WorkloadKind] = WorkloadLister.Options.kinds(), namespaces: Set<String> = [],
        namespacesToIgnore: Set<String> = []
    ) -> WorkloadLister {
        WorkloadLister(
            client: client,
            options: .init(kinds: kinds, namespaces: namespaces, namespacesToIgnore: namespacesToIgnore),
            logger: logger)
    }

    static func names(_ index: ReverseIndex) -> [String] {
        var names: [String] = []
        index.forEachRecord { names.append("\($0.ref.kind.rawValue) \($0.ref.namespace)/\($0.ref.name)") }
        return names.sorted()
    }
}

/// A `ReloadSink` that keeps what it is given.
final class RecordingReloadSink: ReloadSink {
    private let plans = Mutex<[PlannedReload]>([])
    var all: [PlannedReload] { plans.withLock { $0 } }
    func enqueue(_ plan: PlannedReload) { plans.withLock { $0.append(plan) } }
}
