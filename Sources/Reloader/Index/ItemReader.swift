/// Reads one workload object with `JSONReader` into a `WorkloadRecord`, materialising only what the record keeps.
/// A field of an unexpected JSON type (e.g. `annotations: null`) is skipped, not an error: the API server is the
/// schema's owner and the index must not drop a workload over a field it does not need. Used by
/// `WorkloadListPage`. Pure.
enum ItemReader {
    typealias Failure = JSONReader.Failure

    static func record(
        _ reader: inout JSONReader, kind: WorkloadKind, keys: IndexedAnnotationKeys
    ) throws(Failure) -> WorkloadRecord? {
        var name: String?
        var record = WorkloadRecord(ref: WorkloadRef(kind: kind, namespace: "", name: ""))
        var scan = PodTemplateScan()
        let templatePath = kind.podTemplatePath.dropFirst()  // below "spec"
        try object(&reader) { (reader, key) throws(Failure) in
            switch key {
            case "metadata":
                try object(&reader) { (reader, key) throws(Failure) in
                    switch key {
                    case "name": name = try string(&reader)
                    case "namespace": record.ref.namespace = try string(&reader) ?? ""
                    case "uid": record.uid = try string(&reader) ?? ""
                    case "resourceVersion": record.resourceVersion = try string(&reader) ?? ""
                    case "annotations":
                        record.metadataAnnotations = try annotations(&reader, keys, keepingLastReloaded: false).kept
                    default: try reader.skipValue()
                    }
                }
            case "spec":
                try descend(&reader, templatePath) { (reader) throws(Failure) in
                    try object(&reader) { (reader, key) throws(Failure) in
                        switch key {
                        case "metadata":
                            try object(&reader) { (reader, key) throws(Failure) in
                                if key == "annotations" {
                                    let found = try annotations(&reader, keys, keepingLastReloaded: true)
                                    record.templateAnnotations = found.kept
                                    record.lastReloadedFrom = found.lastReloadedFrom
                                } else {
                                    try reader.skipValue()
                                }
                            }
                        case "spec": try podSpec(&reader, into: &scan)
                        default: try reader.skipValue()
                        }
                    }
                }
            default: try reader.skipValue()
            }
        }
        guard let name else { return nil }
        record.ref.name = name
        record.uses = scan.uses()
        record.reloaderEnv = scan.reloaderEnv()
        return record
    }

    // MARK: - Pod spec

    /// `volumes`, `containers` and `initContainers`; `ephemeralContainers` and `imagePullSecrets` are skipped
    /// (contract §4: not counted).
    private static func podSpec(_ reader: inout JSONReader, into scan: inout PodTemplateScan) throws(Failure) {
        try object(&reader) { (reader, key) throws(Failure) in
            switch key {
            case "volumes": try array(&reader) { (reader) throws(Failure) in try volume(&reader, into: &scan) }
            case "containers":
                try array(&reader) { (reader) throws(Failure) in scan.containers.append(try container(&reader)) }
            case "initContainers":
                try array(&reader) { (reader) throws(Failure) in scan.initContainers.append(try container(&reader)) }
            default: try reader.skipValue()
            }
        }
    }

    private static func volume(_ reader: inout JSONReader, into scan: inout PodTemplateScan) throws(Failure) {
        var volumeName: String?
        var references: [(ConfigKind, String)] = []
        try object(&reader) { (reader, key) throws(Failure) in
            switch key {
            case "name": volumeName = try string(&reader)
            case "configMap":
                if let name = try field(&reader, "name") { references.append((.configMap, name)) }
            case "secret":
                if let name = try field(&reader, "secretName") { references.append((.secret, name)) }
            case "csi":
                try descend(&reader, ["volumeAttributes"]) { (reader) throws(Failure) in
                    if let name = try field(&reader, "secretProviderClass") {
                        references.append((.secretProviderClass, name))
                    }
                }
            case "projected":
                try descend(&reader, ["sources"]) { (reader) throws(Failure) in
                    try array(&reader) { (reader) throws(Failure) in
                        try object(&reader) { (reader, key) throws(Failure) in
                            switch key {
                            case "configMap":
                                if let name = try field(&reader, "name") { references.append((.configMap, name)) }
                            case "secret":
                                if let name = try field(&reader, "name") { references.append((.secret, name)) }
                            default: try reader.skipValue()
                            }
                        }
                    }
                }
            default: try reader.skipValue()
            }
        }
        guard let volumeName else { return }
        for (kind, name) in references {
            scan.volumes.append(.init(volume: volumeName, kind: kind, config: name))
        }
    }

