import KubeSim
import Reloader
import Testing

/// RFC 7386 Appendix A, every row: original, patch, result.
@Test(
    "merge patch gives the results of RFC 7386 Appendix A",
    arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
func mergePatchAppendixA(original: String, patch: String, result: String) throws {
    let merged = MergePatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(original))
    #expect(merged == (try JSONValue.parse(result)))
}

@Test("merge patch gives the result of the RFC 7386 §3 example")
func mergePatchSectionThreeExample() throws {
    let original = #"""
        {"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],
         "content":"This will be unchanged"}
        """#
    let patch = #"""
        {"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}
        """#
    let expected = #"""
        {"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged",
         "phoneNumber":"+01-123-456-7890"}
        """#
    let merged = MergePatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(original))
    #expect(merged == (try JSONValue.parse(expected)))
}

@Test("merge patch keeps number text byte for byte")
func mergePatchKeepsNumberText() throws {
    let merged = MergePatch.apply(try JSONValue.parse(#"{"b":1.50}"#), to: try JSONValue.parse(#"{"a":1e3}"#))
    #expect(merged.serializedString == #"{"a":1e3,"b":1.50}"#)
}
