import Foundation
import Testing

@testable import Reloader

@Suite("JSONReader")
struct JSONReaderTests {
    /// Skips one whole value and checks only whitespace follows: the reader's validation of any text.
    static func validates(_ text: String, maximumDepth: Int = 128) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, maximumDepth: maximumDepth)
            do throws(JSONReader.Failure) {
                try reader.skipValue()
                try reader.expectEnd()
                return true
            } catch {
                return false
            }
        }
    }

    static func string(_ text: String) throws -> String {
        try Array(text.utf8).withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, maximumDepth: 8)
            return try reader.readString()
        }
    }

    @Test(
        "accepts and refuses exactly what Foundation's JSON parser does",
        arguments: [
            "{}", "[]", "\"\"", "0", "-0", "1.5e-3", "-12E+4", "true", "false", "null",
            " {\"a\" : [1, {\"b\": null}] } ",
            "{\"a\":\"\\u00e9\\n\\t\\\"\\\\\\/\"}", "\"\\ud83d\\ude00\"", "[1,2,3]", "{\"a\":1,\"a\":2}",
            "", " ", "{", "}", "{a:1}", "{'a':1}", "01", "1.", ".5", "-", "+1", "1e", "tru", "nul",
            "[1 2]", "{\"a\" 1}", "\"abc", "\"a\u{01}b\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "[]]", "{}{}", "NaN",
            "\"\\ud83d\"", "\"\\ude00\"",
        ])
    func differential(text: String) {
        let foundation = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
        #expect(Self.validates(text) == foundation, "\(text.debugDescription)")
    }

    /// Foundation accepts trailing commas; RFC 8259 (and Go's encoding/json, hence kube-apiserver) does not.
    @Test("is stricter than Foundation where the RFC is", arguments: ["[1,]", "{\"a\":1,}"])
    func stricter(text: String) {
        #expect(!Self.validates(text))
    }

    @Test("strings decode escapes, surrogate pairs and multi-byte UTF-8")
    func strings() throws {
        #expect(try Self.string(#""plain""#) == "plain")
        #expect(try Self.string(#""a\"b\\c\/d\n""#) == "a\"b\\c/d\n")
        #expect(try Self.string(#""\u00e9\u4e2d\ud83d\ude00""#) == "é中😀")
        #expect(try Self.string("\"é中😀\"") == "é中😀")
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        let accepted = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, maximumDepth: 8)
            return (try? reader.readString()) != nil
        }
        #expect(!accepted)
    }

    @Test("nesting deeper than the limit is refused as too deep, without recursing further")
    func depth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let kind: JSONReader.Failure.Kind? = Array(deep.utf8).withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, maximumDepth: 128)
            do throws(JSONReader.Failure) {
                try reader.skipValue()
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind == .tooDeep)
        #expect(Self.validates(String(repeating: "[", count: 128) + String(repeating: "]", count: 128)))
        #expect(!Self.validates(String(repeating: "[", count: 129) + String(repeating: "]", count: 129)))
    }
}
