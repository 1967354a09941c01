// reload-bench: reload latency and API cost of the release `reloader` against kube-sim in this process
// (DESIGN §6, "reload" and "API cost"). Settings: see BenchOptions.swift. Prints markdown tables on stdout (progress
// on stderr) and, with --raw-dir, writes the raw numbers there. Build with `-c release`; scripts/bench.sh runs it.
import Foundation
import KubeSim
import Logging
import Reloader
import TestSupport

CurlTransport.initializeLibrary()  // before any thread starts: curl_global_init is not thread-safe
LoggingSystem.bootstrap(StreamLogHandler.standardError)  // kube-sim's warnings, never into the tables on stdout
let signalSources = Cleanup.shared.installSignalHandlers()

func reloadBench() throws {
    let options = try BenchOptions.parse(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
    let reloaderPath = try ReloaderProcess.executablePath()
    guard FileManager.default.isExecutableFile(atPath: options.kubectl) else {
        throw BenchError.setup("no kubectl at \(options.kubectl) (set KUBECTL)")
    }
    let kubectlVersion =
        (try? ProcessRunner.run(options.kubectl, ["version", "--client"]).stdout)?.split(separator: "\n").first
        .map(String.init) ?? "kubectl"
    let date: String = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }()
    var raw: [(String, String)] = []
    print("## Reload latency and API cost (reload-bench)\n")
    print(
        "\(date), \(ProcessInfo.processInfo.activeProcessorCount) cores. kube-sim in the bench's process (HTTPS, "
            + "loopback); reloader: `\(reloaderPath)` as a child process with `--kubeconfig`; \(kubectlVersion).\n")

    if options.runsLatency {
        var series: [LatencyReport.Series] = []
        for window in options.windows {
            note("latency: --coalesce-window=\(window), \(options.writes) writes per writer")
            // A fresh kube-sim per reloader: re-applying the webhook configuration for a restarted reloader empties
            // its webhooks' rules in kube-sim (see bench/README.md), so the new reloader would get no review.
            let cluster = try BenchCluster(options: options, name: "latency-\(window)")
            try LatencyRun.seed(cluster.sim.store)
            let samples = try LatencyRun(cluster: cluster, window: window).run(writes: options.writes)
            cluster.stop()
            series.append(.init(window: window, samples: samples))
        }
        let report = LatencyReport(series: series)
        print(report.markdown(writes: options.writes))
        raw.append(("latency.csv", report.csv))
    }

    if options.runsCost {
        let cluster = try BenchCluster(options: options, name: "cost")
        let layout = ClusterSeed.Layout(workloads: options.workloads, namespaces: options.namespaces)
        note("seeding \(grouped(layout.workloads)) Deployments and their configs")
        let seed = try ClusterSeed(layout: layout, store: cluster.sim.store).seed()
        let result = try CostRun(cluster: cluster, layout: layout).run()
        let report = CostReport(
            layout: layout, seed: seed, single: result.single, shared: result.shared, resync: result.resync,
            stakater: StakaterModel(store: cluster.sim.store), resyncPeriod: options.resyncPeriod)
        print(report.markdown())
        raw += report.csvFiles
        cluster.stop()
    }

    if let directory = options.rawDirectory {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, contents) in raw {
            try contents.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        note("raw numbers in \(directory)")
    }
}

do {
    try reloadBench()
    Cleanup.shared.run()
} catch {
    Cleanup.shared.run()
    FileHandle.standardError.write(Data("reload-bench: error: \(error)\n".utf8))
    exit(1)
}
withExtendedLifetime(signalSources) {}
