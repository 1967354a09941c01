/// One page of a workload LIST response (`DeploymentList`, ... with `limit=500&continue=...`), decoded straight from
/// its bytes into records with `JSONReader`: only the fields a record keeps are materialised; managedFields, status,
/// other annotations (last-applied-configuration is often the biggest field of an object) and the rest of the pod
/// spec are skipped without building a `JSONValue` tree. A pure value.
public struct WorkloadListPage: Sendable {
    public var records: [WorkloadRecord]
    /// `metadata.continue`: nil or empty on the last page.
    public var continueToken: String?
    public var resourceVersion: String?

    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "invalid workload list page: \(message) at byte \(offset)" }
    }

    /// Decodes a page of `kind` items. Items without `metadata.name` are dropped.
    public static func decode(
        _ bytes: [UInt8], kind: WorkloadKind, keys: IndexedAnnotationKeys = .defaults
    ) throws(DecodingError) -> WorkloadListPage {
        let result: Result<WorkloadListPage, DecodingError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, maximumDepth: 128)
            do throws(JSONReader.Failure) {
                var page = WorkloadListPage(records: [])
                try reader.readObject { (reader, key) throws(JSONReader.Failure) in
                    switch key {
                    case "metadata":
                        try ItemReader.object(&reader) { (reader, key) throws(JSONReader.Failure) in
                            switch key {
                            case "continue": page.continueToken = try ItemReader.string(&reader)
                            case "resourceVersion": page.resourceVersion = try ItemReader.string(&reader)
                            default: try reader.skipValue()
                            }
                        }
                    case "items":
                        try ItemReader.array(&reader) { (reader) throws(JSONReader.Failure) in
                            if let record = try ItemReader.record(&reader, kind: kind, keys: keys) {
                                page.records.append(record)
                            }
                        }
                    default: try reader.skipValue()
                    }
                }
                try reader.expectEnd()
                return .success(page)
            } catch {
                return .failure(DecodingError(message: error.message, offset: error.offset))
            }
        }
        return try result.get()
    }
}

extension WorkloadRecord {
    /// The record of one workload object's JSON bytes (the byte path of `extract(from:kind:)`).
    public static func extract(
        fromJSON bytes: [UInt8], kind: WorkloadKind, keys: IndexedAnnotationKeys = .defaults
    ) throws(WorkloadListPage.DecodingError) -> WorkloadRecord? {
        let result: Result<WorkloadRecord?, WorkloadListPage.DecodingError> = bytes.withUnsafeBufferPointer {
            buffer in
            var reader = JSONReader(buffer, maximumDepth: 128)
            do throws(JSONReader.Failure) {
                let record = try ItemReader.record(&reader, kind: kind, keys: keys)
                try reader.expectEnd()
                return .success(record)
            } catch {
                return .failure(.init(message: error.message, offset: error.offset))
            }
        }
        return try result.get()
    }
}
