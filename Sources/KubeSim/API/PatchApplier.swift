public import Reloader

/// Applies the body of a PATCH to the stored object. The seam between the API layer and the patch algorithms:
/// `contentType` is the request's Content-Type (merge, JSON or strategic-merge patch). Thread-safe.
public protocol PatchApplier: Sendable {
    func apply(
        patch: [UInt8], contentType: String, to object: JSONValue, resource: ResourceType
    ) throws(APIError) -> JSONValue
}
