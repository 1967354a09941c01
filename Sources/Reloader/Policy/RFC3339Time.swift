/// RFC 3339 timestamps as Kubernetes writes them (`2025-11-26T12:26:40Z`), to and from Unix seconds, without a
/// Foundation formatter so Policy stays free of locale and time-zone state. Pure.
enum RFC3339Time {
    /// UTC with seconds, e.g. `2025-11-26T12:26:40Z` (Argo's `restartAt`, the pause period's `paused-at`).
    static func format(unixSeconds: Int64) -> String {
        let days = CivilCalendar.floorDivide(unixSeconds, 86_400)
        let secondsOfDay = unixSeconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(secondsOfDay / 3600)):\(two(secondsOfDay % 3600 / 60)):\(two(secondsOfDay % 60))"
        return "\(year)-\(two(month))-\(two(day))T\(time)Z"
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339 §5.6; `t`/`z` in either case), the fraction
    /// dropped. Reloader writes Go's `time.RFC3339`, which carries the local offset, so offsets are honoured.
    /// nil for anything else.
    static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ width: Int) -> Int64? {
            guard position + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[position..<position + width] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            position += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        if expect(".") {
            let start = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            guard position > start else { return nil }
        }
        var offset: Int64 = 0
        if !expect("Zz") {
            guard position < bytes.count else { return nil }
            let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let offsetHours = number(2), expect(":"), let offsetMinutes = number(2),
                offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard position == bytes.count else { return nil }
        return CivilCalendar.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            - offset
    }
}
