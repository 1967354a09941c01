import Testing

@testable import Reloader

@Suite("JSON nesting pre-scan")
struct JSONNestingTests {
    @Test(
        "depth is counted outside strings only",
        arguments: [
            (#"{"a":[{"b":1}]}"#, 3, false),
            (#"{"a":[{"b":1}]}"#, 2, true),
            (#"[[[]]]"#, 3, false),
            (#"[[[[]]]]"#, 3, true),
            (#"{"s":"[[[[[[{{{{"}"#, 1, false),  // brackets inside a string
            (#"{"s":"\"[[[[[[\\"}"#, 1, false),  // escaped quote and backslash stay inside the string
            (#"{"s":"\\"}[[["#, 3, false),  // the string ends after an escaped backslash
            (#"{"s":"\\"}[[[["#, 3, true),
            (#"]]]]][[["#, 3, false),  // stray closers earn no credit
            (#"]]]]][[[["#, 3, true),
            ("", 0, false),
        ])
    func depth(json: String, limit: Int, exceeds: Bool) {
        #expect(JSONNesting.depth(of: Array(json.utf8), exceeds: limit) == exceeds)
    }

    @Test("every fixture is within the limit")
    func fixturesPass() throws {
        for name in FixtureFiles.admissionReviews {
            #expect(!JSONNesting.depth(of: try FixtureFiles.bytes(name), exceeds: AdmissionReview.maximumNestingDepth))
        }
    }
}
