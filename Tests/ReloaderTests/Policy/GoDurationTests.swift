import Testing

@testable import Reloader

@Suite struct GoDurationTests {
    @Test(
        "Go duration strings parse as time.ParseDuration does",
        arguments: [
            ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)),
            ("1.5s", .milliseconds(1500)),
            ("0", .zero), ("250ms", .milliseconds(250)), ("10us", .microseconds(10)), ("2h45m10s", .seconds(9910)),
            ("-1s", .seconds(-1)),
        ])
    func parses(text: String, expected: Duration) throws {
        #expect(try GoDuration.parse(text) == expected)
    }

    @Test("malformed durations are refused", arguments: ["", "s", "10", "10x", "1..5s", "abc", "5 m", "-"])
    func refuses(text: String) {
        #expect(throws: GoDuration.ParseError.self) { try GoDuration.parse(text) }
    }
}
