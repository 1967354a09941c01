public import Reloader

/// A stand-in `PatchApplier` until the patch algorithms of `Patch/` are merged: JSON merge patch (RFC 7386) only;
/// JSON patch and strategic merge patch answer 415 "not yet". Replaced at merge time.
public struct InterimPatchApplier: PatchApplier {
    public init() {}

    public func apply(
        patch: [UInt8], contentType: String, to object: JSONValue, resource: ResourceType
    ) throws(APIError) -> JSONValue {
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
        guard mediaType == "application/merge-patch+json" else {
            throw .unsupportedMediaType(
                "the patch type \(mediaType) is not supported yet by kube-sim's interim patch applier; "
                    + "only application/merge-patch+json is")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(patch)
        } catch {
            throw .badRequest("error decoding patch: \(error)")
        }
        return Self.mergePatch(document, to: object)
    }

    /// RFC 7386 §2.
    static func mergePatch(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let members) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in members {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = mergePatch(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
