/// Extraction from a decoded object (an AdmissionReview's `object`, a GET): the convenient path. List pages use the
/// byte path (`WorkloadRecord+ListPage.swift`), which never builds the tree.
extension WorkloadRecord {
    /// The record of one workload object of `kind`; nil when it has no `metadata.name`.
    public static func extract(
        from object: JSONValue, kind: WorkloadKind, keys: IndexedAnnotationKeys = .defaults
    ) -> WorkloadRecord? {
        guard let metadata = object["metadata"], let name = metadata["name"]?.stringValue else { return nil }
        let template = object[path: kind.podTemplatePath]
        let templateAnnotations = template?[path: ["metadata", "annotations"]]?.objectValue
        var record = WorkloadRecord(
            ref: WorkloadRef(kind: kind, namespace: metadata["namespace"]?.stringValue ?? "", name: name),
            uid: metadata["uid"]?.stringValue ?? "",
            resourceVersion: metadata["resourceVersion"]?.stringValue ?? "",
            metadataAnnotations: kept(metadata["annotations"]?.objectValue, keys),
            templateAnnotations: kept(templateAnnotations, keys),
            lastReloadedFrom: templateAnnotations?[IndexedAnnotationKeys.lastReloadedFrom]?.stringValue)
        if let spec = template?["spec"] {
            let scan = scan(spec)
            record.uses = scan.uses()
            record.reloaderEnv = scan.reloaderEnv()
        }
        return record
    }

    private static func kept(_ annotations: [String: JSONValue]?, _ keys: IndexedAnnotationKeys) -> [Annotation] {
        guard let annotations else { return [] }
        var result: [Annotation] = []
        for (key, value) in annotations {
            if let key = keys.canonical(key), let value = value.stringValue {
                result.append(Annotation(key: key, value: value))
            }
        }
        // A dictionary has no document order; sort so equal objects give equal records.
        return result.sorted { $0.key < $1.key }
    }

    private static func scan(_ spec: JSONValue) -> PodTemplateScan {
        var scan = PodTemplateScan()
        for volume in spec["volumes"]?.arrayValue ?? [] {
            guard let volumeName = volume["name"]?.stringValue else { continue }
            func add(_ kind: ConfigKind, _ name: JSONValue?) {
                if let name = name?.stringValue {
                    scan.volumes.append(.init(volume: volumeName, kind: kind, config: name))
                }
            }
            add(.configMap, volume[path: ["configMap", "name"]])
            add(.secret, volume[path: ["secret", "secretName"]])
            add(.secretProviderClass, volume[path: ["csi", "volumeAttributes", "secretProviderClass"]])
            for source in volume[path: ["projected", "sources"]]?.arrayValue ?? [] {
                add(.configMap, source[path: ["configMap", "name"]])
                add(.secret, source[path: ["secret", "name"]])
            }
        }
        scan.containers = (spec["containers"]?.arrayValue ?? []).map(container)
        scan.initContainers = (spec["initContainers"]?.arrayValue ?? []).map(container)
        return scan
    }

    private static func container(_ value: JSONValue) -> PodTemplateScan.Container {
        var container = PodTemplateScan.Container()
        container.mounts = (value["volumeMounts"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        for variable in value["env"]?.arrayValue ?? [] {
            if let name = variable[path: ["valueFrom", "configMapKeyRef", "name"]]?.stringValue {
                container.envReferences.append((.configMap, name))
            }
            if let name = variable[path: ["valueFrom", "secretKeyRef", "name"]]?.stringValue {
                container.envReferences.append((.secret, name))
            }
            if let name = variable["name"]?.stringValue, name.hasPrefix(IndexedAnnotationKeys.reloaderEnvPrefix),
                let literal = variable["value"]?.stringValue
            {
                container.reloaderEnv.append((name, literal))
            }
        }
        for source in value["envFrom"]?.arrayValue ?? [] {
            if let name = source[path: ["configMapRef", "name"]]?.stringValue {
                container.envReferences.append((.configMap, name))
            }
            if let name = source[path: ["secretRef", "name"]]?.stringValue {
                container.envReferences.append((.secret, name))
            }
        }
        return container
    }
}
