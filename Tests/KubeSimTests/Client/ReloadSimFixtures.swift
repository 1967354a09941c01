import Logging
import Synchronization

@testable import Reloader

/// Workloads, plans and a reloader for the reload tests against kube-sim: every workload is `web` in `default`,
/// its container `app` reads the ConfigMap `app-config` (envFrom) and the Secret `db` (secretRef), with auto.
enum ReloadSimFixtures {
    static let auto = ["reloader.stakater.com/auto": "true"]
    static let cmVar = "STAKATER_APP_CONFIG_CONFIGMAP"
    static let secretVar = "STAKATER_DB_SECRET"
    static let now: Int64 = 1_764_160_000  // 2025-11-26T12:26:40Z

    static func ref(_ kind: WorkloadKind, _ name: String = "web") -> WorkloadRef {
        WorkloadRef(kind: kind, namespace: "default", name: name)
    }

    static func container(_ name: String = "app", env: [JSONValue] = []) -> JSONValue {
        [
            "name": .string(name), "image": "nginx", "env": .array(env),
            "envFrom": [["configMapRef": ["name": "app-config"]], ["secretRef": ["name": "db"]]],
        ]
    }

    /// A workload object of `kind` ready to create.
    static func workload(
        _ kind: WorkloadKind, name: String = "web", annotations: [String: String] = auto,
        containers: [JSONValue] = [container()], spec extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        let template: JSONValue = [
            "metadata": ["labels": ["app": .string(name)]], "spec": ["containers": .array(containers)],
        ]
        var spec = JSONValue.object(extra)
        if kind == .cronJob {
            spec["schedule"] = "*/5 * * * *"
            spec["jobTemplate"] = ["metadata": ["labels": ["team": "a"]], "spec": ["template": template]]
        } else {
            spec["template"] = template
            if kind != .job { spec["selector"] = ["matchLabels": ["app": .string(name)]] }
        }
        return [
            "apiVersion": .string("\(kind.group)/\(kind.version)"), "kind": .string(kind.rawValue),
            "metadata": ["name": .string(name), "annotations": .from(annotations)], "spec": spec,
        ]
    }

    static func plan(
        _ workload: WorkloadRef, _ kind: ConfigKind = .configMap, _ name: String = "app-config",
        hash: String, operation: ConfigChange.Operation = .update
    ) -> PlannedReload {
        PlannedReload(
            workload: workload, config: ConfigRef(kind: kind, namespace: "default", name: name),
            hash: operation == .delete ? ContentHash.deleteMarker : hash, trigger: .auto, container: 0,
            operation: operation)
    }

    static func reloader(
        _ client: KubeClient, logs: LogRecorder = LogRecorder(), options: PolicyOptions = PolicyOptions(),
        resumer: PauseResumer? = nil, now: @escaping @Sendable () -> Int64 = { now }
    ) -> KubeWorkloadReloader {
        var options = options
        options.reloadOnDelete = true
        return KubeWorkloadReloader(client: client, options: options, resumer: resumer, logger: logs.logger, now: now)
    }

    /// The env of container `index` of a stored object's pod template, as name -> value.
    static func env(_ object: JSONValue, _ kind: WorkloadKind, container index: Int = 0) -> [String: String] {
        let containers = object[path: kind.podTemplatePath + ["spec", "containers"]]?.arrayValue ?? []
        guard containers.indices.contains(index) else { return [:] }
        var result: [String: String] = [:]
        for entry in containers[index]["env"]?.arrayValue ?? [] {
            if let name = entry["name"]?.stringValue { result[name] = entry["value"]?.stringValue ?? "" }
        }
        return result
    }
}

extension SimClientHarness {
    /// `GET /sim/rollouts` for one workload of `default`.
    func rollouts(_ kind: String, _ name: String = "web") throws -> [JSONValue] {
        try sim("GET", "/sim/rollouts?namespace=default&kind=\(kind)&name=\(name)")["items"]?.arrayValue ?? []
    }

    @discardableResult
    func create(_ object: JSONValue, _ kind: WorkloadKind) throws -> JSONValue {
        try client().create(ResourcePath(collectionOf: kind, namespace: "default"), object)
    }

    func get(_ ref: WorkloadRef) throws -> JSONValue { try client().get(ResourcePath(workload: ref)) }
}

/// A logger whose lines are kept for the test to read.
final class LogRecorder: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])
    var all: [Line] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test.reloader") { _ in Handler(recorder: self) }
    }

    fileprivate func append(_ line: Line) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
            recorder.append(
                Line(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
