import Foundation
import Glibc

/// Kills the `reloader` and `kube-sim` processes a previous test process left behind when it died without cleaning
/// up (killed, crashed, interrupted): such children are re-parented to init and would keep running, resyncing
/// against nothing, for ever. Each child started through `ReloaderProcess` works in a directory named with its test
/// process's PID (`childDirectoryPrefix`), so a child whose recorded PID no longer exists is an orphan; children
/// of a test process still running, this one included, are never touched.
public enum OrphanReaper {
    /// The directory prefix of every child's working directory: `reloader-proc-p<test PID>`.
    public static var childDirectoryPrefix: String { "reloader-proc-p\(getpid())" }

    /// Runs `reap()` once per test process.
    public static let reapOnce: Void = reap()

    /// Kills every process whose command line names a `reloader-proc-p<PID>-` directory of a PID that is gone.
    public static func reap() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for entry in entries {
            // procfs files report size 0, so they are read in chunks (`readProcFile`), not by size.
            guard let pid = Int32(entry), pid != getpid(),
                let commandLine = readProcFile("/proc/\(entry)/cmdline"), let owner = ownerPID(in: commandLine)
            else { continue }
            if owner != getpid(), kill(owner, 0) != 0, errno == ESRCH {
                kill(pid, SIGKILL)
            }
        }
    }

    /// The test PID recorded in a command line (arguments separated by NUL), if any.
    static func ownerPID(in commandLine: String) -> Int32? {
        guard let range = commandLine.range(of: "/reloader-proc-p") else { return nil }
        let digits = commandLine[range.upperBound...].prefix { $0.isNumber }
        return Int32(digits)
    }
}
