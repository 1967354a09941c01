import KubeSim
import Reloader
import Testing

/// RFC 6902 Appendix A's examples that succeed (A.1–A.8, A.10, A.11, A.14, A.16), then a few of our own.
@Test(
    "JSON patch gives the results of RFC 6902 Appendix A",
    arguments: [
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        (
            #"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#,
            #"{"baz":"boo","foo":"bar"}"#
        ),
        (
            #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
            #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#
        ),
        (
            #"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
            #"{"foo":["all","cows","eat","grass"]}"#
        ),
        (
            #"{"baz":"qux","foo":["a",2,"c"]}"#,
            #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
            #"{"baz":"qux","foo":["a",2,"c"]}"#
        ),
        (
            #"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
            #"{"foo":"bar","child":{"grandchild":{}}}"#
        ),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        (
            #"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
            #"{"foo":["bar",["abc","def"]]}"#
        ),
        // Beyond the appendix: the whole document, explicit null, copy, nested arrays, a no-op move.
        (#"{"a":1}"#, #"[{"op":"add","path":"","value":[1]}]"#, #"[1]"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"","value":{"b":2}}]"#, #"{"b":2}"#),
        (#"{}"#, #"[{"op":"add","path":"/a","value":null}]"#, #"{"a":null}"#),
        (#"{"a":{"x":[1]}}"#, #"[{"op":"copy","from":"/a","path":"/b"}]"#, #"{"a":{"x":[1]},"b":{"x":[1]}}"#),
        (
            #"{"c":[{"env":[{"name":"A"}]}]}"#, #"[{"op":"add","path":"/c/0/env/-","value":{"name":"B"}}]"#,
            #"{"c":[{"env":[{"name":"A"},{"name":"B"}]}]}"#
        ),
        (#"{"a":[1,2]}"#, #"[{"op":"add","path":"/a/2","value":3}]"#, #"{"a":[1,2,3]}"#),
        (#"{"a":1}"#, #"[{"op":"move","from":"/a","path":"/a"}]"#, #"{"a":1}"#),
        (#"{"a":{"b":1}}"#, #"[{"op":"move","from":"/a/b","path":"/a"}]"#, #"{"a":1}"#),
        (#"{"a":1}"#, #"[]"#, #"{"a":1}"#),
    ])
func jsonPatchSucceeds(document: String, patch: String, result: String) throws {
    let patched = try JSONPatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(document))
    #expect(patched == (try JSONValue.parse(result)))
}

/// RFC 6902 §4.6: numbers compare by value, objects ignore member order, strings never equal numbers.
@Test(
    "test compares JSON values as RFC 6902 §4.6 says",
    arguments: [
        (#"1"#, #"1.0"#, true),
        (#"100"#, #"1e2"#, true),
        (#"1.5"#, #"15E-1"#, true),
        (#"-0"#, #"0.0"#, true),
        (#"12345678901234567890"#, #"12345678901234567891"#, false),
        (#"10"#, #""10""#, false),
        (#"{"a":1,"b":[1,{"c":2}]}"#, #"{"b":[1.0,{"c":2e0}],"a":1}"#, true),
        (#"{"a":1}"#, #"{"a":1,"b":null}"#, false),
        (#"[1,2]"#, #"[2,1]"#, false),
        (#"null"#, #"false"#, false),
    ])
func testOperationEquality(stored: String, expected: String, isEqual: Bool) throws {
    let document = try JSONValue.parse(#"{"v":\#(stored)}"#)
    let patch: JSONValue = [["op": "test", "path": "/v", "value": try JSONValue.parse(expected)]]
    if isEqual {
        #expect(try JSONPatch.apply(patch, to: document) == document)
    } else {
        #expect(throws: PatchError.testFailed(index: 0, path: "/v")) { try JSONPatch.apply(patch, to: document) }
    }
}

/// RFC 6901 §5: every pointer into the example document, checked with `test` against the value it names.
@Test(
    "JSON pointers resolve as in RFC 6901 §5",
    arguments: [
        (#""#, #"{"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,"k\"l":6," ":7,"m~n":8}"#),
        (#"/foo"#, #"["bar","baz"]"#), (#"/foo/0"#, #""bar""#), (#"/"#, "0"), (#"/a~1b"#, "1"), (#"/c%d"#, "2"),
        (#"/e^f"#, "3"), (#"/g|h"#, "4"), (#"/i\j"#, "5"), (#"/k"l"#, "6"), (#"/ "#, "7"), (#"/m~0n"#, "8"),
    ])
func pointerResolvesLikeRFC6901(pointer: String, value: String) throws {
    let document = try JSONValue.parse(
        #"{"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,"k\"l":6," ":7,"m~n":8}"#)
    let matching: JSONValue = [["op": "test", "path": .string(pointer), "value": try JSONValue.parse(value)]]
    #expect(try JSONPatch.apply(matching, to: document) == document)
    let other: JSONValue = [["op": "test", "path": .string(pointer), "value": "no such value"]]
    #expect(throws: PatchError.testFailed(index: 0, path: pointer)) { try JSONPatch.apply(other, to: document) }
}

@Test(
    "JSON patch failures name the operation and path",
    arguments: [
        // RFC 6902 A.9, A.12, A.15.
        (
            #"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#,
            PatchError.testFailed(index: 0, path: "/baz")
        ),
        (
            #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#,
            .pathNotFound(index: 0, op: "add", path: "/baz/bat")
        ),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#, .testFailed(index: 0, path: "/~01")),
        // A.13's duplicate "op": the parser keeps the last member, as Go's encoding/json does for kube-apiserver,
        // so the operation becomes a remove of a missing member and still fails.
        (
            #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","op":"remove"}]"#,
            .pathNotFound(index: 0, op: "remove", path: "/baz")
        ),
        (
            #"{}"#, #"{"op":"add","path":"/a","value":1}"#,
            .invalidDocument(patchType: "JSON Patch", reason: "must be an array of operations (RFC 6902 §3)")
        ),
        (#"{}"#, #"[1]"#, .malformedOperation(index: 0, reason: "an operation must be a JSON object")),
        (#"{}"#, #"[{"path":"/a"}]"#, .malformedOperation(index: 0, reason: #"missing "op""#)),
        (
            #"{}"#, #"[{"op":"merge","path":"/a"}]"#,
            .malformedOperation(
                index: 0, reason: #"unknown op "merge"; expected add, remove, replace, move, copy or test"#)
        ),
        (#"{}"#, #"[{"op":"add","value":1}]"#, .malformedOperation(index: 0, reason: #"missing "path""#)),
        (
            #"{}"#, #"[{"op":"add","path":3,"value":1}]"#,
            .malformedOperation(index: 0, reason: #""path" must be a string"#)
        ),
        (#"{}"#, #"[{"op":"add","path":"/a"}]"#, .malformedOperation(index: 0, reason: #"add requires "value""#)),
        (#"{"a":1}"#, #"[{"op":"move","path":"/b"}]"#, .malformedOperation(index: 0, reason: #"missing "from""#)),
        (
            #"{"a":1}"#, #"[{"op":"remove","path":""}]"#,
            .malformedOperation(index: 0, reason: "remove cannot remove the whole document")
        ),
        (
            #"{}"#, #"[{"op":"add","path":"a","value":1}]"#,
            .invalidPointer(index: 0, pointer: "a", reason: #"must be empty or start with "/""#)
        ),
        (
            #"{}"#, #"[{"op":"add","path":"/a~2","value":1}]"#,
            .invalidPointer(index: 0, pointer: "/a~2", reason: #""~" must be followed by "0" or "1""#)
        ),
        (
            #"{"a":[1,2]}"#, #"[{"op":"remove","path":"/a/01"}]"#,
            .invalidArrayIndex(
                index: 0, op: "remove", path: "/a/01", reason: #""01" is not an array index (RFC 6901 §4)"#)
        ),
        (
            #"{"a":[1,2]}"#, #"[{"op":"replace","path":"/a/2","value":0}]"#,
            .invalidArrayIndex(
                index: 0, op: "replace", path: "/a/2", reason: "index 2 is out of range for an array of 2")
        ),
        (
            #"{"a":[1,2]}"#, #"[{"op":"add","path":"/a/3","value":0}]"#,
            .invalidArrayIndex(index: 0, op: "add", path: "/a/3", reason: "index 3 is past the end of an array of 2")
        ),
        (
            #"{"a":[1,2]}"#, #"[{"op":"remove","path":"/a/-"}]"#,
            .invalidArrayIndex(
                index: 0, op: "remove", path: "/a/-",
                reason: #""-" names the element after the last, which does not exist"#)
        ),
        (#"{"a":1}"#, #"[{"op":"remove","path":"/b"}]"#, .pathNotFound(index: 0, op: "remove", path: "/b")),
        (#"{"a":1}"#, #"[{"op":"replace","path":"/b","value":2}]"#, .pathNotFound(index: 0, op: "replace", path: "/b")),
        (#"{"a":1}"#, #"[{"op":"add","path":"/a/b","value":2}]"#, .pathNotFound(index: 0, op: "add", path: "/a/b")),
        (#"{"a":1}"#, #"[{"op":"copy","from":"/x","path":"/b"}]"#, .pathNotFound(index: 0, op: "copy", path: "/x")),
        (
            #"{"a":{"b":1}}"#, #"[{"op":"move","from":"/a","path":"/a/b/c"}]"#,
            .moveIntoDescendant(index: 0, from: "/a", path: "/a/b/c")
        ),
        // Atomicity: the first operation succeeded, the second fails, and only the error comes back.
        (
            #"{"a":1}"#, #"[{"op":"add","path":"/b","value":2},{"op":"test","path":"/b","value":3}]"#,
            .testFailed(index: 1, path: "/b")
        ),
    ])
func jsonPatchFails(document: String, patch: String, error: PatchError) throws {
    let target = try JSONValue.parse(document)
    let operations = try JSONValue.parse(patch)
    #expect(throws: error) { try JSONPatch.apply(operations, to: target) }
}

@Test("a JSON patch error describes the operation")
func jsonPatchErrorDescription() {
    #expect(
        PatchError.pathNotFound(index: 2, op: "remove", path: "/metadata/labels/app").description
            == #"json patch operation 2 (remove): doc is missing path: "/metadata/labels/app""#)
}
