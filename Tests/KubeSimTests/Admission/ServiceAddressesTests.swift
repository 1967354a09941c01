import KubeSim
import Testing

@Suite("--service mappings")
struct ServiceAddressesTests {
    @Test("namespace/name=host:port, repeatable, IPv6 in brackets")
    func parses() throws {
        #expect(
            try ServiceAddresses.parse(["reloader/webhook=127.0.0.1:8443", "other/hook=[::1]:9443", "a/b=localhost:1"])
                == ["reloader/webhook": "127.0.0.1:8443", "other/hook": "[::1]:9443", "a/b": "localhost:1"])
        #expect(try ServiceAddresses.parse([]) == [:])
    }

    @Test(
        "malformed mappings are named errors",
        arguments: [
            "reloader/webhook", "webhook=127.0.0.1:8443", "/webhook=127.0.0.1:8443", "a/b/c=h:1", "a/b=127.0.0.1",
            "a/b=h:0", "a/b=h:70000", "a/b=:8443", "a/b=::1:8443",
        ])
    func rejects(mapping: String) {
        #expect(throws: ServiceAddressError.self) { try ServiceAddresses.parse([mapping]) }
    }

    @Test("a service mapped twice is an error")
    func duplicate() {
        #expect(throws: ServiceAddressError.invalid("a/b=h:2", "a/b is mapped twice")) {
            try ServiceAddresses.parse(["a/b=h:1", "a/b=h:2"])
        }
    }
}
