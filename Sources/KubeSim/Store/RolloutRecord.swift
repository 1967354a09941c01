public import Foundation
public import Reloader

/// One rollout: a write that changed a workload's pod template, with what changed in it (template annotations
/// and container env vars), so tests can assert "exactly one rollout, and it was this annotation". A pure value.
public struct RolloutRecord: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        /// For env changes: the container's name; nil for annotations.
        public var container: String?
        public var name: String
        public var oldValue: String?
        public var newValue: String?
    }

    public var time: Date
    public var kind: String
    public var namespace: String?
    public var name: String
    public var resourceVersion: String
    public var annotations: [Change]
    public var env: [Change]

    public var json: JSONValue {
        func changes(_ list: [Change]) -> JSONValue {
            .array(
                list.map { change in
                    var object: [String: JSONValue] = ["name": .string(change.name)]
                    if let container = change.container { object["container"] = .string(container) }
                    object["old"] = change.oldValue.map { .string($0) } ?? .null
                    object["new"] = change.newValue.map { .string($0) } ?? .null
                    return .object(object)
                })
        }
        return [
            "time": .string(RFC3339.format(time)), "kind": .string(kind),
            "namespace": namespace.map { .string($0) } ?? .null, "name": .string(name),
            "resourceVersion": .string(resourceVersion),
            "changed": ["annotations": changes(annotations), "env": changes(env)],
        ]
    }
}

/// Decides whether a write is a rollout and what it changed. Pure.
public enum RolloutDetector {
    /// Where each workload kind keeps its pod template.
    static func templatePath(kind: String) -> [String]? {
        switch kind {
        case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Rollout", "DeploymentConfig", "Job":
            ["spec", "template"]
        case "CronJob": ["spec", "jobTemplate", "spec", "template"]
        default: nil
        }
    }

    /// The rollout `old -> new` amounts to, or nil. A create (`old` nil) is a rollout only for a Job, whose
    /// template is immutable: Reloader restarts a Job by recreating it.
    public static func rollout(
        kind: String, old: JSONValue?, new: JSONValue, resourceVersion: String, now: Date
    ) -> RolloutRecord? {
        guard let path = templatePath(kind: kind) else { return nil }
        let newTemplate = new[at: path]
        let oldTemplate: JSONValue?
        if let old {
            oldTemplate = old[at: path]
            guard oldTemplate != newTemplate else { return nil }
        } else {
            guard kind == "Job" else { return nil }
            oldTemplate = nil
        }
        return RolloutRecord(
            time: now, kind: kind, namespace: new[at: ["metadata", "namespace"]]?.stringValue,
            name: new[at: ["metadata", "name"]]?.stringValue ?? "", resourceVersion: resourceVersion,
            annotations: annotationChanges(old: oldTemplate, new: newTemplate),
            env: envChanges(old: oldTemplate, new: newTemplate))
    }

    static func annotationChanges(old: JSONValue?, new: JSONValue?) -> [RolloutRecord.Change] {
        let before = old?[at: ["metadata", "annotations"]]?.stringMapValue ?? [:]
        let after = new?[at: ["metadata", "annotations"]]?.stringMapValue ?? [:]
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            before[key] == after[key]
                ? nil : RolloutRecord.Change(container: nil, name: key, oldValue: before[key], newValue: after[key])
        }
    }

    static func envChanges(old: JSONValue?, new: JSONValue?) -> [RolloutRecord.Change] {
        let before = envByContainer(old), after = envByContainer(new)
        var changes: [RolloutRecord.Change] = []
        for container in Set(before.keys).union(after.keys).sorted() {
            let oldEnv = before[container] ?? [:], newEnv = after[container] ?? [:]
            for name in Set(oldEnv.keys).union(newEnv.keys).sorted() where oldEnv[name] != newEnv[name] {
                changes.append(
                    RolloutRecord.Change(
                        container: container, name: name, oldValue: oldEnv[name], newValue: newEnv[name]))
            }
        }
        return changes
    }

    /// container name -> env name -> value (`valueFrom` as its JSON text).
    private static func envByContainer(_ template: JSONValue?) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for list in ["initContainers", "containers"] {
            for container in template?[at: ["spec", list]]?.arrayValue ?? [] {
                guard let name = container["name"]?.stringValue else { continue }
                var env: [String: String] = [:]
                for variable in container["env"]?.arrayValue ?? [] {
                    guard let key = variable["name"]?.stringValue else { continue }
                    env[key] = variable["value"]?.stringValue ?? variable["valueFrom"]?.serializedString ?? ""
                }
                result[name] = env
            }
        }
        return result
    }
}

/// RFC 3339 timestamps in UTC with second precision, as Kubernetes writes `metav1.Time`.
enum RFC3339 {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
