/// A parsed JSON Pointer (RFC 6901): the reference tokens of a JSON Patch `path` or `from`, already unescaped.
/// Built by `JSONPatch` for each operation. A pure value.
struct JSONPointer: Equatable, CustomStringConvertible {
    /// Why a pointer's text is not a JSON Pointer.
    struct SyntaxError: Error, Equatable {
        let reason: String
    }

    /// The original text, kept for error messages.
    let text: String
    /// The unescaped reference tokens; empty for the whole document.
    let tokens: [String]

    /// Parses `json-pointer = *( "/" reference-token )` (RFC 6901 §3).
    init(_ text: String) throws(SyntaxError) {
        self.text = text
        guard !text.isEmpty else {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { throw SyntaxError(reason: "must be empty or start with \"/\"") }
        var parsed: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            parsed.append(try Self.unescape(raw))
        }
        tokens = parsed
    }

    var description: String { text }

    /// Whether this pointer names a location strictly inside the one `other` names (RFC 6902 §4.4's
    /// "proper prefix" test, done on tokens so that `/a` is not a prefix of `/ab`).
    func isProperDescendant(of other: JSONPointer) -> Bool {
        tokens.count > other.tokens.count && Array(tokens.prefix(other.tokens.count)) == other.tokens
    }

    /// RFC 6901 §4: "first transforming any occurrence of the sequence '~1' to '/', and then transforming any
    /// occurrence of the sequence '~0' to '~'" — done in one left-to-right pass, which is equivalent and
    /// keeps `~01` as `~1` rather than `/`. A `~` followed by anything else is not in the §3 grammar.
    private static func unescape(_ raw: Substring) throws(SyntaxError) -> String {
        guard raw.contains("~") else { return String(raw) }
        var result = ""
        var iterator = raw.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            default: throw SyntaxError(reason: "\"~\" must be followed by \"0\" or \"1\"")
            }
        }
        return result
    }

    /// RFC 6901 §4: `array-index = %x30 / ( %x31-39 *(%x30-39) )` — decimal digits without leading zeros.
    /// Returns nil for anything else, including `-` and values too large for `Int`.
    static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if first == 0x30 && token.utf8.count > 1 { return nil }
        return Int(token)
    }
}
