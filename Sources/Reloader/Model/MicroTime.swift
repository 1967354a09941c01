public import Foundation

/// `metav1.MicroTime` text: RFC 3339 in UTC with exactly six fractional digits, e.g.
/// `2026-11-26T16:18:13.123456Z` (apimachinery's `RFC3339Micro`, the form a Lease's `acquireTime` and
/// `renewTime` take). Pure: the calendar arithmetic is done here, without a locale or a formatter.
public enum MicroTime {
    /// Formats `date` in UTC, rounded to the nearest microsecond.
    public static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = CivilCalendar.floorDivide(micros, 1_000_000)
        let fraction = Int(micros - seconds * 1_000_000)
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = CivilCalendar.date(fromDays: days)
        return "\(pad(Int(year), 4))-\(pad(Int(month), 2))-\(pad(Int(day), 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (any number of fractional digits, UTC only: what the API server
    /// writes); nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1.asciiValue }), let year = number(0..<4),
            let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        let rest = bytes[19..<(bytes.count - 1)]
        if !rest.isEmpty {
            // Digits past the ninth (nanoseconds) are checked but not read, so a long fraction cannot overflow.
            let count = min(rest.count - 1, 9)
            let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
            guard rest.first == UInt8(ascii: "."), count > 0, rest.dropFirst().allSatisfy(isDigit),
                let digits = number(20..<(20 + count))
            else { return nil }
            fraction = Double(digits) / pow(10, Double(count))
        }
        let days = CivilCalendar.days(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = Double(days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
        return Date(timeIntervalSince1970: seconds + fraction)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
