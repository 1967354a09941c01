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
