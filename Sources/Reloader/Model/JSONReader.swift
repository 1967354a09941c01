/// A forward-only JSON reader (RFC 8259) over a byte buffer, for the admission hot path: it materialises only the
/// fields a decoder asks for and skips everything else (managedFields, spec, status) without allocating, which is
/// several times faster than Codable over Foundation's JSONDecoder and bounds recursion itself (`maximumDepth`).
/// Pure and synchronous; one reader per decode. Strict: invalid JSON anywhere in the text, skipped parts included,
/// is an error with its byte offset.
struct JSONReader: ~Copyable {
    struct Failure: Error, Equatable {
        enum Kind: Equatable {
            /// Not JSON (syntax), at `offset`.
            case syntax
            /// JSON nested deeper than the limit.
            case tooDeep
        }
        var kind: Kind
        var message: String
        var offset: Int
    }

    /// The JSON types, as the next value's first byte tells them.
    enum ValueKind: Equatable {
        case object, array, string, number, bool, null
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var offset = 0
    private var depth = 0
    let maximumDepth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    // MARK: - Structure

    /// The kind of the next value (after whitespace), without consuming it.
    mutating func peekKind() throws(Failure) -> ValueKind {
        skipWhitespace()
        guard offset < bytes.count else { throw syntax("unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw syntax("invalid value")
        }
    }

    /// Consumes `null` if it is next; returns whether it was.
    mutating func consumeNull() throws(Failure) -> Bool {
        guard try peekKind() == .null else { return false }
        try literal("null")
        return true
    }

    /// Iterates an object's members: `member` gets each key and must consume exactly its value.
    mutating func readObject(_ member: (inout JSONReader, String) throws(Failure) -> Void) throws(Failure) {
        var more = try enterObject()
        while more {
            let key = try readKey()
            try member(&self, key)
            more = try leaveMember(closing: UInt8(ascii: "}"))
        }
    }

    /// Iterates an array's elements: `element` must consume exactly one value each time.
    mutating func readArray(_ element: (inout JSONReader) throws(Failure) -> Void) throws(Failure) {
        var more = try enterArray()
        while more {
            try element(&self)
            more = try leaveMember(closing: UInt8(ascii: "]"))
        }
    }

    /// Skips one value of any kind, validating it. Loops rather than closures: most of a review (managedFields,
    /// spec, status) goes through here, and a closure per member costs a runtime metadata look-up.
    mutating func skipValue() throws(Failure) {
        switch try peekKind() {
        case .object:
            var more = try enterObject()
            while more {
                try skipKey()
                try skipValue()
                more = try leaveMember(closing: UInt8(ascii: "}"))
            }
        case .array:
            var more = try enterArray()
            while more {
                try skipValue()
                more = try leaveMember(closing: UInt8(ascii: "]"))
            }
        case .string: try skipString()
        case .number: try skipNumber()
        case .bool: _ = try readBool()
        case .null: try literal("null")
        }
    }

    /// Skips one value like `skipValue` and returns the byte range it spans, for a decoder that learns only from a
    /// later member whether it needs the value (an object's `status`, wanted once `kind` says what the object is):
    /// `reader(over:)` reads it again then. Costs nothing more than the skip.
    mutating func skipValueReturningRange() throws(Failure) -> Range<Int> {
        _ = try peekKind()  // past any whitespace, so the range starts at the value itself
        let start = offset
        try skipValue()
        return start..<offset
    }

    /// A reader over `range` of the same bytes: a value this reader has already validated
    /// (`skipValueReturningRange`), so reading it again cannot fail on syntax or depth.
    func reader(over range: Range<Int>) -> JSONReader {
        JSONReader(UnsafeBufferPointer(rebasing: bytes[range]), maximumDepth: maximumDepth)
    }

    // MARK: - Members, one at a time

    /// Consumes `{`; returns whether a member follows (false: the object was empty and is closed).
    private mutating func enterObject() throws(Failure) -> Bool {
        try open(UInt8(ascii: "{"))
        return try !closeIfEmpty(UInt8(ascii: "}"))
    }

    /// Consumes `[`; returns whether an element follows.
    private mutating func enterArray() throws(Failure) -> Bool {
        try open(UInt8(ascii: "["))
        return try !closeIfEmpty(UInt8(ascii: "]"))
    }

    private mutating func closeIfEmpty(_ closer: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        guard peekByte() == closer else { return false }
        offset += 1
        depth -= 1
        return true
    }

    /// Reads a member's key and its colon.
    private mutating func readKey() throws(Failure) -> String {
        skipWhitespace()
        guard peekByte() == UInt8(ascii: "\"") else { throw syntax("expected a string key") }
        let key = try readString()
        try colon()
        return key
    }

    private mutating func skipKey() throws(Failure) {
        skipWhitespace()
        guard peekByte() == UInt8(ascii: "\"") else { throw syntax("expected a string key") }
        try skipString()
        try colon()
    }

    private mutating func colon() throws(Failure) {
        skipWhitespace()
        guard peekByte() == UInt8(ascii: ":") else { throw syntax("expected ':' after an object key") }
        offset += 1
    }

    /// After a member or element: `,` means another follows (true), the closer ends the container (false).
    private mutating func leaveMember(closing closer: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        if peekByte() == UInt8(ascii: ",") {
            offset += 1
            return true
        }
        guard peekByte() == closer else {
            throw syntax(
                closer == UInt8(ascii: "}") ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
        }
        offset += 1
        depth -= 1
        return false
    }

    /// After the top-level value: only whitespace may follow.
    mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        guard offset == bytes.count else { throw syntax("unexpected data after the JSON value") }
    }

    // MARK: - Scalars

    mutating func readBool() throws(Failure) -> Bool {
        skipWhitespace()
        if peekByte() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// Reads a string value, decoding escapes (including surrogate pairs) and validating UTF-8.
    mutating func readString() throws(Failure) -> String {
        skipWhitespace()
        guard peekByte() == UInt8(ascii: "\"") else { throw syntax("expected a string") }
        offset += 1
        let start = offset
        var isASCII = true
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                offset += 1
                // ASCII is valid UTF-8 as it stands; only other text needs the (slower) validation.
                if isASCII { return String(decoding: slice, as: UTF8.self) }
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw Failure(kind: .syntax, message: "invalid UTF-8 in a string", offset: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw syntax("unescaped control character in a string") }
            if byte >= 0x80 { isASCII = false }
            offset += 1
        }
        var decoded = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                guard let string = String(validating: decoded, as: UTF8.self) else {
                    throw Failure(kind: .syntax, message: "invalid UTF-8 in a string", offset: start)
                }
                return string
            case UInt8(ascii: "\\"):
                offset += 1
                guard offset < bytes.count else { break }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by an escaped low one (RFC 8259 §7).
                        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                            bytes[offset + 1] == UInt8(ascii: "u")
                        else { throw syntax("unpaired surrogate in a string") }
                        offset += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw syntax("unpaired surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw syntax("unpaired surrogate in a string")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw syntax("invalid \\u escape") }
                    decoded.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw syntax("invalid escape in a string")
                }
            default:
                if byte < 0x20 { throw syntax("unescaped control character in a string") }
                decoded.append(byte)
                offset += 1
            }
        }
        throw syntax("unterminated string")
    }

