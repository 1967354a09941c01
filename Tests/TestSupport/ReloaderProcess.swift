import Foundation
import Glibc
import TestSupport

/// The built `reloader` executable running as a child process, on 127.0.0.1:0 for both listeners, with
/// certificates generated into a temporary directory of its own. Standard error goes to a file there.
///
/// Always pair `start` with `defer { process.cleanup() }`: cleanup SIGKILLs the child if it is still running,
/// reaps it and removes the directory, so no process is ever left behind.
public final class ReloaderProcess: @unchecked Sendable {  // the Process is only touched from the owning test
    public let directory: TemporaryDirectory
    public let certificates: TestCertificates
    public let webhookPort: Int
    public let metricsPort: Int
    private let child: LaunchedProcess
    /// The kube-sim started beside reloader when the caller gave no `--kubeconfig`.
    private let simulator: LaunchedProcess?

    public var pid: Int32 { child.pid }
    public var webhookURL: String { "https://127.0.0.1:\(webhookPort)" }
    public var metricsURL: String { "http://127.0.0.1:\(metricsPort)" }
    public var isRunning: Bool { child.isRunning }
    /// Everything the process has logged so far.
    public var stderr: String { child.stderr }

    /// Launches the executable and returns once it logged its "serving" line (ports parsed from it).
    /// `environment` is added to (and overrides) the test process's environment. Without a `--kubeconfig` among
    /// the arguments, a `kube-sim` process is started beside it (reloader needs an API server) and reloader is
    /// pointed at it; it is stopped with reloader.
    public static func start(
        _ extraArguments: [String] = [], environment: [String: String] = [:], timeout: Duration = .seconds(15)
    ) async throws -> ReloaderProcess {
        OrphanReaper.reapOnce
        let directory = try TemporaryDirectory(OrphanReaper.childDirectoryPrefix)
        var simulator: LaunchedProcess?
        do {
            let certificates = try TestCertificates.generate(in: directory.path)
            var arguments =
                [
                    "--webhook-address", "127.0.0.1:0", "--metrics-address", "127.0.0.1:0",
                    "--tls-cert-file", certificates.certificatePath, "--tls-private-key-file", certificates.keyPath,
                ] + extraArguments
            if !extraArguments.contains(where: { $0 == "--kubeconfig" || $0.hasPrefix("--kubeconfig=") }) {
                let kubeconfig = directory.file("kubeconfig")
                let sim = try LaunchedProcess(
                    try builtExecutable("kube-sim", override: "KUBE_SIM_BIN"),
                    ["--listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig, "--cert-dir", directory.file("sim")],
                    in: directory)
                simulator = sim
                try await waitUntil(timeout: timeout, "kube-sim writes its kubeconfig") {
                    guard sim.isRunning else { throw ReloaderExited(status: sim.terminationStatus, stderr: sim.stderr) }
                    return FileManager.default.fileExists(atPath: kubeconfig)
                }
                arguments = ["--kubeconfig", kubeconfig] + arguments
            }
            let child = try LaunchedProcess(try executablePath(), arguments, environment: environment, in: directory)
            do {
                var ports: (webhook: Int, metrics: Int)?
                try await waitUntil(timeout: timeout, "reloader logs its serving line") {
                    if let found = servingPorts(in: child.stderr) {
                        ports = found
                        return true
                    }
                    if !child.isRunning {
                        throw ReloaderExited(status: child.terminationStatus, stderr: child.stderr)
                    }
                    return false
                }
                return ReloaderProcess(
                    directory: directory, certificates: certificates, child: child, simulator: simulator,
                    ports: ports!)
            } catch {
                child.kill()
                throw error
            }
        } catch {
            simulator?.kill()
            directory.remove()
            throw error
        }
    }

    private init(
        directory: TemporaryDirectory, certificates: TestCertificates, child: LaunchedProcess,
        simulator: LaunchedProcess?, ports: (webhook: Int, metrics: Int)
    ) {
        self.directory = directory
        self.certificates = certificates
        self.child = child
        self.simulator = simulator
        webhookPort = ports.webhook
        metricsPort = ports.metrics
    }

    deinit { cleanup() }

    /// Sends `signal` (SIGTERM by default) without waiting.
    public func signal(_ number: Int32 = SIGTERM) { child.signal(number) }

    /// Sends SIGTERM and waits for the exit; returns the exit status (or throws if it never exits).
    @discardableResult
    public func terminate(within timeout: Duration = .seconds(15)) async throws -> Int32 {
        signal(SIGTERM)
        return try await waitForExit(within: timeout)
    }

    /// Waits for the process to exit on its own; returns the exit status. A signal death is an error.
    public func waitForExit(within timeout: Duration) async throws -> Int32 {
        try await child.waitForExit(within: timeout)
    }

    /// SIGKILLs the process if it still runs, reaps it, removes its directory. Idempotent; call it in a `defer`.
    public func cleanup() {
        child.kill()
        simulator?.kill()
        directory.remove()
    }

    /// The number of descriptors the process holds open now (`/proc/<pid>/fd`).
    public func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    // MARK: Locating and parsing

    /// `$RELOADER_BIN`, or `reloader` next to the test bundle (`.build/<configuration>/`).
    public static func executablePath() throws -> String {
        try builtExecutable("reloader", override: "RELOADER_BIN")
    }

    /// `$<override>`, or the product `name` next to the test bundle (`.build/<configuration>/`).
    public static func builtExecutable(_ name: String, override variable: String) throws -> String {
        if let override = ProcessInfo.processInfo.environment[variable], !override.isEmpty { return override }
        let testBinary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            testBinary.deletingLastPathComponent(),
            URL(fileURLWithPath: Bundle.main.bundlePath),
            URL(fileURLWithPath: Bundle.main.bundlePath).deletingLastPathComponent(),
        ].map { $0.appendingPathComponent(name).path }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw ExecutableNotFound(name: name, variable: variable, searched: candidates)
    }