    private static func container(_ reader: inout JSONReader) throws(Failure) -> PodTemplateScan.Container {
        var container = PodTemplateScan.Container()
        // Contract §4 order: env[].valueFrom before envFrom[], whatever the document order.
        var envFrom: [(kind: ConfigKind, name: String)] = []
        try object(&reader) { (reader, key) throws(Failure) in
            switch key {
            case "volumeMounts":
                try array(&reader) { (reader) throws(Failure) in
                    if let name = try field(&reader, "name") { container.mounts.append(name) }
                }
            case "env":
                try array(&reader) { (reader) throws(Failure) in try envVar(&reader, into: &container) }
            case "envFrom":
                try array(&reader) { (reader) throws(Failure) in
                    try object(&reader) { (reader, key) throws(Failure) in
                        switch key {
                        case "configMapRef":
                            if let name = try field(&reader, "name") { envFrom.append((.configMap, name)) }
                        case "secretRef":
                            if let name = try field(&reader, "name") { envFrom.append((.secret, name)) }
                        default: try reader.skipValue()
                        }
                    }
                }
            default: try reader.skipValue()
            }
        }
        container.envReferences.append(contentsOf: envFrom)
        return container
    }

    /// One `env[]` entry. The API server writes `name` before `value`, so a value is only materialised for a
    /// `STAKATER_*` name (or when the name has not been seen yet).
    private static func envVar(
        _ reader: inout JSONReader, into container: inout PodTemplateScan.Container
    )
        throws(Failure)
    {
        var name: String?
        var value: String?
        try object(&reader) { (reader, key) throws(Failure) in
            switch key {
            case "name": name = try string(&reader)
            case "value":
                if name == nil || name!.hasPrefix(IndexedAnnotationKeys.reloaderEnvPrefix) {
                    value = try string(&reader)
                } else {
                    try reader.skipValue()
                }
            case "valueFrom":
                try object(&reader) { (reader, key) throws(Failure) in
                    switch key {
                    case "configMapKeyRef":
                        if let name = try field(&reader, "name") { container.envReferences.append((.configMap, name)) }
                    case "secretKeyRef":
                        if let name = try field(&reader, "name") { container.envReferences.append((.secret, name)) }
                    default: try reader.skipValue()
                    }
                }
            default: try reader.skipValue()
            }
        }
        if let name, let value, name.hasPrefix(IndexedAnnotationKeys.reloaderEnvPrefix) {
            container.reloaderEnv.append((name, value))
        }
    }

    // MARK: - Annotations

    /// The kept annotations of an `annotations` object, sorted by key (as the tree path does), and the value of
    /// last-reloaded-from when asked for (pod template only).
    private static func annotations(
        _ reader: inout JSONReader, _ keys: IndexedAnnotationKeys, keepingLastReloaded: Bool
    ) throws(Failure) -> (kept: [WorkloadRecord.Annotation], lastReloadedFrom: String?) {
        var result: [WorkloadRecord.Annotation] = []
        var lastReloadedFrom: String?
        try object(&reader) { (reader, key) throws(Failure) in
            if let canonical = keys.canonical(key) {
                if let value = try string(&reader) { result.append(.init(key: canonical, value: value)) }
            } else if keepingLastReloaded, key == IndexedAnnotationKeys.lastReloadedFrom {
                lastReloadedFrom = try string(&reader)
            } else {
                try reader.skipValue()
            }
        }
        if result.count > 1 { result.sort { $0.key < $1.key } }
        return (result, lastReloadedFrom)
    }

    // MARK: - Tolerant helpers

    /// Iterates an object's members, or skips a value of another type.
    static func object(
        _ reader: inout JSONReader, _ member: (inout JSONReader, String) throws(Failure) -> Void
    )
        throws(Failure)
    {
        guard try reader.peekKind() == .object else { return try reader.skipValue() }
        try reader.readObject(member)
    }

    /// Iterates an array's elements, or skips a value of another type.
    static func array(
        _ reader: inout JSONReader, _ element: (inout JSONReader) throws(Failure) -> Void
    )
        throws(Failure)
    {
        guard try reader.peekKind() == .array else { return try reader.skipValue() }
        try reader.readArray(element)
    }

    /// A string, or nil (and skipped) for a value of another type.
    static func string(_ reader: inout JSONReader) throws(Failure) -> String? {
        guard try reader.peekKind() == .string else {
            try reader.skipValue()
            return nil
        }
        return try reader.readString()
    }

    /// The string member `name` of an object; everything else skipped.
    static func field(_ reader: inout JSONReader, _ name: String) throws(Failure) -> String? {
        var result: String?
        try object(&reader) { (reader, key) throws(Failure) in
            if key == name { result = try string(&reader) } else { try reader.skipValue() }
        }
        return result
    }

    /// Walks down a path of object keys and calls `body` on the value found; skips everything off the path.
    static func descend(
        _ reader: inout JSONReader, _ path: ArraySlice<String>, _ body: (inout JSONReader) throws(Failure) -> Void
    ) throws(Failure) {
        guard let first = path.first else { return try body(&reader) }
        try object(&reader) { (reader, key) throws(Failure) in
            if key == first { try descend(&reader, path.dropFirst(), body) } else { try reader.skipValue() }
        }
    }
}
