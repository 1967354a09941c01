/// A Kubernetes label selector in its string form (`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`,
/// `!k`; requirements separated by commas and ANDed), plus Reloader's legacy entry forms `k:v` and `k:*` / `k=*`
/// (contract §7.1, Reloader's `GetResourceLabelSelector`). Used for `--namespace-selector` and
/// `--resource-label-selector`, whose entries are ANDed. A pure value.
public struct LabelSelector: Sendable, Hashable {
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
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
        let rewritten = entries.filter { !$0.trimmingSpaces.isEmpty }.map(Self.legacyRewritten)
        requirements = rewritten.isEmpty ? [] : try Self.parse(rewritten.joined(separator: ","))
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

    static func parse(_ text: String) throws(ParseError) -> [Requirement] {
        var requirements: [Requirement] = []
        for clause in splitTopLevel(text) {
            let clause = clause.trimmingSpaces
            guard !clause.isEmpty else { throw ParseError(selector: text, reason: "empty requirement") }
            requirements.append(try requirement(clause, in: text))
        }
        return requirements
    }

    private static func requirement(_ clause: String, in text: String) throws(ParseError) -> Requirement {
        func key(_ raw: Substring) throws(ParseError) -> String {
            let key = String(raw).trimmingSpaces
            guard !key.isEmpty, key.allSatisfy(isLabelCharacter) else {
                throw ParseError(selector: text, reason: "invalid key \"\(key)\"")
            }
            return key
        }
        func value(_ raw: Substring) throws(ParseError) -> String {
            let value = String(raw).trimmingSpaces
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
        for (word, isIn) in [(" notin ", false), (" in ", true)] {
            guard let range = clause.range(of: word) else { continue }
            let list = clause[range.upperBound...].trimmingSpaces
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

    /// Splits on commas outside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                parts.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    private static func isLabelCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_./".contains(character))
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}
