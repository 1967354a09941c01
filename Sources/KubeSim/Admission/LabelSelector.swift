public import Reloader

/// A `metav1.LabelSelector` (matchLabels + matchExpressions), as webhooks use for namespaceSelector and
/// objectSelector. An absent or empty selector matches everything (Kubernetes API conventions). Pure.
public struct LabelSelector: Sendable, Equatable {
    public enum Operator: String, Sendable { case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist" }

    public struct Requirement: Sendable, Equatable {
        public var key: String
        public var `operator`: Operator
        public var values: [String]
    }

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public static let everything = LabelSelector(matchLabels: [:], matchExpressions: [])

    public init(matchLabels: [String: String], matchExpressions: [Requirement]) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Reads a selector; nil (absent or null) is `everything`. A malformed selector is an error naming `path`.
    public init(_ json: JSONValue?, path: String) throws(WebhookConfigurationError) {
        guard let json, json != .null else {
            self = .everything
            return
        }
        guard case .object = json else { throw .invalid(path: path, reason: "expected an object") }
        var labels: [String: String] = [:]
        if let raw = json["matchLabels"], raw != .null {
            guard let map = raw.stringMapValue else {
                throw .invalid(path: "\(path).matchLabels", reason: "expected a map of strings")
            }
            labels = map
        }
        var requirements: [Requirement] = []
        for (index, expression) in (json["matchExpressions"]?.arrayValue ?? []).enumerated() {
            let here = "\(path).matchExpressions[\(index)]"
            guard let key = expression["key"]?.stringValue, !key.isEmpty else {
                throw .invalid(path: "\(here).key", reason: "is required")
            }
            guard let text = expression["operator"]?.stringValue, let op = Operator(rawValue: text) else {
                throw .invalid(path: "\(here).operator", reason: "must be In, NotIn, Exists or DoesNotExist")
            }
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            let needsValues = op == .in || op == .notIn
            if needsValues && values.isEmpty {
                throw .invalid(path: "\(here).values", reason: "must be non-empty for \(op.rawValue)")
            }
            if !needsValues && !values.isEmpty {
                throw .invalid(path: "\(here).values", reason: "must be empty for \(op.rawValue)")
            }
            requirements.append(Requirement(key: key, operator: op, values: values))
        }
        self.init(matchLabels: labels, matchExpressions: requirements)
    }

    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in matchExpressions {
            let value = labels[requirement.key]
            switch requirement.operator {
            case .in: if value.map(requirement.values.contains) != true { return false }
            case .notIn: if let value, requirement.values.contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            }
        }
        return true
    }
}
