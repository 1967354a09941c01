import Foundation
import Testing

@testable import Reloader

@Suite("JSONValue")
struct JSONValueTests {
    @Test(
        "parse then serialize keeps numbers as written and sorts keys",
        arguments: [
            (#"{"b":1,"a":[true,null,-1.50e3,"x\n"]}"#, #"{"a":[true,null,-1.50e3,"x\n"],"b":1}"#),
            (#" [ ] "#, "[]"),
            (#""\u00e9""#, "\"é\""),
            (#"{"k":{"n":{}}}"#, #"{"k":{"n":{}}}"#),
        ])
    func roundTrip(input: String, expected: String) throws {
        #expect(try JSONValue.parse(input).serializedString == expected)
    }

    @Test(
        "every fixture survives a round trip with the same meaning as JSONSerialization reads it",
        arguments: FixtureFiles.admissionReviews)
    func fixtures(name: String) throws {
        let bytes = try FixtureFiles.bytes(name)
        let value = try JSONValue.parse(bytes)
        let reference = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
        let again = try JSONSerialization.jsonObject(with: Data(value.serialized())) as? NSDictionary
        #expect(reference == again)
    }

    @Test("invalid JSON is an error with its offset")
    func invalid() {
        #expect(throws: JSONValue.ParseError(message: "expected ',' or '}' in an object", offset: 7)) {
            try JSONValue.parse(#"{"a":1 "b":2}"#)
        }
    }

    @Test("subscripts read and write nested members")
    func access() throws {
        var value: JSONValue = ["metadata": ["name": "web", "labels": ["app": "web"]], "spec": ["replicas": 3]]
        #expect(value[path: ["metadata", "name"]]?.stringValue == "web")
        #expect(value[path: ["spec", "replicas"]]?.intValue == 3)
        #expect(value["metadata"]?["labels"]?.stringMapValue == ["app": "web"])
        value["kind"] = "Deployment"
        #expect(value["kind"] == "Deployment")
    }
}
