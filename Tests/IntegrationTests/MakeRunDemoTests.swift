import Foundation
import Glibc
import TestSupport
import Testing

/// `make run`'s demo (scripts/run.sh), as a newcomer sees it: kube-sim and reloader start, the webhook is
/// registered, the demo applied, and the three things it shows happen: one rollout per workload for a ConfigMap
/// edit, a dry-run plan that enqueues nothing, and no rollout for an ignored Secret. Run on free ports with its own
/// run directory and certificates, and stopped after the demo (`RUN_EXIT_AFTER_DEMO=1`).
@Suite("make run demo")
struct MakeRunDemoTests {
    @Test("the demo shows one rollout per using workload, a dry-run plan, and nothing for an ignored Secret")
    func demo() async throws {
        let directory = try TemporaryDirectory(OrphanReaper.childDirectoryPrefix)
        defer { directory.remove() }
        let certificates = directory.file("certs")
        try FileManager.default.createDirectory(atPath: certificates, withIntermediateDirectories: true)
        _ = try TestCertificates.generate(in: certificates)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let ports = try (0..<3).map { _ in try Self.freePort() }
        let result = try await Task.detached {
            try ProcessRunner.run(
                "/usr/bin/env",
                [
                    "RUN_EXIT_AFTER_DEMO=1", "RUN_DIR=\(directory.file("run"))",
                    "KUBE_SIM_ADDRESS=127.0.0.1:\(ports[0])", "RELOADER_ADDRESS=127.0.0.1:\(ports[1])",
                    "RELOADER_METRICS_ADDRESS=127.0.0.1:\(ports[2])", "timeout", "180",
                    repository + "/scripts/run.sh", certificates,
                ], check: false)
        }.value
        let output = result.stdout
        #expect(result.status == 0, "run.sh exited \(result.status):\n\(output)\n\(result.stderr)")
        for line in [
            "web        1 rollout\n", "agent      1 rollout\n", "db         0 rollouts\n", "untouched  0 rollouts\n",
            "Changes detected in 'app-config' of type 'CONFIGMAP' in namespace 'demo'; updated 'web'",
            "warning: reloader: would reload Deployment demo/web (configmap app-config changed)",
            "reloads enqueued by it: 0", "reloads enqueued: 0; rollouts before: 3, now: 3",
            "export KUBECONFIG=", "stopping reloader and kube-sim",
        ] {
            #expect(output.contains(line), "run.sh output lacks \"\(line)\":\n\(output)\n\(result.stderr)")
        }
        #expect(output.range(of: #"report-[a-z0-9]{5}\s+report"#, options: .regularExpression) != nil, "\(output)")
    }

    /// A port the kernel just handed out and that nothing listens on (closed again at once).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
