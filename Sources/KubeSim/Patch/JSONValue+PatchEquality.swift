import Reloader

/// The equality JSON Patch's `test` uses (RFC 6902 §4.6). `JSONValue`'s own `==` compares number text, which
/// keeps round trips byte-exact but would call `1` and `1.0` different; §4.6 says numbers are equal "if their
/// values are numerically equal". Pure.
extension JSONValue {
    func isEqualForPatchTest(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.number(let left), .number(let right)):
            return left == right || CanonicalNumber(left) == CanonicalNumber(right)
        case (.array(let left), .array(let right)):
            // §4.6 "arrays: are considered equal if they contain the same number of values, and if each value
            // can be considered equal to the value at the corresponding position in the other array".
            return left.count == right.count && zip(left, right).allSatisfy { $0.isEqualForPatchTest(to: $1) }
        case (.object(let left), .object(let right)):
            // §4.6 "objects: ... contain the same number of members, and if each member can be considered equal
            // to a member in the other object, by comparing their keys (as strings) and their values".
            return left.count == right.count
                && left.allSatisfy { key, value in right[key].map { value.isEqualForPatchTest(to: $0) } ?? false }
        default:
            return self == other
        }
    }
}

/// A JSON number's exact value as sign, significant digits and a power of ten, so that equal values compare
/// equal however they are written (`100`, `1e2`, `1.00E+2`) without the rounding a `Double` would bring to
/// large integers.
private struct CanonicalNumber: Equatable {
    var isNegative = false
    var digits: [UInt8] = []
    var exponent = 0

    /// Nil when `text` is not a JSON number (RFC 8259 §6); the parser never produces one.
    init?(_ text: String) {
        var bytes = text.utf8[...]
        if bytes.first == UInt8(ascii: "-") {
            isNegative = true
            bytes.removeFirst()
        }
        var sawPoint = false
        var fractionDigits = 0
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes.removeFirst()
            if byte == UInt8(ascii: ".") {
                guard !sawPoint else { return nil }
                sawPoint = true
            } else if byte >= 0x30 && byte <= 0x39 {
                digits.append(byte - 0x30)
                if sawPoint { fractionDigits += 1 }
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        var explicitExponent = 0
        if !bytes.isEmpty {
            bytes.removeFirst()
            guard let value = Int(String(decoding: bytes, as: UTF8.self)) else { return nil }
            explicitExponent = value
        }
        exponent = explicitExponent - fractionDigits
        while digits.first == 0 { digits.removeFirst() }
        while digits.last == 0 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty {  // zero: -0 equals 0, and every exponent of zero is the same value
            isNegative = false
            exponent = 0
        }
    }
}
