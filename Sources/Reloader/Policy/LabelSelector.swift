/// A Kubernetes label selector in its string form (`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`,
/// `!k`; requirements separated by commas and ANDed), plus Reloader's legacy entry forms `k:v` and `k:*` / `k=*`
/// (contract §7.1, Reloader's `GetResourceLabelSelector`). Used for `--namespace-selector` and
/// `--resource-label-selector`, whose entries are ANDed. Normalising and checking the syntax is
/// `LabelSelectorSyntax`'s (the flag layer validates with it too, so whatever a flag accepts can be matched);
/// this type turns the checked requirements into matchers. A pure value.
public struct LabelSelector: Sendable, Hashable {
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
        /// `k>n` / `k<n`: the label must be an integer greater / less than n (apimachinery's Gt and Lt).
        case greaterThan(String, Int)
        case lessThan(String, Int)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            case .greaterThan(let key, let bound): labels[key].flatMap { Int($0) }.map { $0 > bound } ?? false
            case .lessThan(let key, let bound): labels[key].flatMap { Int($0) }.map { $0 < bound } ?? false
            }
        }
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var selector: String
        public var reason: String
        public var description: String { "invalid label selector \"\(selector)\": \(reason)" }
    }

    public var requirements: [Requirement]

    /// An empty selector matches everything.
    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    /// Parses flag entries (each may be a legacy `k:v`/`k:*` or a selector string); all requirements are ANDed.
    /// As Reloader does, each entry is rewritten, then the entries are joined with commas and parsed as one
    /// selector, so `k in (a,b)` that the list flag split at its comma is whole again.
    public init(entries: [String]) throws(ParseError) {
        let clauses: [String]
        do {
            clauses = try LabelSelectorSyntax.requirements(from: entries)
        } catch {
            throw ParseError(selector: error.requirement, reason: error.reason)
        }
        var requirements: [Requirement] = []
        for clause in clauses { requirements.append(try Self.requirement(clause, in: clause)) }
        self.requirements = requirements
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// Reloader's rewrite: `k:*` → `k`, `k:v` → `k=v`, `k=*` → `k` (only the first two `:`/`=` parts count).
    static func legacyRewritten(_ entry: String) -> String {
        var entry = entry
        if entry.contains(":") {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            entry = parts[1] == "*" ? String(parts[0]) : "\(parts[0])=\(parts[1])"
        }
        if entry.contains("=") && !entry.contains("!=") && !entry.contains("==") {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
            if parts[1] == "*" { entry = String(parts[0]) }
        }
        return entry
    }

    private static func requirement(_ clause: String, in text: String) throws(ParseError) -> Requirement {
        func key(_ raw: Substring) throws(ParseError) -> String {
            let key = String(raw).trimmingASCIIWhitespace()
            guard !key.isEmpty, key.allSatisfy(isLabelCharacter) else {
                throw ParseError(selector: text, reason: "invalid key \"\(key)\"")
            }
            return key
        }
        func value(_ raw: Substring) throws(ParseError) -> String {
            let value = String(raw).trimmingASCIIWhitespace()
            guard value.allSatisfy(isLabelCharacter) else {
                throw ParseError(selector: text, reason: "invalid value \"\(value)\"")
            }
            return value
        }
        if clause.hasPrefix("!") { return .doesNotExist(try key(clause.dropFirst())) }
        if let range = clause.range(of: "!=") {
            return .notEquals(try key(clause[..<range.lowerBound]), try value(clause[range.upperBound...]))
        }
        if let range = clause.range(of: "==") {
            return .equals(try key(clause[..<range.lowerBound]), try value(clause[range.upperBound...]))
        }
        if let range = clause.range(of: "=") {
            return .equals(try key(clause[..<range.lowerBound]), try value(clause[range.upperBound...]))
        }
        for (symbol, isGreater) in [(">", true), ("<", false)] {
            guard let range = clause.range(of: symbol) else { continue }
            guard let bound = Int(clause[range.upperBound...].trimmingASCIIWhitespace()) else {
                throw ParseError(selector: text, reason: "\(symbol) needs an integer")
            }
            let name = try key(clause[..<range.lowerBound])
            return isGreater ? .greaterThan(name, bound) : .lessThan(name, bound)
        }
        for (word, isIn) in [(" notin ", false), (" in ", true)] {
            guard let range = clause.range(of: word) else { continue }
            let list = clause[range.upperBound...].trimmingASCIIWhitespace()
            guard list.hasPrefix("("), list.hasSuffix(")") else {
                throw ParseError(selector: text, reason: "expected a parenthesised list in \"\(clause)\"")
            }
            var values: Set<String> = []
            for item in list.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
                values.insert(try value(item))
            }
            let name = try key(clause[..<range.lowerBound])
            return isIn ? .isIn(name, values) : .notIn(name, values)
        }
        return .exists(try key(Substring(clause)))
    }

    private static func isLabelCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_./".contains(character))
    }
}
