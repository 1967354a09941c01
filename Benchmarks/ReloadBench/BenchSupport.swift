import Dispatch
import Foundation
import Synchronization

/// Why the bench stopped. Each case names what failed; `main` prints it and exits 1.
enum BenchError: Error, CustomStringConvertible {
    case setup(String)
    case timedOut(String)
    case reloaderExited(String)
    case metrics(status: Int)
    case unexpected(String)

    var description: String {
        switch self {
        case .setup(let reason): "setup: \(reason)"
        case .timedOut(let what): "timed out waiting for: \(what)"
        case .reloaderExited(let log):
            "reloader exited; its log ends with:\n\(log.split(separator: "\n").suffix(20).joined(separator: "\n"))"
        case .metrics(let status): "reloader's /metrics answered \(status)"
        case .unexpected(let what): what
        }
    }
}

/// What must be undone however the bench ends (reloader child processes, kube-sim's directories): run on normal
/// exit, on a failure and on SIGINT/SIGTERM, so no reloader outlives the bench. Thread-safe (one mutex).
final class Cleanup: Sendable {
    static let shared = Cleanup()
    private let actions = Mutex<[@Sendable () -> Void]>([])

    func add(_ action: @escaping @Sendable () -> Void) { actions.withLock { $0.append(action) } }

    /// Runs every action once, newest first.
    func run() {
        let pending = actions.withLock { actions in
            defer { actions.removeAll() }
            return actions
        }
        for action in pending.reversed() { action() }
    }

    /// SIGINT and SIGTERM run the actions, then exit 130/143 (the sources are kept for the process's lifetime).
    func installSignalHandlers() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Cleanup.shared.run()
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }
}

func note(_ message: String) { FileHandle.standardError.write(Data("reload-bench: \(message)\n".utf8)) }

/// Polls `condition` every `interval` until it holds or `timeout` passes (then throws naming `what`).
func poll(
    _ what: String, timeout: Duration, interval: Duration = .milliseconds(1), _ condition: () throws -> Bool
) throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    let pause = useconds_t(max(1, interval / .microseconds(1)))
    while clock.now < deadline {
        if try condition() { return }
        usleep(pause)
    }
    if try condition() { return }
    throw BenchError.timedOut(what)
}

/// Runs async `work` (TestSupport's ReloaderProcess is async) and blocks this thread until it ends.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await work())
        } catch {
            outcome = .failure(error)
        }
        result.withLock { $0 = outcome }
        done.signal()
    }
    done.wait()
    guard let outcome = result.withLock({ $0 }) else { throw BenchError.unexpected("async work gave no result") }
    return try outcome.get()
}

/// A field of a /proc status file in KiB (VmRSS, VmHWM); 0 if unreadable.
func procStatusKiB(_ field: String, path: String = "/proc/self/status") -> Int {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Nearest-rank percentile of sorted values.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
}

func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
func kib(_ bytes: Int) -> String { String(format: "%.1f KiB", Double(bytes) / 1024) }
func grouped(_ value: Int) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    return formatter.string(from: NSNumber(value: value)) ?? String(value)
}
