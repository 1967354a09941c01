/// The env-vars strategy of `ReloadBatchPlanner` (contract §5.1): the containers as the batch leaves them, and
/// the one patch that gets them there. Pure.
extension ReloadBatchPlanner {
    /// What a batch does to the env vars of the pod template's containers.
    struct EnvVarEdit {
        /// One container the batch writes to.
        struct Container {
            var index: Int
            /// Its `name` (the strategic merge key), nil if it has none.
            var name: String?
            /// Its `env` as read; nil when it has no `env`.
            var original: [JSONValue]?
            /// The vars set, in batch order, as written.
            var set: [JSONValue] = []
            /// The names of the vars removed.
            var removed: [String] = []
        }

        /// Every container, with the batch applied.
        var containers: [JSONValue]
        /// The containers written to, by index.
        var touched: [Container]
        /// The changes that write something.
        var changes: [ConfigChange]

        /// Whether any var is removed (a DELETE with `--reload-on-delete`): then the write is a JSON patch.
        var removes: Bool { touched.contains { !$0.removed.isEmpty } }
    }

    /// Applies each change in batch order; a var already holding its hash (or already gone, for a DELETE) is
    /// skipped as already current, as `ReloadPolicy.isAlreadyCurrent` does.
    static func envVarEdit(
        _ batch: [Change], containers: [JSONValue], skipped: inout [ReloadDecision.SkipReason]
    ) -> EnvVarEdit {
        var result = containers
        var touched: [Int: EnvVarEdit.Container] = [:]
        var changes: [ConfigChange] = []
        for item in batch {
            let index = item.container
            let name = EnvVarName.forConfig(named: item.change.config.name, kind: item.change.config.kind)
            var env = result[index]["env"]?.arrayValue ?? []
            let position = env.firstIndex { $0["name"]?.stringValue == name }
            var container =
                touched[index]
                ?? EnvVarEdit.Container(
                    index: index, name: containers[index]["name"]?.stringValue,
                    original: containers[index]["env"]?.arrayValue)
            container.set.removeAll { $0["name"]?.stringValue == name }
            container.removed.removeAll { $0 == name }
            if item.change.operation == .delete {
                guard let position else {
                    skipped.append(.alreadyCurrent)
                    continue
                }
                env.remove(at: position)
                container.removed.append(name)
            } else {
                let hash = item.change.hashToWrite
                let entry: JSONValue = ["name": .string(name), "value": .string(hash)]
                if let position {
                    guard env[position]["value"]?.stringValue != hash || env[position]["valueFrom"] != nil else {
                        skipped.append(.alreadyCurrent)
                        continue
                    }
                    env[position] = entry
                } else {
                    env.append(entry)
                }
                container.set.append(entry)
            }
            result[index]["env"] = .array(env)
            touched[index] = container
            changes.append(item.change)
        }
        return EnvVarEdit(
            containers: result, touched: touched.values.sorted { $0.index < $1.index }, changes: changes)
    }

    /// Without removals: a strategic merge patch naming each container and only its set vars (merged by name),
    /// or for Rollout and DeploymentConfig a merge patch, which replaces lists (RFC 7386), with every container.
    /// With removals: one JSON patch (Reloader removes a var with a JSON patch too).
    static func envVarPatch(
        _ edit: EnvVarEdit, kind: WorkloadKind, object: JSONValue, pause: PausePeriod.Plan, keys: AnnotationKeys
    ) -> ReloadAction {
        if edit.removes {
            return .patch(.json, body: .array(jsonPatch(edit, kind: kind, object: object, pause: pause, keys: keys)))
        }
        if kind.isCustomResource {
            let body = ReloadPatchPlanner.templatePatch(kind, ["spec": ["containers": .array(edit.containers)]])
            return .patch(.merge, body: withPause(body, pause: pause, keys: keys))
        }
        let containers = edit.touched.map { container -> JSONValue in
            ["name": .string(container.name ?? ""), "env": .array(container.set)]
        }
        let body = ReloadPatchPlanner.templatePatch(kind, ["spec": ["containers": .array(containers)]])
        return .patch(.strategicMerge, body: withPause(body, pause: pause, keys: keys))
    }

    /// The JSON patch of a batch that removes vars. Indices are those of the object as read, so each touched
    /// container is guarded first: `test` its name and its whole `env` as read (RFC 6902 §4.6). A concurrent edit
    /// of that container fails the patch as a whole (422) and the reloader reads the object again and re-plans,
    /// instead of removing or overwriting the wrong entry. Then per container: `replace` changed vars in place,
    /// `remove` vars from the highest index down (so lower indices stay valid), and `add` new vars at the end.
    static func jsonPatch(
        _ edit: EnvVarEdit, kind: WorkloadKind, object: JSONValue, pause: PausePeriod.Plan, keys: AnnotationKeys
    ) -> [JSONValue] {
        var operations: [JSONValue] = []
        func operation(_ op: String, _ path: String, _ value: JSONValue? = nil) {
            var entry: JSONValue = ["op": .string(op), "path": .string(path)]
            if let value { entry["value"] = value }
            operations.append(entry)
        }
        let containersPath = pointer(kind.podTemplatePath + ["spec", "containers"])
        for container in edit.touched {
            let base = "\(containersPath)/\(container.index)"
            if let name = container.name { operation("test", "\(base)/name", .string(name)) }
            guard let original = container.original else {
                // No env list yet, so nothing was replaced or removed: add the list.
                operation("add", "\(base)/env", .array(container.set))
                continue
            }
            operation("test", "\(base)/env", .array(original))
            var removals: [Int] = []
            for (position, entry) in original.enumerated() {
                let name = entry["name"]?.stringValue
                if container.removed.contains(where: { $0 == name }) {
                    removals.append(position)
                } else if let replacement = container.set.first(where: { $0["name"]?.stringValue == name }) {
                    operation("replace", "\(base)/env/\(position)", replacement)
                }
            }
            for position in removals.reversed() { operation("remove", "\(base)/env/\(position)") }
            let originalNames = Set(original.compactMap { $0["name"]?.stringValue })
            for entry in container.set where !originalNames.contains(entry["name"]?.stringValue ?? "") {
                operation("add", "\(base)/env/-", entry)
            }
        }
        if case .pause(_, let pausedAt, let isNew) = pause {
            operation("add", "/spec/paused", true)
            if isNew {
                if object[path: ["metadata", "annotations"]]?.objectValue != nil {
                    operation("add", pointer(["metadata", "annotations", keys.pausedAt]), .string(pausedAt))
                } else {
                    operation("add", "/metadata/annotations", [keys.pausedAt: .string(pausedAt)])
                }
            }
        }
        return operations
    }

    /// A JSON pointer (RFC 6901 §3): each token with `~` as `~0` and `/` as `~1`.
    static func pointer(_ tokens: [String]) -> String {
        tokens.map { "/" + $0.replacing("~", with: "~0").replacing("/", with: "~1") }.joined()
    }
}
