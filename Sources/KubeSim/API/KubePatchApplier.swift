public import Reloader

/// kube-sim's `PatchApplier`: picks the algorithm from the Content-Type as kube-apiserver does and maps failures
/// to its Status codes: 415 for an unknown or unsupported type (server-side apply), 400 for a body that is not
/// JSON or not the right shape, 422 for a patch that does not apply to this object. Strategic merge uses the
/// workload schema (pod-template lists merged by key); for other kinds it behaves like merge patch, as the
/// apiserver's does for types without patch strategies. Thread-safe (stateless).
public struct KubePatchApplier: PatchApplier {
    public init() {}

    public func apply(
        patch: [UInt8], contentType: String, to object: JSONValue, resource: ResourceType
    ) throws(APIError) -> JSONValue {
        guard let type = PatchType(contentType: contentType) else {
            throw .unsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: "
                    + PatchType.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", "))
        }
        guard type.isSupported else {
            throw .unsupportedMediaType(
                "server-side apply (\(type.rawValue)) is not implemented by kube-sim; use kubectl apply without "
                    + "--server-side")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(patch)
        } catch {
            throw .badRequest("error decoding patch: \(error)")
        }
        do throws(PatchError) {
            switch type {
            case .merge: return MergePatch.apply(document, to: object)
            case .json: return try JSONPatch.apply(document, to: object)
            case .strategicMerge: return try StrategicMergePatch.apply(document, to: object, schema: .workloads)
            case .apply: throw PatchError.invalidDocument(patchType: type.rawValue, reason: "not supported")
            }
        } catch {
            let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
            switch error {
            case .invalidDocument, .malformedOperation, .invalidPointer, .unknownPatchDirective,
                .invalidDirectiveValue, .unsupportedDirective:
                throw .badRequest("the patch is not valid: \(error)")
            default:
                throw .invalid(resource, name, "\(error)")
            }
        }
    }
}
