public import Reloader

/// The `metav1.LabelSelector` object form (matchLabels + matchExpressions) that webhooks use for
/// namespaceSelector and objectSelector, read into the same requirements as the `labelSelector` query string.
/// An absent, null or empty selector matches everything (Kubernetes API conventions). Pure.
extension LabelSelector {
    public static let everything = LabelSelector(requirements: [])

    /// Reads a selector object; a malformed one is an error naming `path`.
    public init(_ json: JSONValue?, path: String) throws(WebhookConfigurationError) {
        guard let json, json != .null else {
            self = .everything
            return
        }
        guard case .object = json else { throw .invalid(path: path, reason: "expected an object") }
        var requirements: [Requirement] = []
        if let raw = json["matchLabels"], raw != .null {
            guard let map = raw.stringMapValue else {
                throw .invalid(path: "\(path).matchLabels", reason: "expected a map of strings")
            }
            requirements += map.sorted { $0.key < $1.key }.map { .equals($0.key, $0.value) }
        }
        for (index, expression) in (json["matchExpressions"]?.arrayValue ?? []).enumerated() {
            let here = "\(path).matchExpressions[\(index)]"
            guard let key = expression["key"]?.stringValue, !key.isEmpty else {
                throw .invalid(path: "\(here).key", reason: "is required")
            }
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            let op = expression["operator"]?.stringValue ?? ""
            let needsValues = op == "In" || op == "NotIn"
            guard ["In", "NotIn", "Exists", "DoesNotExist"].contains(op) else {
                throw .invalid(path: "\(here).operator", reason: "must be In, NotIn, Exists or DoesNotExist")
            }
            if needsValues && values.isEmpty {
                throw .invalid(path: "\(here).values", reason: "must be non-empty for \(op)")
            }
            if !needsValues && !values.isEmpty {
                throw .invalid(path: "\(here).values", reason: "must be empty for \(op)")
            }
            switch op {
            case "In": requirements.append(.isIn(key, Set(values)))
            case "NotIn": requirements.append(.notIn(key, Set(values)))
            case "Exists": requirements.append(.exists(key))
            default: requirements.append(.doesNotExist(key))
            }
        }
        self.init(requirements: requirements)
    }
}
