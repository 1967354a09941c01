// kube-client-bench: KubeClient's list throughput and patch round trips against an in-process kube-sim.
//
//   kube-client-bench [--fixture PATH] [--objects N] [--page-size N] [--patches N] [--list-runs N]
//
// Seeds N Deployments (default 10,000) straight into kube-sim's store, copies of the items of
// ../shared/fixtures/lists/deployments-list.json with new names (about 2.5 KiB each), then with one KubeClient
// (kube-sim's kubeconfig, libcurl, keep-alive): `listAll` in pages of 500, and sequential strategic-merge patches
// of one Deployment's pod template annotation. Prints a markdown table on stdout. Build with `-c release`.
import Foundation
import KubeSim
import Logging
import Reloader
import Synchronization
import WebhookServer

// MARK: Arguments

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kube-client-bench: error: \(message)\n".utf8))
    exit(1)
}

func note(_ message: String) { FileHandle.standardError.write(Data("kube-client-bench: \(message)\n".utf8)) }

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let fixturePath =
    argument("--fixture")
    ?? ProcessInfo.processInfo.environment["SHARED_DIR"].map { $0 + "/fixtures/lists/deployments-list.json" }
    ?? repository.deletingLastPathComponent().appendingPathComponent("shared/fixtures/lists/deployments-list.json").path
let objectCount = argument("--objects").flatMap(Int.init) ?? 10_000
let pageSize = argument("--page-size").flatMap(Int.init) ?? 500
let patchCount = argument("--patches").flatMap(Int.init) ?? 1_000
let listRuns = max(1, argument("--list-runs").flatMap(Int.init) ?? 3)

// MARK: Measuring

/// A field of /proc/self/status in KiB (VmRSS, VmHWM).
func procStatusKiB(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// Samples VmRSS every 2 ms on its own thread and keeps the largest value, for the peak during one phase.
final class RSSSampler: Sendable {
    private let peak = Atomic<Int>(0)
    private let running = Atomic<Bool>(true)
    private let done = Mutex<Bool>(false)

    init() {
        peak.store(procStatusKiB("VmRSS"), ordering: .relaxed)
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                let now = procStatusKiB("VmRSS")
                if now > peak.load(ordering: .relaxed) { peak.store(now, ordering: .relaxed) }
                usleep(2_000)
            }
            done.withLock { $0 = true }
        }
        thread.start()
    }

    /// Stops sampling and returns the peak in KiB.
    func stop() -> Int {
        running.store(false, ordering: .relaxed)
        while !done.withLock({ $0 }) { usleep(1_000) }
        return max(peak.load(ordering: .relaxed), procStatusKiB("VmRSS"))
    }
}

/// Counts the requests and response body bytes that pass through, and the HTTP version last used.
final class CountingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let counters = Mutex<(requests: Int, bytes: Int, version: String)>((0, 0, "-"))

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let result = inner.send(request)
        if case .success(let response) = result {
            counters.withLock {
                $0.requests += 1
                $0.bytes += response.body.count
                $0.version = response.httpVersion == .http2 ? "HTTP/2" : "HTTP/1.1"
            }
        }
        return result
    }

    func reset() { counters.withLock { $0 = (0, 0, $0.version) } }
    var snapshot: (requests: Int, bytes: Int, version: String) { counters.withLock { $0 } }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
    guard !sorted.isEmpty else { return .zero }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))  // nearest rank
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
}

func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
func milliseconds(_ duration: Duration) -> String { String(format: "%.2f", seconds(duration) * 1000) }
func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
}

// MARK: Setup

CurlTransport.initializeLibrary()
var logger = Logger(label: "kube-client-bench")
logger.logLevel = .error
let rssAtStart = procStatusKiB("VmRSS")

let fixture: JSONValue
do {
    fixture = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: fixturePath))))
} catch {
    fail("cannot read the fixture \(fixturePath): \(error) (pass --fixture or set SHARED_DIR)")
}
guard let templates = fixture["items"]?.arrayValue, !templates.isEmpty else { fail("\(fixturePath) has no items") }

let server: KubeSimServer
do {
    server = try KubeSimServer.start(.init(), logger: logger)
} catch {
    fail("cannot start kube-sim: \(error)")
}
defer { server.stop() }
guard let deploymentsType = server.store.registry.lookup(group: "apps", version: "v1", resource: "deployments") else {
    fail("kube-sim has no apps/v1 deployments")
}

note("seeding \(objectCount) Deployments from \(fixturePath)")
let seedClock = ContinuousClock()
let seedStart = seedClock.now
var storedBytes = 0
for index in 0..<objectCount {
    var object = templates[index % templates.count]
    var metadata = object["metadata"] ?? [:]
    for field in ["uid", "resourceVersion", "creationTimestamp", "generation", "selfLink"] { metadata[field] = nil }
    metadata["name"] = .string(String(format: "bench-%05d", index))
    metadata["namespace"] = "default"
    object["metadata"] = metadata
    object["apiVersion"] = "apps/v1"
    object["kind"] = "Deployment"
    do {
        let created = try server.store.create(deploymentsType, namespace: "default", body: object)
        storedBytes += created.object.serialized().count
    } catch {
        fail("seeding \(index): \(error)")
    }
}
let seedTime = seedClock.now - seedStart
let rssAfterSeed = procStatusKiB("VmRSS")

