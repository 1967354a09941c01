import Foundation
import TestSupport
import Testing
import WebhookServer

/// Every limit driven over a real TLS socket against an in-process server (short timeouts so tests stay quick;
/// the 10 s / 120 s defaults are checked in the state-machine tests).
@Suite("server limits over a socket")
struct ServerLimitsSocketTests {
    static let head = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"

    func quickLimits() -> ServerLimits {
        var limits = ServerLimits()
        limits.headerTimeout = .seconds(1)
        limits.bodyStallTimeout = .seconds(1)
        limits.handshakeTimeout = .seconds(1)
        return limits
    }

    @Test("headers over 16 KiB are answered 431 and the connection closed")
    func headersTooLarge() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        try client.send(Self.head + "X-Big: \(String(repeating: "a", count: 17 * 1024))\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 431)
        #expect(client.readUntilClosed().closed)
    }

    @Test("a body over 4 MiB is answered 413 without being read; 4 MiB exactly is accepted")
    func bodyLimit() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        try client.send(Self.head + "Content-Length: \(4 * 1024 * 1024 + 1)\r\n\r\n")
        #expect(try client.readResponse().status == 413)
        #expect(client.readUntilClosed().closed)

        let ok = try TLSTestClient(port: server.port)
        try ok.send(
            Array((Self.head + "Content-Length: \(4 * 1024 * 1024)\r\n\r\n").utf8)
                + [UInt8](repeating: 0x7B, count: 4 * 1024 * 1024))
        let response = try ok.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["x-body-bytes"] == "\(4 * 1024 * 1024)")
    }

    @Test("a client still uploading when 413 is sent reads the answer (lingering close, no reset)")
    func lingeringClose() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        // Head and 1 MiB of a 5 MiB body in one go: the server answers after the head and must keep reading
        // (and dropping) the rest instead of resetting the connection under the client.
        try client.send(
            Array((Self.head + "Content-Length: \(5 * 1024 * 1024)\r\n\r\n").utf8)
                + [UInt8](repeating: 0x41, count: 1 << 20))
        #expect(try client.readResponse().status == 413)
        #expect(client.readUntilClosed().closed)
    }

    @Test("both Content-Length and Transfer-Encoding: 400 and close, the rest never reaches a handler")
    func smuggling() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        try client.send(
            Self.head
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        let response = try client.readResponse()
        #expect(response.status == 400)
        let rest = client.readUntilClosed()
        #expect(rest.closed)
        #expect(rest.bytes.isEmpty)
    }

    @Test("two different Content-Lengths: 400 and close")
    func twoLengths() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        try client.send(Self.head + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde")
        #expect(try client.readResponse().status == 400)
        #expect(client.readUntilClosed().closed)
    }

    @Test("headers trickling in past the header timeout: the connection is closed")
    func slowloris() throws {
        let server = try TestServer(handler: EchoHandler(), limits: quickLimits())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        let started = ContinuousClock.now
        try client.send("POST /echo HTTP/1.1\r\n")
        let result = client.readUntilClosed()
        #expect(result.closed)
        #expect(result.bytes.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a body that stalls past the stall timeout: the connection is closed")
    func stalledBody() throws {
        let server = try TestServer(handler: EchoHandler(), limits: quickLimits())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        try client.send(Self.head + "Content-Length: 100\r\n\r\nonly a part")
        let result = client.readUntilClosed()
        #expect(result.closed)
        #expect(result.bytes.isEmpty)
    }

    @Test("a client that never finishes the TLS handshake is dropped")
    func handshakeTimeout() throws {
        let server = try TestServer(handler: EchoHandler(), limits: quickLimits())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port, tls: false)
        let result = client.readUntilClosed()
        #expect(result.closed)
    }

    @Test("connections over the cap are closed at once; a freed slot is reusable")
    func connectionCap() async throws {
        var limits = ServerLimits()
        limits.maxConnections = 3
        let server = try TestServer(handler: EchoHandler(), limits: limits)
        defer { server.stop() }
        var open: [TLSTestClient] = []
        for _ in 0..<3 { open.append(try TLSTestClient(port: server.port)) }
        #expect(throws: (any Error).self) { _ = try TLSTestClient(port: server.port, receiveTimeout: 5) }
        open.removeLast()
        try await waitUntil("a slot frees up after a client leaves") {
            guard let client = try? TLSTestClient(port: server.port, receiveTimeout: 5) else { return false }
            try client.send(Self.head + "Content-Length: 0\r\n\r\n")
            return (try? client.readResponse().status) == 200
        }
    }

    @Test("an idle keep-alive connection stays usable")
    func keepAlive() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        for index in 0..<3 {
            try client.send(Self.head + "Content-Length: \(index)\r\n\r\n" + String(repeating: "x", count: index))
            let response = try client.readResponse()
            #expect(response.body == "POST /echo \(index)")
            Thread.sleep(forTimeInterval: 0.3)  // idle between requests, as kube-apiserver is (not synchronisation)
        }
        #expect(ServerLimits().idleTimeout > .seconds(90))
    }

    @Test("pipelined requests are answered in order on the socket, chunked ones included")
    func pipelining() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TLSTestClient(port: server.port)
        try client.send(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                + "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        #expect(try client.readResponse().body == "GET /a 0")
        #expect(try client.readResponse().body == "POST /b 2")
        #expect(try client.readResponse().body == "POST /c 3")
    }

    @Test("garbage instead of a TLS ClientHello, and plain HTTP on the TLS port, leave the server serving")
    func malformedTLS() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let garbage = try TLSTestClient(port: server.port, tls: false)
        try garbage.send([UInt8](repeating: 0x16, count: 5) + [UInt8](repeating: 0xFF, count: 300))
        #expect(garbage.readUntilClosed().closed)

        let plain = try TLSTestClient(port: server.port, tls: false)
        try plain.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = String(decoding: plain.readUntilClosed().bytes, as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.0 400"))
        #expect(answer.contains("HTTP request to an HTTPS server"))

        let good = try TLSTestClient(port: server.port)
        try good.send(Self.head + "Content-Length: 0\r\n\r\n")
        #expect(try good.readResponse().status == 200)
    }

    @Test("clients that vanish mid-request leak no descriptor")
    func noLeaks() async throws {
        // Long timeouts: the sockets must close because the clients left, not because a deadline passed (and a
        // loaded machine must not let deadlines close them before they are counted).
        var limits = ServerLimits()
        limits.handshakeTimeout = .seconds(120)
        limits.headerTimeout = .seconds(120)
        limits.bodyStallTimeout = .seconds(120)
        let server = try TestServer(handler: EchoHandler(), limits: limits)
        defer { server.stop() }
        // Counted per server port: a count of all descriptors would see other tests running in parallel.
        var clients: [TLSTestClient] = []
        for round in 0..<20 {
            let client = try TLSTestClient(port: server.port, tls: round % 4 != 0)
            switch round % 4 {
            case 0: try client.send([0x16, 0x03, 0x01, 0x00])  // half a TLS record
            case 1: try client.send(Self.head + "Content-Length: 1000\r\n\r\nabc")  // half a body
            case 2: try client.send("POST /echo HTT")  // half a head
            default: client.shutdownWrite()
            }
            clients.append(client)
        }
        // The count sees the server's sockets (so reaching zero below means something)...
        try await waitUntil(timeout: .seconds(30), "the server holds sockets for the clients") {
            acceptedSocketCount(port: server.port) > 0
        }
        clients.removeAll()  // ...then every client vanishes mid-request.
        try await waitUntil(
            timeout: .seconds(30), "server sockets all closed (now \(acceptedSocketCount(port: server.port)))"
        ) {
            acceptedSocketCount(port: server.port) == 0
        }
    }
}
