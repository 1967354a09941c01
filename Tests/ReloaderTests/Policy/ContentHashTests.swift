import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct ContentHashTests {
        @Test(
            "SHA-1 matches the FIPS 180-4 test vectors",
            arguments: [
                ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
                ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                (
                    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                    "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
                ),
                (
                    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                    "a49b2446a02c645bf419f995b67091253a04a259"
                ),
            ])
        func sha1Vectors(message: String, expected: String) {
            #expect(SHA1.hexDigest(Array(message.utf8)) == expected)
        }

        @Test("SHA-1 of one million 'a' bytes (multi-block)")
        func sha1Million() {
            #expect(
                SHA1.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                    == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        }

        @Test(
            "ConfigMap hashes match the contract's worked examples (§3)",
            arguments: [
                ([String: String](), [String: String](), "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                (["key": "value"], [:], "dc30e0faa89a70dec1033016a2309bbeb9efcbd0"),
                (["port": "8080", "log_level": "debug"], [:], "8d8f29b2a79932569402720b08d1014ae00c809f"),
                (["port": "8080"], ["logo.png": "iVBORw=="], "504e9460eda67f784363b9cc6458a1eb09ce6bcd"),
            ])
        func configMapWorkedExamples(data: [String: String], binaryData: [String: String], expected: String) {
            #expect(ContentHash.configMap(data: data, binaryData: binaryData) == expected)
        }

        @Test("a ConfigMap without data or binaryData hashes as the empty string")
        func configMapAbsentMaps() {
            #expect(ContentHash.configMap(data: nil, binaryData: nil) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        }

        @Test("Secret hash of decoded values matches the contract's worked example (§3)")
        func secretWorkedExample() throws {
            let hash = try ContentHash.secret(data: ["user": "YWRtaW4=", "password": "czNjcjN0"])
            #expect(hash == "e013dcfd8b3a9e80e812740978788202e1ef1325")
        }

        @Test("the delete marker is SHA-1 of __RELOADER_EMPTY_DELETE_MARKER__")
        func deleteMarker() {
            #expect(ContentHash.deleteMarker == "aae45badef99284e4dae01d6046154ea9d99532f")
        }

        @Test("items are joined without escaping, so Reloader's collisions are kept")
        func collisionKept() {
            #expect(
                ContentHash.configMap(data: ["a": "1;b=2"], binaryData: nil)
                    == ContentHash.configMap(data: ["a": "1", "b": "2"], binaryData: nil))
        }

        @Test("items sort as byte strings, not by key alone")
        func byteOrder() {
            // "a=1" vs "a.b=2": '.' (0x2E) sorts before '=' (0x3D), so "a.b=2;a=1" is hashed.
            #expect(
                ContentHash.configMap(data: ["a": "1", "a.b": "2"], binaryData: nil)
                    == SHA1.hexDigest(Array("a.b=2;a=1".utf8)))
        }

        @Test("Secret values that are not valid base64 are a typed error naming the key")
        func invalidBase64() {
            #expect(throws: ContentHash.Failure.invalidBase64(key: "bad")) {
                try ContentHash.secret(data: ["bad": "not base64!"])
            }
        }

        @Test("Secret values hash their raw bytes, even when they are not UTF-8")
        func secretRawBytes() throws {
            let hash = try ContentHash.secret(data: ["k": "/w=="])  // one byte 0xFF
            #expect(hash == SHA1.hexDigest(Array("k=".utf8) + [0xFF]))
        }

        @Test("SecretProviderClassPodStatus hashes <id>=<version> and the class name")
        func secretProviderClassPodStatus() throws {
            let status: JSONValue = [
                "secretProviderClassName": "vault-db",
                "objects": [["id": "secret/db-pass", "version": "3"], ["id": "secret/api", "version": "7"]],
            ]
            let expected = SHA1.hexDigest(Array("SecretProviderClassName=vault-db;secret/api=7;secret/db-pass=3".utf8))
            #expect(try ContentHash.secretProviderClassPodStatus(status: status) == expected)
            #expect(
                try ContentHash.secretProviderClassPodStatus(status: nil)
                    == SHA1.hexDigest(Array("SecretProviderClassName=".utf8)))
        }

        @Test("a malformed SecretProviderClassPodStatus is a typed error")
        func malformedStatus() {
            #expect(throws: ContentHash.Failure.self) {
                try ContentHash.secretProviderClassPodStatus(status: ["objects": "x"])
            }
        }
    }
}
