/// Go's duration syntax (`time.ParseDuration`), which Reloader's flags and annotations use: a sequence of
/// decimal numbers with units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`, e.g. `30s`, `1h30m`, `1.5s`; `0` alone is
/// allowed; a leading sign is allowed (negative durations are left for callers to refuse). Pure.
public enum GoDuration {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String { "invalid duration \"\(text)\" (expected Go syntax such as 30s, 5m, 1h30m)" }
    }

    public static func parse(_ text: String) throws(ParseError) -> Duration {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        guard !rest.isEmpty else { throw ParseError(text: text) }
        var totalNanoseconds: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
                let value = Double(number)
            else { throw ParseError(text: text) }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix(while: { !($0.isASCII && ($0.isNumber || $0 == ".")) })
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: throw ParseError(text: text)
            }
            totalNanoseconds += value * scale
        }
        guard totalNanoseconds <= Double(Int64.max) else { throw ParseError(text: text) }
        let duration = Duration.nanoseconds(Int64(totalNanoseconds.rounded()))
        return negative ? .zero - duration : duration
    }
}
