import Foundation

/// Everything a soak run is parameterised by: the cluster's size, the driver's rate, the chaos loop's pace and the
/// reloader flags that make a killed replica's losses catchable quickly. `make soak` reads it from the environment
/// (`fromEnvironment`); the short run inside `swift test` builds a smaller one. A pure value.
public struct SoakOptions: Sendable {
    /// How long the driver writes and the chaos loop runs (`SOAK_SECONDS`).
    public var duration: Duration = .seconds(600)
    public var workloads = 2_000
    public var namespaces = 20
    public var replicas = 3
    /// Writes per second the driver aims at (bursts count each of their writes).
    public var writesPerSecond = 15.0
    /// Seconds between two chaos actions.
    public var chaosInterval: Duration = .seconds(5)
    /// `--resync-period`: a replica SIGKILLed with plans pending loses them; the leader's reconciler finds them
    /// within one period.
    public var resyncPeriod = "15s"
    public var coalesceWindow = "1s"
    public var leaseDuration = "4s"
    public var renewDeadline = "3s"
    public var retryPeriod = "500ms"
    /// `--kube-api-qps` and `--kube-api-burst`. Each resync pass of the leader reads every config (1,800 GETs at the
    /// default scale): at the default 50/s a pass would outlast a 15 s resync period, and the reconciler's plans
    /// would queue behind the reads without end.
    public var apiQPS = 300
    public var apiBurst = 600
    /// The longest the quiesce phase may take before the run fails.
    public var quiesceTimeout: Duration = .seconds(300)
    /// The seed of every random choice (layout, writes, chaos), printed so a failing run can be replayed.
    public var seed: UInt64 = 7
    /// The `reloader` executable the replicas run.
    public var reloaderPath: String
    /// Where the run keeps its files (certificates, replica logs, the write log); removed at the end unless
    /// `keepDirectory`.
    public var directory: String
    public var keepDirectory = false
    /// Progress lines on standard error.
    public var verbose = true

    public init(reloaderPath: String, directory: String) {
        self.reloaderPath = reloaderPath
        self.directory = directory
    }

    /// `SOAK_SECONDS`, `SOAK_WORKLOADS`, `SOAK_NAMESPACES`, `SOAK_REPLICAS`, `SOAK_RATE`, `SOAK_CHAOS_SECONDS`,
    /// `SOAK_RESYNC_PERIOD`, `SOAK_SEED`, `SOAK_KEEP=1`, over the defaults above.
    public static func fromEnvironment(
        _ environment: [String: String], reloaderPath: String, directory: String
    ) throws(SoakError) -> SoakOptions {
        var options = SoakOptions(reloaderPath: reloaderPath, directory: directory)
        func integer(_ name: String, _ range: ClosedRange<Int>) throws(SoakError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw .invalidOption(name: name, value: text, expected: "an integer in \(range)")
            }
            return value
        }
        if let seconds = try integer("SOAK_SECONDS", 10...86_400) { options.duration = .seconds(seconds) }
        if let count = try integer("SOAK_WORKLOADS", 10...100_000) { options.workloads = count }
        if let count = try integer("SOAK_NAMESPACES", 1...1_000) { options.namespaces = count }
        if let count = try integer("SOAK_REPLICAS", 1...9) { options.replicas = count }
        if let rate = try integer("SOAK_RATE", 1...500) { options.writesPerSecond = Double(rate) }
        if let seconds = try integer("SOAK_CHAOS_SECONDS", 1...600) { options.chaosInterval = .seconds(seconds) }
        if let seed = try integer("SOAK_SEED", 0...Int.max) { options.seed = UInt64(seed) }
        if let period = environment["SOAK_RESYNC_PERIOD"], !period.isEmpty { options.resyncPeriod = period }
        options.keepDirectory = environment["SOAK_KEEP"] == "1"
        return options
    }

    /// The flags every replica runs with (before `--kubeconfig`, the cert dir and the listen addresses).
    var reloaderFlags: [String] {
        [
            "--enable-ha", "--leader-election-lease-duration=\(leaseDuration)",
            "--leader-election-renew-deadline=\(renewDeadline)", "--leader-election-retry-period=\(retryPeriod)",
            "--resync-period=\(resyncPeriod)", "--coalesce-window=\(coalesceWindow)", "--kube-api-qps=\(apiQPS)",
            "--kube-api-burst=\(apiBurst)",
        ]
    }

    var coalesceSeconds: Double { Double(coalesceWindow.dropLast()) ?? 1 }
}

/// Why a soak run could not be carried out (as opposed to a run that found missed or extra rollouts, which is a
/// result). Each case names what failed.
public enum SoakError: Error, CustomStringConvertible {
    case invalidOption(name: String, value: String, expected: String)
    case setup(String)
    case replicaExited(name: String, log: String)
    case timedOut(String)

    public var description: String {
        switch self {
        case .invalidOption(let name, let value, let expected): "\(name)=\(value) is not valid; expected \(expected)"
        case .setup(let reason): "setup failed: \(reason)"
        case .replicaExited(let name, let log):
            "replica \(name) exited before serving; its log ends with:\n"
                + log.split(separator: "\n").suffix(20).joined(separator: "\n")
        case .timedOut(let what): "timed out waiting for: \(what)"
        }
    }
}
