import Foundation

/// The bench's settings: flags first, then environment variables (what scripts/bench.sh sets), then defaults.
///
///   --writes N           RELOAD_BENCH_WRITES     ConfigMap writes per latency series (default 200)
///   --workloads N        RELOAD_BENCH_WORKLOADS  Deployments of the API-cost cluster (default 10,000)
///   --namespaces N       RELOAD_BENCH_NAMESPACES namespaces they are spread over (default 20)
///   --resync-period D    reloader's --resync-period in the API-cost run (default 45s)
///   --windows LIST       reloader's --coalesce-window values for the latency series (default 1s,0s)
///   --reloader-flag F    an extra flag for every reloader started (repeatable), e.g. --log-level=debug
///   --raw-dir PATH       where the raw numbers go (CSV per measurement); none without it
///   --only latency|cost  run one of the two measurements
///   KUBECTL              kubectl binary (default /usr/bin/kubectl); RELOADER_BIN: the reloader binary (default:
///                        `reloader` next to this executable, i.e. the same build)
struct BenchOptions: Sendable {
    var writes = 200
    var workloads = 10_000
    var namespaces = 20
    var resyncPeriod = "45s"
    var rawDirectory: String?
    var windows = ["1s", "0s"]
    var extraReloaderFlags: [String] = []
    var runsLatency = true
    var runsCost = true
    var kubectl = "/usr/bin/kubectl"
    /// The repository (for scripts/webhook-configuration.sh), from this file's path.
    var repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func parse(_ arguments: [String], environment: [String: String]) throws -> BenchOptions {
        var options = BenchOptions()
        func value(_ flag: String, _ variable: String?) -> String? {
            if let index = arguments.firstIndex(of: flag), index + 1 < arguments.count { return arguments[index + 1] }
            return variable.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func count(_ flag: String, _ variable: String, minimum: Int) throws -> Int? {
            guard let text = value(flag, variable) else { return nil }
            guard let number = Int(text), number >= minimum else {
                throw BenchError.setup("\(flag) / \(variable): \(text) is not a whole number >= \(minimum)")
            }
            return number
        }
        options.writes = try count("--writes", "RELOAD_BENCH_WRITES", minimum: 1) ?? options.writes
        options.workloads = try count("--workloads", "RELOAD_BENCH_WORKLOADS", minimum: 400) ?? options.workloads
        options.namespaces = try count("--namespaces", "RELOAD_BENCH_NAMESPACES", minimum: 2) ?? options.namespaces
        options.resyncPeriod = value("--resync-period", nil) ?? options.resyncPeriod
        options.rawDirectory = value("--raw-dir", nil)
        if let list = value("--windows", nil) { options.windows = list.split(separator: ",").map(String.init) }
        for (index, argument) in arguments.enumerated()
        where argument == "--reloader-flag" && index + 1 < arguments.count {
            options.extraReloaderFlags.append(arguments[index + 1])
        }
        options.kubectl = environment["KUBECTL"].flatMap { $0.isEmpty ? nil : $0 } ?? options.kubectl
        switch value("--only", nil) {
        case nil: break
        case "latency": options.runsCost = false
        case "cost": options.runsLatency = false
        case let other?: throw BenchError.setup("--only: \(other) is not latency or cost")
        }
        // The shared config needs 100 users in one namespace, plus room for the pools of configs.
        guard options.workloads / options.namespaces >= 200 else {
            throw BenchError.setup("need at least 200 workloads per namespace (--workloads / --namespaces)")
        }
        return options
    }
}
