/// A linear pre-scan for how deeply a JSON text nests. Foundation's parser recurses once per level (swift-foundation
/// stops at 512 levels, other implementations may not), and Codable decoding recurses again, on whatever thread
/// runs the handler. Counting brackets outside strings first bounds both, costs one pass over the bytes, and
/// gives a clear reason instead of a generic parse error. Pure; works on malformed input too.
enum JSONNesting {
    /// True when `bytes` opens more than `limit` arrays or objects inside one another.
    static func depth(of bytes: [UInt8], exceeds limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                // Unbalanced closers are the parser's to reject; never let them earn credit for later openers.
                depth = max(0, depth - 1)
            default:
                break
            }
        }
        return false
    }
}
