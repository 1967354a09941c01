import Foundation
import TestSupport
import Testing

/// How the `reloader` executable refuses bad command lines: flag errors exit 2, unusable certificates exit 1,
/// and each message names what was wrong.
@Suite("reloader command line")
struct CommandLineTests {
    @Test("an unknown flag exits 2 naming the flag")
    func unknownFlag() async throws {
        let result = try await runReloaderToExit(portZero + ["--no-such-flag=1"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("no-such-flag"), "stderr: \(result.stderr)")
    }

    @Test("--shutdown-grace-period=abc exits 2 naming the flag")
    func badGracePeriod() async throws {
        let result = try await runReloaderToExit(portZero + ["--shutdown-grace-period=abc"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("shutdown-grace-period"), "stderr: \(result.stderr)")
    }

    @Test("missing certificate files exit 1 naming the path")
    func missingCertificateFiles() async throws {
        let directory = try TemporaryDirectory("missing-certs")
        defer { directory.remove() }
        let certificate = directory.file("absent.crt")
        let result = try await runReloaderToExit(
            portZero + ["--tls-cert-file", certificate, "--tls-private-key-file", directory.file("absent.key")])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(certificate), "stderr: \(result.stderr)")
    }

    @Test("a --cert-dir without tls.crt exits 1 naming the expected file")
    func emptyCertificateDirectory() async throws {
        let directory = try TemporaryDirectory("empty-cert-dir")
        defer { directory.remove() }
        let result = try await runReloaderToExit(portZero + ["--cert-dir", directory.path])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(directory.file("tls.crt")), "stderr: \(result.stderr)")
    }

    /// Listeners on ephemeral ports, so a process that wrongly starts cannot collide with anything.
    private var portZero: [String] { ["--webhook-address", "127.0.0.1:0", "--metrics-address", "127.0.0.1:0"] }
}
