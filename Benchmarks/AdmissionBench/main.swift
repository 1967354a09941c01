import Foundation
import Logging
import Reloader
import WebhookServer

// The cost of the admission metrics: `ValidateHandler.handle` on real review bodies, through an `AdmissionEngine`
// whose index holds the Deployment the review selects (its plans go to a sink that drops them), once with
// `NoReloaderMetrics` and once with `ReloaderMetrics` on a Prometheus registry. Rounds of 100k calls alternate
// between the two so that load from other processes hits both alike; the minimum and median per call are printed.
//
//     swift build -c release --product admission-bench
//     .build/release/admission-bench Tests/ReloaderTests/Fixtures [rounds]

/// Drops every plan: the queue is not what is measured.
struct NullSink: ReloadSink {
    func enqueue(_ plan: PlannedReload) {}
}

struct Variant {
    let name: String
    let handler: ValidateHandler
    var nanoseconds: [Double] = []
}

func post(_ directory: String, _ name: String) throws -> HTTPRequest {
    var headers = HTTPHeaders()
    headers.add(name: "content-type", value: "application/json")
    let body = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    return HTTPRequest(method: "POST", path: "/validate", headers: headers, body: Array(body))
}

func makeVariant(_ name: String, metrics: any ReloaderMetricsRecorder, index: HTTPRequest) -> Variant {
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let engine = AdmissionEngine(
        options: .init(), index: IndexStore(), sink: NullSink(), logger: logger, metrics: metrics)
    let handler = ValidateHandler(logger: logger, engine: engine, metrics: metrics)
    _ = handler.handle(index)  // the Deployment CREATE review puts the workload in the index
    return Variant(name: name, handler: handler)
}

func perCall(_ handler: ValidateHandler, _ request: HTTPRequest, calls: Int) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    var bytes = 0
    for _ in 0..<calls { bytes &+= handler.handle(request).body.count }
    precondition(bytes > 0)
    let (seconds, attoseconds) = start.duration(to: clock.now).components
    return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(calls)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: admission-bench <fixtures directory> [rounds]\n".utf8))
    exit(2)
}
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 7 : 7
let index = try post(arguments[1], "deployment-create.json")
print("review                              variant          min ns    median ns")
for fixture in ["configmap-update.json", "configmap-update-labels-only.json"] {
    let request = try post(arguments[1], fixture)
    var variants = [
        makeVariant("no metrics", metrics: NoReloaderMetrics(), index: index),
        makeVariant("prometheus", metrics: ReloaderMetrics(registry: ServerMetrics().registry), index: index),
    ]
    for _ in 0..<rounds {
        for position in variants.indices {
            variants[position].nanoseconds.append(perCall(variants[position].handler, request, calls: 100_000))
        }
    }
    for variant in variants {
        let sorted = variant.nanoseconds.sorted()
        let figures = String(format: "%9.0f %12.0f", sorted[0], sorted[sorted.count / 2])
        print(
            fixture.padding(toLength: 36, withPad: " ", startingAt: 0)
                + variant.name.padding(toLength: 14, withPad: " ", startingAt: 0) + figures)
    }
}
