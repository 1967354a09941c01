/// The reconciler's decisions (contract §6, last bullet), pure: which reload markers a workload carries, which
/// configs must be read to check them, and, given what was read, the reloads to enqueue. A marker is what the
/// last reload wrote: with `--reload-strategy=env-vars` a `STAKATER_*` env var, with `annotations` the
/// `last-reloaded-from` JSON. Only the current strategy's markers count, so switching strategies rolls nothing.
/// A workload without a marker is never reloaded here, so the first start after Stakater Reloader, whose markers
/// carry the same hashes (contract §3), rolls nothing (C56). `Reconciler` is the shell.
public enum ReconcilePlanner {
    /// One marker: the hash it stores and the configs it may stand for. An env-var name is lossy
    /// (`app-config` and `app.config` both give `STAKATER_APP_CONFIG_CONFIGMAP`), so an env var may match several
    /// configs the workload uses or names; a last-reloaded-from names exactly one.
    public struct Marker: Sendable, Hashable {
        public var storedHash: String
        public var configs: [ConfigRef]

        public init(storedHash: String, configs: [ConfigRef]) {
            self.storedHash = storedHash
            self.configs = configs
        }
    }

    /// What a read of one config gave.
    public enum ConfigRead: Sendable, Hashable {
        case present(ConfigState)
        /// 404: the config is gone.
        case absent
        case failed(reason: String)
    }

    /// The result for one workload; each workload gets exactly one (`reloader_reconcile_total{result}`).
    public enum Outcome: Sendable, Hashable {
        /// No marker of the current strategy for a watched config: not the reconciler's business.
        case skipped
        /// A read this workload needs failed; nothing is planned for it this pass.
        case failed(ConfigRef, reason: String)
        /// Compared; the reloads to enqueue, one per config at most (empty when every marker is current).
        case checked([PlannedReload])
    }

    /// The markers of `record` for the configs `filter` may watch (its namespace part: the config's labels are only
    /// known after the read). `namespaceLabels`: the labels of the workload's namespace, when known.
    /// SecretProviderClass markers (`STAKATER_*_SECRETPROVIDERCLASS`, `type: SECRETPROVIDERCLASS`) are left out,
    /// with `--enable-csi-integration` too: the hash lives in per-pod SecretProviderClassPodStatus objects named
    /// after each pod, not in the class, so there is no single current hash to compare a marker with (the pods of
    /// one workload may even hold different versions mid-rotation), and the class cannot be read as a config
    /// (`KubeConfigReader.Failure.noSourceObject`). CSI changes are caught by admission reviews only.
    public static func markers(
        of record: WorkloadRecord, policy: PolicyOptions, filter: ConfigFilter, namespaceLabels: [String: String]?
    ) -> [Marker] {
        var namespaceFilter = filter
        namespaceFilter.resourceLabelSelector = LabelSelector()
        let namespace = record.ref.namespace
        guard namespaceFilter.admits(namespace: namespace, namespaceLabels: namespaceLabels, configLabels: [:])
        else { return [] }
        let kinds: [ConfigKind] = [.configMap, .secret].filter { !policy.resourcesToIgnore.contains($0) }

        var markers: [Marker] = []
        switch policy.reloadStrategy {
        case .envVars:
            var candidates: [ConfigRef] = []
            for kind in kinds {
                for name in namedConfigs(of: record, kind: kind, keys: policy.annotationKeys) {
                    let config = ConfigRef(kind: kind, namespace: namespace, name: name)
                    if !candidates.contains(config) { candidates.append(config) }
                }
            }
            for variable in record.reloaderEnv {
                let matching = candidates.filter {
                    EnvVarName.forConfig(named: $0.name, kind: $0.kind) == variable.name
                }
                let marker = Marker(storedHash: variable.value, configs: matching)
                if !matching.isEmpty && !markers.contains(marker) { markers.append(marker) }
            }
        case .annotations:
            guard let json = record.lastReloadedFrom, let marker = LastReloadedFrom(json: json),
                let kind = kinds.first(where: { $0.typeName == marker.type }),
                marker.namespace.isEmpty || marker.namespace == namespace
            else { break }
            markers.append(
                Marker(
                    storedHash: marker.hash, configs: [ConfigRef(kind: kind, namespace: namespace, name: marker.name)]))
        }
        return markers
    }

    /// The configs a marker's env var may stand for: the ones the pod template uses, then the literal entries of the
    /// named-reload lists (metadata and template; the policy picks the source). A regex entry names no config.
    static func namedConfigs(of record: WorkloadRecord, kind: ConfigKind, keys: AnnotationKeys) -> [String] {
        var names = record.uses.filter { $0.kind == kind }.map(\.name)
        let key = keys.reload(for: kind)
        for list in [record.metadataAnnotation(key), record.templateAnnotation(key)] {
            for entry in Annotations.commaList(list ?? "") where isLiteralName(entry) && !names.contains(entry) {
                names.append(entry)
            }
        }
        return names
    }

    /// Whether a reload-list entry is a plain object name (a DNS subdomain: `a-z`, `0-9`, `-`, `.`); such an
    /// entry, as a regex, matches that name (a `.` matches itself too).
    static func isLiteralName(_ entry: String) -> Bool {
        !entry.isEmpty && entry.utf8.count <= 253
            && entry.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
    }

    /// The reloads one workload needs, given the reads of its markers' configs. A marker whose stored hash equals
    /// the current hash of any of its configs is current (for an ambiguous env-var name this stops two configs
    /// from taking turns at the var). Otherwise each config is decided by `ReloadPolicy` as an UPDATE from the stored
    /// hash to the current one, or, when it is gone, as a DELETE (acted on only with `--reload-on-delete`).
    public static func evaluate(
        _ record: WorkloadRecord, markers: [Marker], reads: [ConfigRef: ConfigRead], policy: PolicyOptions,
        filter: ConfigFilter, namespaceLabels: [String: String]?
    ) -> Outcome {
        guard !markers.isEmpty else { return .skipped }
        for marker in markers {
            for config in marker.configs {
                if case .failed(let reason)? = reads[config] { return .failed(config, reason: reason) }
                if reads[config] == nil { return .failed(config, reason: "not read") }
            }
        }
        let snapshot = WorkloadSnapshot(record: record)
        var plans: [PlannedReload] = []
        for marker in markers {
            let isCurrent = marker.configs.contains {
                if case .present(let state)? = reads[$0] { return state.hash == marker.storedHash }
                return false
            }
            if isCurrent { continue }
            for config in marker.configs where !plans.contains(where: { $0.config == config }) {
                let change: ConfigChange
                switch reads[config] {
                case .present(let state)?:
                    change = ConfigChange(
                        config: config, annotations: state.annotations, labels: state.labels,
                        oldHash: marker.storedHash, newHash: state.hash, operation: .update)
                default:
                    change = ConfigChange(config: config, oldHash: marker.storedHash, newHash: nil, operation: .delete)
                }
                // A gone config's labels are unknown: with a resource label selector set it is not admitted.
                guard
                    filter.admits(
                        namespace: config.namespace, namespaceLabels: namespaceLabels, configLabels: change.labels)
                else { continue }
                let decision = ReloadPolicy.decide(change: change, workload: snapshot, options: policy)
                if case .yes(let trigger, let container) = decision.verdict {
                    plans.append(
                        PlannedReload(
                            workload: record.ref, config: config, hash: change.hashToWrite, trigger: trigger,
                            container: container, operation: change.operation))
                }
            }
        }
        return .checked(plans)
    }
}
