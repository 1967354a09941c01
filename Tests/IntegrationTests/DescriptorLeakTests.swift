import Foundation
import Glibc
import TestSupport
import Testing

/// Abusive clients must not leave descriptors behind in the `reloader` process (`/proc/<pid>/fd`).
@Suite("reloader descriptor hygiene")
struct DescriptorLeakTests {
    @Test("50 abusive connections (garbage TLS, half bodies, disconnects) leave the descriptor count at its baseline")
    func abusiveConnectionsDoNotLeak() async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        let fixture = SharedFixtures.admission.appendingPathComponent("configmap-update.json")
        let body = try Array(Data(contentsOf: fixture))

        // Warm up (first TLS context use, first HTTP/2 session) so lazily opened descriptors are in the baseline.
        try await expectAllowed(fixture, by: reloader, over: .http1)
        try await expectAllowed(fixture, by: reloader, over: .http2)
        try await waitUntil(timeout: .seconds(5), "no webhook connection is open after the warm-up") {
            try await openConnections(of: reloader) == 0
        }
        let baseline = reloader.openDescriptors()
        #expect(baseline > 0)

        let port = reloader.webhookPort
        try await offPool {
            var garbage = SystemRandomNumberGenerator()
            for round in 0..<50 {
                switch round % 5 {
                case 0:  // not TLS at all
                    let client = try TLSTestClient(port: port, tls: false)
                    try? client.send((0..<300).map { _ in UInt8.random(in: 0...255, using: &garbage) })
                case 1:  // a TLS record header, then garbage
                    let client = try TLSTestClient(port: port, tls: false)
                    try? client.send(
                        [0x16, 0x03, 0x01, 0x02, 0x00]
                            + (0..<100).map { _ in UInt8.random(in: 0...255, using: &garbage) })
                case 2:  // connect and leave
                    _ = try TLSTestClient(port: port, tls: false)
                case 3:  // handshake, half a body, then half-close and leave
                    let client = try TLSTestClient(port: port)
                    try client.send(validateHead(contentLength: body.count) + body[..<(body.count / 2)])
                    client.shutdownWrite()
                default:  // h2 preface and half a header block
                    let client = try TLSTestClient(port: port, alpn: ["h2"])
                    try client.send(
                        Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [
                            0x00, 0x00, 0x40, 0x01, 0x04, 0x00, 0x00, 0x00, 0x01,
                        ])
                }
            }
        }

        try await waitUntil(timeout: .seconds(15), "the descriptor count returns to its baseline of \(baseline)") {
            reloader.openDescriptors() <= baseline
        }
        try await waitUntil(timeout: .seconds(5), "reloader_open_connections returns to 0") {
            try await openConnections(of: reloader) == 0
        }
        // And it still serves.
        try await expectAllowed(fixture, by: reloader, over: .http2)
    }
}
