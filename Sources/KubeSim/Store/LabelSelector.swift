public import Reloader

/// kube-sim's `labelSelector` queries use reloader's label selector (one parser in the project): requirements
/// ANDed, as k8s.io/apimachinery/pkg/labels parses them (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`,
/// `a`, `!a`, `a>1`, `a<1`). It also reads Reloader's legacy `a:b` flag form, which kube-apiserver would refuse
/// in a query; harmless in a simulator.
public typealias LabelSelector = Reloader.LabelSelector

extension LabelSelector {
    /// Parses a `labelSelector` query value; an empty string selects everything.
    public init(parsing text: String) throws(APIError) {
        do {
            try self.init(entries: [text])
        } catch {
            throw .badRequest("unable to parse requirement: \(error)")
        }
    }
}

/// A parsed `fieldSelector`: `path=value`, `path==value`, `path!=value`, ANDed. Any dotted path is looked up in
/// the object (kube-apiserver allows only a few per kind; `metadata.name` and `metadata.namespace` are the ones
/// clients use). A missing field reads as "". A pure value.
public struct FieldSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        public var path: [String]
        public var value: String
        public var isNegated: Bool
    }

    public var requirements: [Requirement]

    public init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for term in text.split(separator: ",") {
            let term = String(term).trimmingSpaces
            if term.isEmpty { continue }
            let found =
                term.range(of: "!=").map { ($0, true) } ?? term.range(of: "==").map { ($0, false) }
                ?? term.range(of: "=").map { ($0, false) }
            guard let (range, isNegated) = found else {
                throw .badRequest("invalid field selector: '\(term)': expected an operator (=, ==, !=)")
            }
            let path = String(term[..<range.lowerBound]).trimmingSpaces
            guard !path.isEmpty else { throw .badRequest("invalid field selector: '\(term)': empty field") }
            requirements.append(
                Requirement(
                    path: path.split(separator: ".").map(String.init),
                    value: String(term[range.upperBound...]).trimmingSpaces, isNegated: isNegated))
        }
        self.requirements = requirements
    }

    public func matches(_ object: Reloader.JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let actual: String
            switch object[at: requirement.path] {
            case .string(let text)?: actual = text
            case .number(let text)?: actual = text
            case .bool(let flag)?: actual = flag ? "true" : "false"
            default: actual = ""
            }
            return (actual == requirement.value) != requirement.isNegated
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
