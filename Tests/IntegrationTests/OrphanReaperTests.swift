import Foundation
import Glibc
import TestSupport
import Testing

/// The reaper that keeps a crashed test run's children from running for ever.
@Suite("orphaned children are reaped")
struct OrphanReaperTests {
    /// A `sleep 300` whose command line names a child directory of test process `owner`.
    private func sleeper(owner: Int32) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Two commands, so the shell does not exec into sleep and its command line keeps the directory name.
        process.arguments = ["-c", "sleep 300; true", "/tmp/reloader-proc-p\(owner)-test"]
        try process.run()
        return process
    }

    @Test("a child of a test process that is gone is killed; a child of this one is left alone")
    func reapsOnlyOrphans() async throws {
        // A PID that existed and is gone: a finished `true`.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let orphan = try sleeper(owner: finished.processIdentifier)
        let ours = try sleeper(owner: getpid())
        defer {
            for process in [orphan, ours] where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        OrphanReaper.reap()
        try await waitUntil(timeout: .seconds(10), "the orphan is killed") { !isAlive(orphan.processIdentifier) }
        #expect(isAlive(ours.processIdentifier))
    }

    /// Whether `pid` runs (a zombie, killed but not yet reaped, does not count).
    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = readProcFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }
}
