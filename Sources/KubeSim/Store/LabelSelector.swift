public import Reloader

/// A parsed `labelSelector` query: requirements ANDed, as k8s.io/apimachinery/pkg/labels parses them
/// (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`). A pure value.
public struct LabelSelector: Sendable, Equatable {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
        case greaterThan(String, Int)
        case lessThan(String, Int)
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement]) { self.requirements = requirements }

    /// Parses the selector; an empty string selects everything.
    public init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for term in Self.splitTerms(text) {
            let term = term.trimmingSpaces
            if term.isEmpty { continue }
            requirements.append(try Self.requirement(term, in: text))
        }
        self.requirements = requirements
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .in(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            case .greaterThan(let key, let bound): labels[key].flatMap { Int($0) }.map { $0 > bound } ?? false
            case .lessThan(let key, let bound): labels[key].flatMap { Int($0) }.map { $0 < bound } ?? false
            }
        }
    }

    /// Splits on commas outside parentheses.
    static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    private static func requirement(_ term: String, in text: String) throws(APIError) -> Requirement {
        func invalid(_ why: String) -> APIError {
            .badRequest("unable to parse requirement: \(why) in label selector \"\(text)\"")
        }
        func checkedKey(_ key: Substring) throws(APIError) -> String {
            let key = String(key).trimmingSpaces
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) else {
                throw invalid("invalid label key \"\(key)\"")
            }
            return key
        }
        if term.hasPrefix("!") { return .doesNotExist(try checkedKey(term.dropFirst())) }
        if let open = term.firstIndex(of: "(") {
            guard term.hasSuffix(")") else { throw invalid("missing ')'") }
            let values = Set(
                term[term.index(after: open)..<term.index(before: term.endIndex)].split(separator: ",")
                    .map { String($0).trimmingSpaces })
            let head = String(term[..<open]).trimmingSpaces
            if head.hasSuffix(" notin") { return .notIn(try checkedKey(head.dropLast(6)), values) }
            if head.hasSuffix(" in") { return .in(try checkedKey(head.dropLast(3)), values) }
            throw invalid("expected 'in' or 'notin' before '('")
        }
        for (op, make) in [
            ("!=", { (key: String, value: String) in Requirement.notEquals(key, value) }),
            ("==", { Requirement.equals($0, $1) }), ("=", { Requirement.equals($0, $1) }),
        ] {
            if let range = term.range(of: op) {
                return make(try checkedKey(term[..<range.lowerBound]), String(term[range.upperBound...]).trimmingSpaces)
            }
        }
        for op in [">", "<"] {
            if let range = term.range(of: op) {
                let key = try checkedKey(term[..<range.lowerBound])
                guard let bound = Int(String(term[range.upperBound...]).trimmingSpaces) else {
                    throw invalid("'\(op)' needs an integer")
                }
                return op == ">" ? .greaterThan(key, bound) : .lessThan(key, bound)
            }
        }
        return .exists(try checkedKey(Substring(term)))
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