    /// Reads both ports from `... reloader.main: serving ... metrics=http://H:P/metrics webhook=https://H:P/validate`,
    /// or from the same line in JSON (`--log-format=json`: `"msg":"serving",..."metrics":"http://H:P/metrics"`).
    public static func servingPorts(in log: String) -> (webhook: Int, metrics: Int)? {
        for line in log.split(separator: "\n")
        where line.contains("reloader.main: serving")
            || (line.contains("\"logger\":\"reloader.main\"") && line.contains("\"msg\":\"serving\""))
        {
            guard
                let webhook = port(after: "webhook=https://", before: "/validate", in: line)
                    ?? port(after: "\"webhook\":\"https://", before: "/validate", in: line),
                let metrics = port(after: "metrics=http://", before: "/metrics", in: line)
                    ?? port(after: "\"metrics\":\"http://", before: "/metrics", in: line)
            else { continue }
            return (webhook, metrics)
        }
        return nil
    }

    private static func port(after prefix: String, before suffix: String, in line: Substring) -> Int? {
        guard let start = line.range(of: prefix), let end = line[start.upperBound...].range(of: suffix) else {
            return nil
        }
        let hostPort = line[start.upperBound..<end.lowerBound]
        guard let colon = hostPort.lastIndex(of: ":") else { return nil }
        return Int(hostPort[hostPort.index(after: colon)...])
    }
}

public struct ReloaderExited: Error, CustomStringConvertible {
    public let status: Int32
    public let stderr: String

    public init(status: Int32, stderr: String) {
        self.status = status
        self.stderr = stderr
    }

    public var description: String { "reloader exited \(status) before serving; stderr:\n\(stderr)" }
}

public struct ExecutableNotFound: Error, CustomStringConvertible {
    let name: String
    let variable: String
    let searched: [String]
    public var description: String { "no \(name) executable (set \(variable)); looked at \(searched)" }
}

/// A child process with its standard output and error in files; killed and reaped by `kill()`.
public final class LaunchedProcess: @unchecked Sendable {  // Process is thread-safe for the calls used here
    private let process = Process()
    let stderrPath: String

    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        in directory: TemporaryDirectory
    ) throws {
        stderrPath = directory.file("stderr-\(UUID().uuidString.prefix(6)).log")
        let stdoutPath = stderrPath.replacingOccurrences(of: "stderr-", with: "stdout-")
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    deinit { kill() }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var terminationStatus: Int32 { process.terminationStatus }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    public func signal(_ number: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, number) }
    }

    public func waitForExit(within timeout: Duration) async throws -> Int32 {
        try await waitUntil(timeout: timeout, "process \(pid) exits") { !process.isRunning }
        guard process.terminationReason == .exit else {
            throw KilledBySignal(signal: process.terminationStatus, stderr: stderr)
        }
        return process.terminationStatus
    }

    /// SIGKILL if still running, then reap. Safe to call more than once.
    public func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

public struct KilledBySignal: Error, CustomStringConvertible {
    let signal: Int32
    let stderr: String
    public var description: String { "process died of signal \(signal); stderr:\n\(stderr)" }
}

/// Runs the reloader executable with exactly `arguments` until it exits on its own (flag errors), killing it after
/// `timeout` if it does not (then the test fails: it should have refused to start).
public func runReloaderToExit(
    _ arguments: [String], timeout: Duration = .seconds(10)
) async throws -> (status: Int32, stderr: String) {
    OrphanReaper.reapOnce
    let directory = try TemporaryDirectory(OrphanReaper.childDirectoryPrefix)
    defer { directory.remove() }
    let child = try LaunchedProcess(try ReloaderProcess.executablePath(), arguments, in: directory)
    defer { child.kill() }
    let status = try await child.waitForExit(within: timeout)
    return (status, child.stderr)
}
