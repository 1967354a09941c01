import Foundation
import TestSupport
import Testing
import WebhookServer

@Suite("HTTPServer through curl")
struct HTTPServerCurlTests {
    @Test("curl --http1.1 gets an answer over TLS with the body delivered")
    func http1() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let body = directory.file("body")
        try Data(repeating: 0x61, count: 3000).write(to: URL(fileURLWithPath: body))
        let response = try Curl.request(
            server.url + "/echo?x=1", bodyFile: body, caPath: server.certificates.caPath, http2: false)
        #expect(response.status == 200)
        #expect(response.httpVersion == "1.1")
        #expect(response.body == "POST /echo?x=1 3000")
    }
}

@Suite("HTTPServer through curl over HTTP/2")
struct HTTPServerCurlHTTP2Tests {
    @Test(
        "curl --http2 negotiates h2 by ALPN and gets the answer, large bodies included",
        arguments: [0, 5000, 3_000_000])
    func http2(size: Int) throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let body = directory.file("body")
        try Data(repeating: 0x62, count: size).write(to: URL(fileURLWithPath: body))
        let response = try Curl.request(
            server.url + "/echo", bodyFile: body, caPath: server.certificates.caPath, http2: true)
        #expect(response.status == 200)
        #expect(response.httpVersion == "2")
        #expect(response.body == "POST /echo \(size)")
    }

    @Test("a TLS client offering only http/1.1 gets HTTP/1.1; one offering h2 gets h2")
    func alpn() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        #expect(try TLSTestClient(port: server.port, alpn: ["http/1.1"]).negotiatedProtocol == "http/1.1")
        #expect(try TLSTestClient(port: server.port, alpn: ["h2", "http/1.1"]).negotiatedProtocol == "h2")
        #expect(try TLSTestClient(port: server.port, alpn: []).negotiatedProtocol == nil)
    }
}
