import Foundation
import Glibc
import Reloader
import Synchronization

/// One reloader replica: the real executable as a child process with `--enable-ha` and its pod identity
/// (`POD_NAME`, `POD_NAMESPACE`), both listeners on 127.0.0.1:0 (ports read back from its "serving" log line), the
/// shared `--cert-dir`, standard error in a file of the run directory. Reads its metrics and /proc status. A
/// restart is a new `ReplicaProcess` with a new pod name, as a Deployment's replacement pod gets one.
/// Thread-safe for the calls used here (Process is; the rest is immutable after `start`).
final class ReplicaProcess: @unchecked Sendable {
    let name: String
    let webhookPort: Int
    let metricsPort: Int
    let logPath: String
    private let process: Process
    private let transport = CurlTransport(userAgent: "soak-metrics")

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Every replica started by this process, so a signal can stop them all (`SoakRun.killReplicas`).
    static let started = Mutex<[ReplicaProcess]>([])

    private init(name: String, process: Process, logPath: String, ports: (webhook: Int, metrics: Int)) {
        self.name = name
        self.process = process
        self.logPath = logPath
        webhookPort = ports.webhook
        metricsPort = ports.metrics
    }

    /// Launches the replica and returns once it logged its serving line (ready is a separate wait: `isReady`).
    static func start(
        name: String, executable: String, arguments: [String], directory: String, timeout: Duration = .seconds(60)
    ) throws(SoakError) -> ReplicaProcess {
        let logPath = "\(directory)/\(name).log"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["POD_NAME": name, "POD_NAMESPACE": SoakLayout.leaseNamespace], uniquingKeysWith: { $1 })
        process.standardInput = FileHandle.nullDevice
        do {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        } catch {
            throw .setup("cannot start \(executable): \(error)")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let ports = servingPorts(in: log) {
                let replica = ReplicaProcess(name: name, process: process, logPath: logPath, ports: ports)
                started.withLock { $0.append(replica) }
                return replica
            }
            if !process.isRunning { throw .replicaExited(name: name, log: log) }
            usleep(20_000)
        }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw .timedOut("replica \(name) logs its serving line")
    }

    func signal(_ number: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, number) }
    }

    /// Waits up to `timeout` for the exit; SIGKILLs it after that. Returns whether it exited on its own.
    @discardableResult
    func waitForExit(within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        guard process.isRunning else { return true }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    /// SIGKILL and reap; harmless when already gone.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var isReady: Bool { (try? get("/readyz").status) == 200 }

    /// Every sample of its /metrics, `name{labels}` exactly as exposed -> value; empty if it does not answer.
    func metrics() -> [String: Double] {
        guard let response = try? get("/metrics"), response.status == 200 else { return [:] }
        var samples: [String: Double] = [:]
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// VmHWM (peak resident set) in KiB from /proc; 0 once it exited.
    var peakResidentKiB: Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    private func get(_ path: String) throws -> TransportResponse {
        try transport.send(
            TransportRequest(method: "GET", url: "http://127.0.0.1:\(metricsPort)\(path)", timeout: .seconds(5))
        ).get()
    }

    /// Both ports from `... reloader.main: serving ... metrics=http://H:P/metrics webhook=https://H:P/validate`.
    static func servingPorts(in log: String) -> (webhook: Int, metrics: Int)? {
        for line in log.split(separator: "\n") where line.contains("reloader.main: serving") {
            guard let webhook = port(after: "webhook=https://", before: "/validate", in: line),
                let metrics = port(after: "metrics=http://", before: "/metrics", in: line)
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