let configuration: KubeConfiguration
do {
    configuration = try KubeConfiguration.kubeconfig(path: server.kubeconfigPath)
} catch {
    fail("\(error)")
}
let transport = CountingTransport(CurlTransport())
// No client-side rate limit: the default 20 QPS would cap the patch loop at 20/s and measure the limiter.
let client = KubeClient(
    configuration: configuration, transport: transport, logger: logger, options: .init(qps: 0, burst: 1))
let deployments = ResourcePath(group: "apps", version: "v1", resource: "deployments", namespace: "default")

// MARK: List

struct ListRun {
    var wall: Duration
    var requests: Int
    var bytes: Int
    var items: Int
    var rssBefore: Int
    var rssPeak: Int
}

func listOnce() -> ListRun {
    transport.reset()
    let rssBefore = procStatusKiB("VmRSS")
    let sampler = RSSSampler()
    let clock = ContinuousClock()
    let start = clock.now
    let result: (items: [JSONValue], resourceVersion: String)
    do {
        result = try client.listAll(deployments, pageSize: pageSize)
    } catch {
        fail("listAll: \(error)")
    }
    let wall = clock.now - start
    let peak = sampler.stop()
    let counted = transport.snapshot
    let run = ListRun(
        wall: wall, requests: counted.requests, bytes: counted.bytes, items: result.items.count,
        rssBefore: rssBefore, rssPeak: peak)
    guard run.items == objectCount else { fail("listAll returned \(run.items) items, expected \(objectCount)") }
    return run
}

note("listAll warm-up")
let cold = listOnce()  // the first list grows the heap; later ones mostly reuse what malloc kept
var runs: [ListRun] = []
for run in 1...listRuns {
    runs.append(listOnce())
    note(String(format: "listAll run %d: %.3f s", run, seconds(runs.last!.wall)))
}
let median = runs.sorted { $0.wall < $1.wall }[runs.count / 2]
let largestDelta = runs.map { $0.rssPeak - $0.rssBefore }.max() ?? 0
let listVersion = transport.snapshot.version

// MARK: Patches

let target = deployments.named("bench-00000")
func patch(_ sequence: Int) {
    let body: JSONValue = [
        "spec": ["template": ["metadata": ["annotations": ["bench.reloader/sequence": .string(String(sequence))]]]]
    ]
    do {
        _ = try client.patch(target, body, type: .strategicMerge)
    } catch {
        fail("patch \(sequence): \(error)")
    }
}
note("\(patchCount) strategic-merge patches of \(target.urlPath)")
for warmup in 0..<20 { patch(-1 - warmup) }
transport.reset()
var latencies: [Duration] = []
latencies.reserveCapacity(patchCount)
let patchClock = ContinuousClock()
let patchStart = patchClock.now
for sequence in 0..<patchCount {
    let start = patchClock.now
    patch(sequence)
    latencies.append(patchClock.now - start)
}
let patchWall = patchClock.now - patchStart
latencies.sort()
let patchRequests = transport.snapshot.requests
let patchVersion = transport.snapshot.version
let hwm = procStatusKiB("VmHWM")

// MARK: Report

let cores = ProcessInfo.processInfo.activeProcessorCount
let date: String = {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date())
}()
let averageObject = Double(storedBytes) / Double(max(objectCount, 1))
let listSeconds = seconds(median.wall)
print("## KubeClient against kube-sim")
print()
print(
    "\(date), \(cores) cores. kube-sim runs in the same process (HTTPS, loopback); \(grouped(Double(objectCount))) "
        + "Deployments seeded through its store in \(String(format: "%.1f", seconds(seedTime))) s (average "
        + String(format: "%.1f KiB", averageObject / 1024) + " as stored). One KubeClient on libcurl, client-side "
        + "rate limit off. List: median of \(listRuns) runs after a warm-up.")
print()
print("| measurement | value |")
print("|---|---:|")
print("| listAll, pageSize \(pageSize): wall time | \(String(format: "%.3f s", listSeconds)) |")
print("| listAll: objects/s | \(grouped(Double(median.items) / listSeconds)) |")
print(
    "| listAll: response bytes/s | "
        + String(
            format: "%.1f MiB/s (%.1f MiB per list)", Double(median.bytes) / listSeconds / 1_048_576,
            Double(median.bytes) / 1_048_576) + " |")
print("| listAll: requests per full list | \(median.requests) (\(listVersion)) |")
print(
    "| first list (cold heap): RSS before → peak during it | \(mib(cold.rssBefore)) → \(mib(cold.rssPeak)) "
        + "(+\(mib(cold.rssPeak - cold.rssBefore))) |")
print(
    "| later lists: RSS before → peak during it | \(mib(median.rssBefore)) → \(mib(median.rssPeak)) "
        + "(+\(mib(largestDelta)) largest) |")
print("| RSS at start → after seeding | \(mib(rssAtStart)) → \(mib(rssAfterSeed)) |")
print("| peak RSS of the process (VmHWM; includes kube-sim and its store) | \(mib(hwm)) |")
print(
    "| \(grouped(Double(patchCount))) sequential strategic-merge patches (keep-alive, \(patchVersion)): patches/s | "
        + "\(grouped(Double(patchCount) / seconds(patchWall))) |")
print(
    "| patch latency p50 / p99 / max | \(milliseconds(percentile(latencies, 50))) / "
        + "\(milliseconds(percentile(latencies, 99))) / \(milliseconds(latencies.last ?? .zero)) ms |")
print("| patch requests sent (retries included) | \(patchRequests) |")
