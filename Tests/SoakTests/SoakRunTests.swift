import Dispatch
import Foundation
import Soak
import TestSupport
import Testing

/// The soak of `make soak`, short and small enough for `swift test` (about a minute and a half): the same harness,
/// driver, chaos loop and oracle, against the debug `reloader` built beside the tests. Zero missed and zero extra
/// rollouts is the bar, as for the full run.
@Suite("soak")
struct SoakRunTests {
    @Test("a short soak with faults, kills, terminations and certificate rotations: zero missed, zero extra")
    func shortSoak() async throws {
        OrphanReaper.reapOnce
        // Named with this test process's PID: if it dies, the next test run's OrphanReaper kills the replicas (their
        // command lines name the directory).
        let directory = try TemporaryDirectory(OrphanReaper.childDirectoryPrefix + "-soak")
        var options = SoakOptions(reloaderPath: try ReloaderProcess.executablePath(), directory: directory.path)
        options.duration = .seconds(60)  // issue 7: "a 60 s version in make test"
        options.workloads = 300
        options.namespaces = 6
        options.replicas = 2
        options.writesPerSecond = 8
        options.chaosInterval = .seconds(4)
        options.resyncPeriod = "10s"
        options.quiesceTimeout = .seconds(120)
        options.verbose = false
        let configured = options
        let result = try await Self.offPool { try SoakRun.run(configured) }
        print(result.summary)
        #expect(result.verdict.missed == 0 && result.verdict.staleMarkers == 0, "\(result.verdict.findings)")
        #expect(result.verdict.extra == 0, "\(result.verdict.findings)")
        #expect(result.passed, "\(result.summary)")
        // The run did what it claims: content changes rolled out, and chaos happened.
        #expect(result.verdict.seen > 0 && result.verdict.contentChanges > 0)
        #expect(result.kills + result.terminations + result.rotations + result.faultRules.values.reduce(0, +) > 0)
        if result.passed { directory.remove() }
    }

    /// Runs blocking `work` on a Dispatch thread (the soak sleeps and waits on threads of its own), off Swift's
    /// cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
