import Foundation
import TestSupport
import Testing
import WebhookServer

@testable import Reloader

/// CurlTransport against a real HTTPS server on loopback (TestServer speaks HTTP/1.1 and h2 by ALPN).
@Suite("CurlTransport")
struct KubeCurlTransportTests {
    private func caPEM(_ server: TestServer) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: server.certificates.caPath)))
    }

    @Test("negotiates HTTP/2 by ALPN and returns status, headers and body")
    func http2() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let transport = CurlTransport()
        let request = TransportRequest(
            method: "PATCH", url: server.url + "/apis/x?a=b", headers: [("Content-Type", "application/json")],
            body: Array("{}".utf8), tls: TLSClientSettings(caPEM: try caPEM(server)))
        let response = try transport.send(request).get()
        #expect(response.status == 200)
        #expect(response.httpVersion == .http2)
        #expect(response.headers["x-version"] == "HTTP/2")
        #expect(String(decoding: response.body, as: UTF8.self) == "PATCH /apis/x?a=b 2")
    }

    @Test("reuses pooled handles across requests")
    func reuse() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let transport = CurlTransport(maximumIdleHandles: 2)
        let tls = TLSClientSettings(caPEM: try caPEM(server))
        for method in ["GET", "DELETE", "PUT", "POST"] {
            let response = try transport.send(TransportRequest(method: method, url: server.url + "/p", tls: tls)).get()
            #expect(String(decoding: response.body, as: UTF8.self) == "\(method) /p 0")
        }
        #expect(transport.idleHandleCount == 1)
        #expect(acceptedSocketCount(port: server.port) <= 1)
    }

    @Test("a server certificate from another CA is a typed TLS failure")
    func wrongCA() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let other = try TemporaryDirectory("other-ca")
        defer { other.remove() }
        let otherCA = try TestCertificates.generate(in: other.path)
        let pem = Array(try Data(contentsOf: URL(fileURLWithPath: otherCA.caPath)))
        let result = CurlTransport().send(
            TransportRequest(method: "GET", url: server.url + "/", tls: TLSClientSettings(caPEM: pem)))
        guard case .failure(let error) = result else {
            Issue.record("expected a TLS failure, got \(result)")
            return
        }
        #expect(error.kind == .tlsFailure)
        #expect(!error.detail.isEmpty)
    }

    @Test("insecure-skip-tls-verify accepts an untrusted server")
    func insecure() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let response = try CurlTransport().send(
            TransportRequest(method: "GET", url: server.url + "/", tls: TLSClientSettings(insecureSkipVerify: true))
        ).get()
        #expect(response.status == 200)
    }

    @Test("a client certificate and key are loaded from memory")
    func clientCertificate() throws {
        let server = try TestServer(handler: EchoHandler())
        defer { server.stop() }
        let client = try TestCertificates.generate(in: server.directory.path, prefix: "client-", commonName: "alice")
        let certificate = Array(try Data(contentsOf: URL(fileURLWithPath: client.certificatePath)))
        let key = Array(try Data(contentsOf: URL(fileURLWithPath: client.keyPath)))
        let good = TLSClientSettings(caPEM: try caPEM(server), clientCertificatePEM: certificate, clientKeyPEM: key)
        let response = try CurlTransport().send(TransportRequest(method: "GET", url: server.url + "/", tls: good)).get()
        #expect(response.status == 200)

        // A key that does not parse must fail inside curl, which shows the blobs are really handed to OpenSSL.
        var bad = good
        bad.clientKeyPEM = Array("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n".utf8)
        let result = CurlTransport().send(TransportRequest(method: "GET", url: server.url + "/", tls: bad))
        guard case .failure(let error) = result else {
            Issue.record("expected a TLS failure for a bad client key, got \(result)")
            return
        }
        #expect(error.kind == .tlsFailure)
    }

    @Test("a closed port is connection refused")
    func refused() throws {
        let port = try closedPort()
        let result = CurlTransport().send(TransportRequest(method: "GET", url: "https://127.0.0.1:\(port)/"))
        guard case .failure(let error) = result else {
            Issue.record("expected connection refused, got \(result)")
            return
        }
        #expect(error.kind == .connectionRefused)
    }

    @Test("a response past the size limit fails instead of growing without bound")
    func responseLimit() throws {
        let server = try TestServer(handler: HandlerFunction { _ in .text(200, String(repeating: "x", count: 10_000)) })
        defer { server.stop() }
        let result = CurlTransport(maximumResponseBytes: 1000).send(
            TransportRequest(method: "GET", url: server.url + "/", tls: TLSClientSettings(caPEM: try caPEM(server))))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.kind == .other)
        #expect(error.detail.contains("larger than 1000"))
    }
}

/// A loopback port that nothing listens on: bound, then closed (the kernel does not hand it out again at once).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw PortUnavailable() }
    return Int(UInt16(bigEndian: address.sin_port))
}

struct PortUnavailable: Error {}
