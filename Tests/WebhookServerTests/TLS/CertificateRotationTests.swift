import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
import WebhookServer

/// Counts certificate reload outcomes.
final class ReloadCounter: ServerObserver {
    let successes = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    func requestCompleted(method: String, path: String, status: Int, version: HTTPVersion, duration: Duration) {}
    func connectionOpened() {}
    func connectionClosed() {}
    func connectionRejected(reason: ConnectionRejection) {}
    func tlsHandshakeFailed() {}
    func certificateReloaded(succeeded: Bool, notAfter: Double?) {
        if succeeded {
            successes.wrappingAdd(1, ordering: .relaxed)
        } else {
            failures.wrappingAdd(1, ordering: .relaxed)
        }
    }
}

/// The Kubernetes Secret-volume layout: `tls.crt -> ..data/tls.crt`, `..data -> ..<timestamp>/`, swapped atomically.
struct SecretVolume {
    let root: String

    init(root: String) { self.root = root }

    var certificatePath: String { "\(root)/tls.crt" }
    var keyPath: String { "\(root)/tls.key" }

    /// Writes a new timestamped directory holding `certificate`/`key` files copied from the given paths, then
    /// points `..data` at it with one rename(2), as kubelet's AtomicWriter does.
    func publish(version: String, certificateFrom: String, keyFrom: String) throws {
        let manager = FileManager.default
        let directory = "\(root)/..\(version)"
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try manager.copyItem(atPath: certificateFrom, toPath: "\(directory)/tls.crt")
        try manager.copyItem(atPath: keyFrom, toPath: "\(directory)/tls.key")
        let staging = "\(root)/..data_tmp"
        try? manager.removeItem(atPath: staging)
        try manager.createSymbolicLink(atPath: staging, withDestinationPath: "..\(version)")
        guard rename(staging, "\(root)/..data") == 0 else { throw CocoaError(.fileWriteUnknown) }
        if !manager.fileExists(atPath: certificatePath) {
            try manager.createSymbolicLink(atPath: certificatePath, withDestinationPath: "..data/tls.crt")
            try manager.createSymbolicLink(atPath: keyPath, withDestinationPath: "..data/tls.key")
        }
    }
}

@Suite("certificate rotation")
struct CertificateRotationTests {
    @Test(
        "a ..data symlink swap is served to new handshakes at once (inotify); open connections stay up; a bad pair is refused"
    )
    func symlinkSwap() async throws {
        let directory = try TemporaryDirectory("rotation")
        defer { directory.remove() }
        let first = try TestCertificates.generate(in: directory.path, prefix: "first-", commonName: "first")
        let second = try TestCertificates.generate(in: directory.path, prefix: "second-", commonName: "second")
        let third = try TestCertificates.generate(in: directory.path, prefix: "third-", commonName: "third")
        let volume = SecretVolume(root: directory.file("volume"))
        try volume.publish(version: "2026_11_26_01", certificateFrom: first.certificatePath, keyFrom: first.keyPath)

        let counter = ReloadCounter()
        var logger = Logger(label: "test.rotation")
        logger.logLevel = .critical
        // A long poll interval: the swap must be noticed through inotify within the 2 s budget.
        let reloader = try CertificateReloader(
            certificatePath: volume.certificatePath, keyPath: volume.keyPath, observer: counter, logger: logger,
            pollInterval: .seconds(30))
        reloader.start()
        defer { reloader.stop() }
        let server = try HTTPServer(
            configuration: .init(address: ListenAddress(host: "127.0.0.1", port: 0)), handler: EchoHandler(),
            certificates: reloader.certificates, logger: logger)
        server.start()
        defer {
            server.shutdown(gracePeriod: .seconds(1))
            server.wait()
        }

        let request = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
        let kept = try TLSTestClient(port: server.port)
        #expect(kept.peerCommonName == "first")
        try kept.send(request)
        #expect(try kept.readResponse().status == 200)

        // With a 30 s poll interval, seeing the swap within the wait proves inotify drove it. The wait is longer
        // than the 2 s promise only so a loaded CI machine cannot fail it; the default 1 s poll bounds it anyway.
        try volume.publish(version: "2026_11_26_02", certificateFrom: second.certificatePath, keyFrom: second.keyPath)
        try await waitUntil(timeout: .seconds(30), "new handshakes present the second certificate") {
            (try? TLSTestClient(port: server.port))?.peerCommonName == "second"
        }

        try kept.send(request)
        #expect(try kept.readResponse().status == 200, "the connection opened before the swap still works")

        // A key that does not match its certificate: refused, the second pair keeps serving.
        try volume.publish(version: "2026_11_26_03", certificateFrom: third.certificatePath, keyFrom: second.keyPath)
        try await waitUntil(timeout: .seconds(30), "the mismatched pair is reported") {
            counter.failures.load(ordering: .relaxed) == 1
        }
        #expect(try TLSTestClient(port: server.port).peerCommonName == "second")

        // An unparsable certificate: refused too.
        let garbage = directory.file("garbage.crt")
        try "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".write(
            toFile: garbage, atomically: true, encoding: .utf8)
        try volume.publish(version: "2026_11_26_04", certificateFrom: garbage, keyFrom: third.keyPath)
        try await waitUntil(timeout: .seconds(30), "the unparsable pair is reported") {
            counter.failures.load(ordering: .relaxed) == 2
        }
        #expect(try TLSTestClient(port: server.port).peerCommonName == "second")

        // A good pair after the bad ones is taken again.
        try volume.publish(version: "2026_11_26_05", certificateFrom: third.certificatePath, keyFrom: third.keyPath)
        try await waitUntil(timeout: .seconds(30), "the third certificate is served") {
            (try? TLSTestClient(port: server.port))?.peerCommonName == "third"
        }
        #expect(counter.successes.load(ordering: .relaxed) == 3)
    }

    @Test("files rewritten in place are picked up by polling when inotify is not told")
    func polling() async throws {
        let directory = try TemporaryDirectory("rotation-poll")
        defer { directory.remove() }
        let first = try TestCertificates.generate(in: directory.path, prefix: "a-", commonName: "first")
        let second = try TestCertificates.generate(in: directory.path, prefix: "b-", commonName: "second")
        var logger = Logger(label: "test.rotation")
        logger.logLevel = .critical
        let reloader = try CertificateReloader(
            certificatePath: first.certificatePath, keyPath: first.keyPath, logger: logger,
            pollInterval: .milliseconds(200))
        // Not started: checkNow() is the poll tick, called directly.
        #expect(reloader.checkNow() == false, "nothing changed yet")
        try FileManager.default.removeItem(atPath: first.certificatePath)
        try FileManager.default.copyItem(atPath: second.certificatePath, toPath: first.certificatePath)
        #expect(reloader.checkNow() == false, "half-rotated pair (new cert, old key) is refused")
        try FileManager.default.removeItem(atPath: first.keyPath)
        try FileManager.default.copyItem(atPath: second.keyPath, toPath: first.keyPath)
        #expect(reloader.checkNow() == true)
        #expect(reloader.checkNow() == false, "no second swap for the same pair")
    }

    @Test("a bad pair at start-up is an error naming the file")
    func badStart() throws {
        let directory = try TemporaryDirectory("rotation-bad")
        defer { directory.remove() }
        let missing = directory.file("missing.crt")
        do {
            _ = try CertificateReloader(certificatePath: missing, keyPath: missing, logger: Logger(label: "t"))
            Issue.record("a missing certificate was accepted")
        } catch {
            #expect("\(error)".contains(missing))
        }
    }
}
