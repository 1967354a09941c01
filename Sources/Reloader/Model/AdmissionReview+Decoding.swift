extension AdmissionReview {
    /// Deep enough for any object kube-apiserver sends us (a Deployment with managedFields nests about 20 levels),
    /// far below where recursion could hurt the event-loop thread's stack.
    public static let maximumNestingDepth = 128

    /// Decodes and validates a request body with `JSONReader`: only the fields reloader reads are materialised.
    /// Checks run in the order a caller can fix them: JSON, apiVersion, kind, request, uid, then the request's
    /// fields. Unknown fields are skipped (but must still be valid JSON). A repeated key: the last one wins.
    public static func decode(_ body: [UInt8]) throws(AdmissionDecodingError) -> AdmissionReview {
        guard !body.isEmpty else { throw .emptyBody }
        let result: Result<AdmissionReview, AdmissionDecodingError> = body.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, maximumDepth: maximumNestingDepth)
            do throws(AdmissionDecodingError) {
                return .success(try decodeEnvelope(&reader))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parse errors are collected as `AdmissionDecodingError` directly; syntax and depth failures of the reader
    /// are mapped on the way out.
    private static func decodeEnvelope(_ reader: inout JSONReader) throws(AdmissionDecodingError) -> AdmissionReview {
        var apiVersion: String?
        var kind: String?
        var request: AdmissionRequest?
        var requestPresent = false
        var fieldError: AdmissionDecodingError?
        try map { () throws(JSONReader.Failure) in
            guard try reader.peekKind() == .object else {
                fieldError = .invalidField(path: "AdmissionReview", reason: "expected an object")
                try reader.skipValue()
                return
            }
            try reader.readObject { (reader, key) throws(JSONReader.Failure) in
                switch key {
                case "apiVersion": apiVersion = try optionalString(&reader, "apiVersion", &fieldError)
                case "kind": kind = try optionalString(&reader, "kind", &fieldError)
                case "request":
                    if try reader.consumeNull() {
                        requestPresent = false
                        request = nil
                    } else {
                        requestPresent = true
                        request = try AdmissionRequest.read(&reader, &fieldError)
                    }
                default: try reader.skipValue()
                }
            }
            try reader.expectEnd()
        }
        // The whole text is valid JSON; report the first problem in the caller's fixing order.
        if case .invalidField(path: "AdmissionReview", _)? = fieldError { throw fieldError! }
        guard apiVersion == AdmissionReview.apiVersion else { throw .unsupportedAPIVersion(apiVersion) }
        guard kind == AdmissionReview.kind else { throw .wrongKind(kind) }
        guard requestPresent else { throw .missingRequest }
        if let fieldError { throw fieldError }
        guard let request else { throw .missingRequest }
        return AdmissionReview(request: request)
    }

    /// Runs reader code, turning its failures into decoding errors.
    static func map(_ body: () throws(JSONReader.Failure) -> Void) throws(AdmissionDecodingError) {
        do {
            try body()
        } catch {
            switch error.kind {
            case .syntax: throw .notJSON(reason: "\(error.message) at byte \(error.offset)")
            case .tooDeep: throw .nestingTooDeep(limit: maximumNestingDepth)
            }
        }
    }
}

/// Reads a string or null; anything else records a field error (the first one wins) and is skipped.
func optionalString(
    _ reader: inout JSONReader, _ path: @autoclosure () -> String, _ fieldError: inout AdmissionDecodingError?
)
    throws(JSONReader.Failure) -> String?
{
    switch try reader.peekKind() {
    case .string: return try reader.readString()
    case .null:
        _ = try reader.consumeNull()
        return nil
    default:
        if fieldError == nil { fieldError = .invalidField(path: path(), reason: "expected a string") }
        try reader.skipValue()
        return nil
    }
}

/// Reads an object of strings or null. A non-string member records `path.key` as the field error.
func optionalStringMap(
    _ reader: inout JSONReader, _ path: @autoclosure () -> String, _ fieldError: inout AdmissionDecodingError?
)
    throws(JSONReader.Failure) -> [String: String]?
{
    switch try reader.peekKind() {
    case .null:
        _ = try reader.consumeNull()
        return nil
    case .object:
        var map: [String: String] = [:]
        try reader.readObject { (reader, key) throws(JSONReader.Failure) in
            if try reader.peekKind() == .string {
                map[key] = try reader.readString()
            } else {
                if fieldError == nil {
                    fieldError = .invalidField(
                        path: AdmissionDecodingError.path(path(), key), reason: "expected a string")
                }
                try reader.skipValue()
            }
        }
        return map
    default:
        if fieldError == nil { fieldError = .invalidField(path: path(), reason: "expected an object of strings") }
        try reader.skipValue()
        return nil
    }
}

extension AdmissionRequest {
    static func read(
        _ reader: inout JSONReader, _ fieldError: inout AdmissionDecodingError?
    )
        throws(JSONReader.Failure) -> AdmissionRequest?
    {
        guard try reader.peekKind() == .object else {
            if fieldError == nil { fieldError = .invalidField(path: "request", reason: "expected an object") }
            try reader.skipValue()
            return nil
        }
        var uid: String?
        var uidError: AdmissionDecodingError?
        var kind: GroupVersionKind?
        var resource: GroupVersionResource?
        var subResource: String?
        var name: String?
        var namespace: String?
        var operation: AdmissionOperation?
        var dryRun: Bool?
        var object: KubeObject?
        var oldObject: KubeObject?
        var errors: AdmissionDecodingError?
        try reader.readObject { (reader, key) throws(JSONReader.Failure) in
            switch key {
            case "uid": uid = try optionalString(&reader, "request.uid", &uidError)
            case "kind":
                let names = ["group", "version", "kind"]
                if let fields = try requiredStringFields(&reader, "request.kind", names, &errors) {
                    kind = GroupVersionKind(group: fields[0], version: fields[1], kind: fields[2])
                }
            case "resource":
                let names = ["group", "version", "resource"]
                if let fields = try requiredStringFields(&reader, "request.resource", names, &errors) {
                    resource = GroupVersionResource(group: fields[0], version: fields[1], resource: fields[2])
                }
            case "subResource": subResource = try optionalString(&reader, "request.subResource", &errors)
            case "name": name = try optionalString(&reader, "request.name", &errors)
            case "namespace": namespace = try optionalString(&reader, "request.namespace", &errors)
            case "operation":
                let text = try optionalString(&reader, "request.operation", &errors)
                operation = text.flatMap(AdmissionOperation.init(rawValue:))
                if let text, operation == nil, errors == nil {
                    errors = .invalidField(
                        path: "request.operation",
                        reason:
                            "unknown operation \(AdmissionDecodingError.abbreviated(text)); expected CREATE, UPDATE, DELETE or CONNECT"
                    )
                }
            case "dryRun":
                switch try reader.peekKind() {
                case .bool: dryRun = try reader.readBool()
                case .null: _ = try reader.consumeNull()
                default:
                    if errors == nil { errors = .invalidField(path: "request.dryRun", reason: "expected a boolean") }
                    try reader.skipValue()
                }
            case "object": object = try KubeObject.read(&reader, "request.object", &errors)
            case "oldObject": oldObject = try KubeObject.read(&reader, "request.oldObject", &errors)
            default: try reader.skipValue()
            }
        }
        // uid first: it is what the caller needs to match our answer.
        if let uidError {
            if fieldError == nil { fieldError = uidError }
            return nil
        }
        guard let uid, !uid.isEmpty else {
            if fieldError == nil { fieldError = .missingUID }
            return nil
        }
        let length = uid.count
        guard length <= maximumUIDLength else {
            if fieldError == nil { fieldError = .uidTooLong(length: length) }
            return nil
        }
        if let errors {
            if fieldError == nil { fieldError = errors }
            return nil
        }
        for (value, path) in [
            (kind == nil, "request.kind"), (resource == nil, "request.resource"),
            (operation == nil, "request.operation"),
        ] where value {
            if fieldError == nil { fieldError = .invalidField(path: path, reason: "is missing") }
            return nil
        }
        guard let kind, let resource, let operation else { return nil }
        return AdmissionRequest(
            uid: uid, kind: kind, resource: resource, subResource: subResource, name: name, namespace: namespace,
            operation: operation, dryRun: dryRun, object: object, oldObject: oldObject)
    }
}

/// Like `stringFields`, but every name must be present (kube-apiserver always sends them, the empty core group
/// included); a missing one records `path.name: is missing`.
private func requiredStringFields(
    _ reader: inout JSONReader, _ path: String, _ names: [String], _ fieldError: inout AdmissionDecodingError?
) throws(JSONReader.Failure) -> [String]? {
    guard let values = try stringFields(&reader, path, names, &fieldError) else { return nil }
    for (name, value) in zip(names, values) where value == nil {
        if fieldError == nil { fieldError = .invalidField(path: "\(path).\(name)", reason: "is missing") }
        return nil
    }
    return values.map { $0 ?? "" }
}

/// Reads an object whose wanted members are strings; returns them in `names` order, or nil when absent/null.
private func stringFields(
    _ reader: inout JSONReader, _ path: String, _ names: [String], _ fieldError: inout AdmissionDecodingError?
) throws(JSONReader.Failure) -> [String?]? {
    switch try reader.peekKind() {
    case .null:
        _ = try reader.consumeNull()
        return nil
    case .object:
        var values = [String?](repeating: nil, count: names.count)
        try reader.readObject { (reader, key) throws(JSONReader.Failure) in
            if let index = names.firstIndex(of: key) {
                values[index] = try optionalString(&reader, "\(path).\(key)", &fieldError)
            } else {
                try reader.skipValue()
            }
        }
        return values
    default:
        if fieldError == nil { fieldError = .invalidField(path: path, reason: "expected an object") }
        try reader.skipValue()
        return nil
    }
}

extension KubeObject {
    /// Reads `request.object`/`oldObject`: metadata always, `data`/`binaryData` for ConfigMaps and Secrets, `spec`
    /// as a tree when present (workloads: the index reads their pod template), and the hashed part of `status` for a
    /// SecretProviderClassPodStatus (`readHashedStatus`). Whether `status` is wanted depends on `kind`, which may
    /// come after it: its bytes are skipped and remembered, and read again only for that one kind, so other kinds
    /// pay nothing beyond the skip they always paid.
    /// Other kinds use `data` for other shapes (ControllerRevision's is an object), so a non-string `data` is an
    /// error only once `kind` (which may come after it) says the object is a ConfigMap or Secret, or is absent.
    static func read(
        _ reader: inout JSONReader, _ path: @autoclosure () -> String, _ fieldError: inout AdmissionDecodingError?
    ) throws(JSONReader.Failure) -> KubeObject? {
        if try reader.consumeNull() { return nil }
        guard try reader.peekKind() == .object else {
            if fieldError == nil { fieldError = .invalidField(path: path(), reason: "expected an object") }
            try reader.skipValue()
            return nil
        }
        var object = KubeObject()
        var statusRange: Range<Int>?
        var dataError: AdmissionDecodingError?
        var errors: AdmissionDecodingError?
        try reader.readObject { (reader, key) throws(JSONReader.Failure) in
            switch key {
            case "apiVersion": object.apiVersion = try optionalString(&reader, "\(path()).apiVersion", &errors)
            case "kind": object.kind = try optionalString(&reader, "\(path()).kind", &errors)
            case "metadata":
                object.metadata = try ObjectMeta.read(&reader, "\(path()).metadata", &errors) ?? ObjectMeta()
            case "data": object.data = try optionalStringMap(&reader, "\(path()).data", &dataError)
            case "binaryData": object.binaryData = try optionalStringMap(&reader, "\(path()).binaryData", &dataError)
            case "spec": object.spec = try reader.readValue()
            case "status": statusRange = try reader.skipValueReturningRange()
            default: try reader.skipValue()
            }
        }
        if object.kind == secretProviderClassPodStatusKind, let statusRange {
            var statusReader = reader.reader(over: statusRange)
            object.status = try readHashedStatus(&statusReader)
        }
        let hasContentMaps = object.kind == nil || object.kind == "ConfigMap" || object.kind == "Secret"
        if !hasContentMaps {
            object.data = nil
            object.binaryData = nil
        } else if errors == nil {
            errors = dataError
        }
        if let errors, fieldError == nil { fieldError = errors }
        return object
    }
}

extension ObjectMeta {
    static func read(
        _ reader: inout JSONReader, _ path: @autoclosure () -> String, _ fieldError: inout AdmissionDecodingError?
    ) throws(JSONReader.Failure) -> ObjectMeta? {
        if try reader.consumeNull() { return nil }
        guard try reader.peekKind() == .object else {
            if fieldError == nil { fieldError = .invalidField(path: path(), reason: "expected an object") }
            try reader.skipValue()
            return nil
        }
        var meta = ObjectMeta()
        try reader.readObject { (reader, key) throws(JSONReader.Failure) in
            switch key {
            case "name": meta.name = try optionalString(&reader, "\(path()).name", &fieldError)
            case "namespace": meta.namespace = try optionalString(&reader, "\(path()).namespace", &fieldError)
            case "labels": meta.labels = try optionalStringMap(&reader, "\(path()).labels", &fieldError)
            case "annotations": meta.annotations = try optionalStringMap(&reader, "\(path()).annotations", &fieldError)
            case "resourceVersion":
                meta.resourceVersion = try optionalString(&reader, "\(path()).resourceVersion", &fieldError)
            case "uid": meta.uid = try optionalString(&reader, "\(path()).uid", &fieldError)
            default: try reader.skipValue()
            }
        }
        return meta
    }
}
