import WebhookServer

/// `AdmissionReview.response`: our answer to one request. reloader never denies a write, so `allowed` is true
/// unless a caller says otherwise. Encoded by hand: the shape is fixed and small, and this runs once per write.
public struct AdmissionResponse: Sendable, Equatable {
    /// Must equal `request.uid`; kube-apiserver discards an answer with another uid.
    public var uid: String
    public var allowed: Bool
    /// Shown to the client (kubectl prints them); omitted when empty.
    public var warnings: [String]
    /// Recorded in the audit log under `<webhook name>/<key>`; omitted when empty.
    public var auditAnnotations: [String: String]

    public init(uid: String, allowed: Bool = true, warnings: [String] = [], auditAnnotations: [String: String] = [:]) {
        self.uid = uid
        self.allowed = allowed
        self.warnings = warnings
        self.auditAnnotations = auditAnnotations
    }

    /// The whole review, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{…}}`, as UTF-8.
    public func encodedReview() -> [UInt8] {
        var json = "{\"apiVersion\":\"\(AdmissionReview.apiVersion)\",\"kind\":\"\(AdmissionReview.kind)\","
        json += "\"response\":{\"uid\":\(JSONString.quote(uid)),\"allowed\":\(allowed)"
        if !warnings.isEmpty {
            json += ",\"warnings\":[" + warnings.map(JSONString.quote).joined(separator: ",") + "]"
        }
        if !auditAnnotations.isEmpty {
            // Sorted so the same answer always has the same bytes.
            let members = auditAnnotations.sorted { $0.key < $1.key }.map {
                "\(JSONString.quote($0.key)):\(JSONString.quote($0.value))"
            }
            json += ",\"auditAnnotations\":{" + members.joined(separator: ",") + "}"
        }
        json += "}}"
        return Array(json.utf8)
    }
}
