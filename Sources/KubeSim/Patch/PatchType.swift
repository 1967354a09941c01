/// The PATCH body formats, told apart by `Content-Type` as kube-apiserver does (`k8s.io/apimachinery`
/// `types.PatchType`). Server-side apply is recognised so kube-sim can answer 415 with a reason instead of
/// treating it as an unknown media type. A pure value.
public enum PatchType: String, Sendable, CaseIterable {
    /// RFC 7386 JSON Merge Patch.
    case merge = "application/merge-patch+json"
    /// RFC 6902 JSON Patch.
    case json = "application/json-patch+json"
    /// Kubernetes strategic merge patch (`kubectl patch` default, `kubectl apply` client-side).
    case strategicMerge = "application/strategic-merge-patch+json"
    /// Server-side apply; not implemented by kube-sim.
    case apply = "application/apply-patch+yaml"

    /// Reads a `Content-Type` header value. Media types are case-insensitive and parameters after `;` (such as
    /// `charset=utf-8`) do not change the format (RFC 9110 §8.3.1).
    public init?(contentType: String) {
        var mediaType = contentType.prefix { $0 != ";" }
        while mediaType.first == " " || mediaType.first == "\t" { mediaType.removeFirst() }
        while mediaType.last == " " || mediaType.last == "\t" { mediaType.removeLast() }
        self.init(rawValue: mediaType.lowercased())
    }

    /// Whether kube-sim can apply patches of this type.
    public var isSupported: Bool { self != .apply }
}