    // MARK: - Helpers

    private mutating func open(_ opener: UInt8) throws(Failure) {
        skipWhitespace()
        guard peekByte() == opener else {
            throw syntax(opener == UInt8(ascii: "{") ? "expected an object" : "expected an array")
        }
        depth += 1
        guard depth <= maximumDepth else {
            throw Failure(kind: .tooDeep, message: "nested more than \(maximumDepth) levels", offset: offset)
        }
        offset += 1
    }

    private mutating func skipString() throws(Failure) {
        offset += 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                offset += 1
                guard offset < bytes.count else { break }
                let escape = bytes[offset]
                if escape == UInt8(ascii: "u") {
                    offset += 1
                    let scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                            bytes[offset + 1] == UInt8(ascii: "u")
                        else { throw syntax("unpaired surrogate in a string") }
                        offset += 2
                        guard (0xDC00...0xDFFF).contains(try hex4()) else {
                            throw syntax("unpaired surrogate in a string")
                        }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw syntax("unpaired surrogate in a string")
                    }
                    continue
                }
                guard "\"\\/bfnrt".utf8.contains(escape) else { throw syntax("invalid escape in a string") }
            } else if byte < 0x20 {
                throw syntax("unescaped control character in a string")
            }
            offset += 1
        }
        throw syntax("unterminated string")
    }

    /// Reads a number and returns its text as written.
    mutating func readNumberText() throws(Failure) -> String {
        skipWhitespace()
        let start = offset
        try skipNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func skipNumber() throws(Failure) {
        if peekByte() == UInt8(ascii: "-") { offset += 1 }
        guard let first = peekByte(), isDigit(first) else { throw syntax("invalid number") }
        offset += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peekByte() == UInt8(ascii: ".") {
            offset += 1
            guard let digit = peekByte(), isDigit(digit) else { throw syntax("invalid number") }
            skipDigits()
        }
        if let e = peekByte(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            offset += 1
            if let sign = peekByte(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { offset += 1 }
            guard let digit = peekByte(), isDigit(digit) else { throw syntax("invalid number") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw syntax("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw syntax("invalid \\u escape")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        skipWhitespace()
        let length = word.utf8CodeUnitCount
        guard offset + length <= bytes.count else { throw syntax("invalid literal") }
        let matches = word.withUTF8Buffer { expected in
            (0..<length).allSatisfy { bytes[offset + $0] == expected[$0] }
        }
        guard matches else { throw syntax("invalid literal") }
        offset += length
    }

    private func peekByte() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private func syntax(_ message: String) -> Failure {
        Failure(kind: .syntax, message: message, offset: offset)
    }
}
