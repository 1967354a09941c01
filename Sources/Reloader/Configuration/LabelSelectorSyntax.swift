/// A syntax check for the label selectors of `--namespace-selector` and `--resource-label-selector`, and the
/// normalisation Reloader applies first (`pkg/common` `GetNamespaceLabelSelector`): an entry `k:v` means `k=v`,
/// `k:*` and `k=*` mean "has the label `k`". Reloader then joins the entries with commas and parses the result
/// with apimachinery's `labels.Parse`, so `k in (a,b)` split by the list flag's comma splitting is whole again.
/// This does the same join and splits at top-level commas, giving one requirement per entry (ANDed).
/// It checks structure, keys and values (Kubernetes label syntax); matching belongs to the reload engine. Pure.
public enum LabelSelectorSyntax {
    public struct SyntaxError: Error, Equatable {
        public let requirement: String
        public let reason: String
    }

    /// The requirements, trimmed and normalised, in order.
    public static func requirements(from entries: [String]) throws(SyntaxError) -> [String] {
        let converted = entries.map(convertLegacy)
        var requirements: [String] = []
        var current = ""
        var depth = 0
        for character in converted.joined(separator: ",") {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            default: break
            }
            if character == ",", depth == 0 {
                requirements.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        requirements.append(current)
        let trimmed = requirements.map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
        for requirement in trimmed { try check(requirement) }
        return trimmed
    }

    private static func convertLegacy(_ entry: String) -> String {
        let trimmed = entry.trimmingASCIIWhitespace()
        if trimmed.contains(":"), !trimmed.contains("="), !trimmed.contains("(") {
            let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).trimmingASCIIWhitespace()
            let value = String(parts[1]).trimmingASCIIWhitespace()
            return value == "*" ? key : "\(key)=\(value)"
        }
        if trimmed.hasSuffix("=*"), !trimmed.hasSuffix("!=*"), !trimmed.hasSuffix("==*") {
            return String(trimmed.dropLast(2)).trimmingASCIIWhitespace()
        }
        return trimmed
    }

    private static func check(_ requirement: String) throws(SyntaxError) {
        func fail(_ reason: String) -> SyntaxError { SyntaxError(requirement: requirement, reason: reason) }
        if requirement.hasPrefix("!") {
            let key = requirement.dropFirst().trimmingASCIIWhitespace()
            if let reason = keyProblem(key) { throw fail(reason) }
            return
        }
        for symbol in ["!=", "==", "=", ">", "<"] {
            guard let range = requirement.range(of: symbol) else { continue }
            let key = requirement[..<range.lowerBound].trimmingASCIIWhitespace()
            let value = requirement[range.upperBound...].trimmingASCIIWhitespace()
            if let reason = keyProblem(key) { throw fail(reason) }
            if symbol == ">" || symbol == "<" {
                guard Int(value) != nil else { throw fail("\(symbol) needs an integer") }
            } else if let reason = valueProblem(value) {
                throw fail(reason)
            }
            return
        }
        if let open = requirement.firstIndex(of: "(") {
            guard requirement.last == ")" else { throw fail("a value set must end with ')'") }
            let head = requirement[..<open].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard head.count == 2, head[1] == "in" || head[1] == "notin" else {
                throw fail("expected 'key in (values)' or 'key notin (values)'")
            }
            if let reason = keyProblem(String(head[0])) { throw fail(reason) }
            let inner = requirement[requirement.index(after: open)..<requirement.index(before: requirement.endIndex)]
            guard !inner.contains("("), !inner.contains(")") else { throw fail("nested parentheses") }
            let values = inner.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0).trimmingASCIIWhitespace()
            }
            guard !(values.count == 1 && values[0].isEmpty) else { throw fail("an empty value set") }
            for value in values {
                if let reason = valueProblem(value) { throw fail(reason) }
            }
            return
        }
        if requirement.contains(")") { throw fail("unbalanced ')'") }
        if let reason = keyProblem(requirement) { throw fail(reason) }
    }

    /// A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
    static func keyProblem(_ key: String) -> String? {
        guard !key.isEmpty else { return "a label key is empty" }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "label key '\(key)' has more than one '/'" }
        if parts.count == 2 {
            let prefix = parts[0]
            guard !prefix.isEmpty, prefix.count <= 253,
                prefix.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }),
                prefix.first?.isLetterOrDigit == true, prefix.last?.isLetterOrDigit == true
            else { return "label key prefix '\(prefix)' is not a DNS subdomain" }
        }
        let name = String(parts[parts.count - 1])
        guard !name.isEmpty, isLabelWord(name) else {
            return "label key '\(key)' must be at most 63 letters, digits, '-', '_' or '.', starting and ending "
                + "with a letter or digit"
        }
        return nil
    }

    /// A label value: empty, or like a key's name.
    static func valueProblem(_ value: String) -> String? {
        guard value.isEmpty || isLabelWord(value) else {
            return "label value '\(value)' must be at most 63 letters, digits, '-', '_' or '.', starting and "
                + "ending with a letter or digit"
        }
        return nil
    }

    private static func isLabelWord(_ word: String) -> Bool {
        word.count <= 63
            && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
            && word.first?.isLetterOrDigit == true && word.last?.isLetterOrDigit == true
    }
}

extension Character {
    fileprivate var isLetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
