import Dispatch
import Foundation
import Logging
import Reloader
import Synchronization

/// The soak's writer: at a steady rate, through the API (its own user agent, so kube-sim's faults never touch it;
/// its own kube-sim listener, so it never waits behind reloader's requests delayed by latency faults, which sleep
/// on their event-loop thread; no retries and a long timeout, so each write has exactly one answer), it changes
/// ConfigMaps and Secrets and logs every write with the API's answer and how long it took. The mix: single content changes, bursts (every config of one workload changed back to
/// back, inside the coalesce window), metadata-only writes, writes the second webhook denies, and dry-run writes.
/// A pacing thread hands each write to a small worker pool, so one slow write does not slow the rate.
/// Thread-safe: the state is the log (a mutex) and the counters (atomics).
final class WriteDriver: Sendable {
    private let client: KubeClient
    private let layout: SoakLayout
    private let burstCandidates: [SoakLayout.Workload]
    let log = WriteLog()
    private let sequence = Atomic<Int>(0)
    private let workers = DispatchQueue(label: "soak.driver", attributes: .concurrent)
    private let slots = DispatchSemaphore(value: 8)

    init(kubeconfigPath: String, layout: SoakLayout, logger: Logger) throws(SoakError) {
        let configuration: KubeConfiguration
        do {
            configuration = try KubeConfiguration.kubeconfig(path: kubeconfigPath)
        } catch {
            throw .setup("cannot read kube-sim's kubeconfig: \(error)")
        }
        client = KubeClient(
            configuration: configuration, transport: CurlTransport(maximumIdleHandles: 8, userAgent: "soak-driver"),
            logger: logger,
            options: .init(qps: 0, burst: 1, retry: RetryPolicy(maximumRetries: 0), requestTimeout: .seconds(120)))
        self.layout = layout
        burstCandidates = layout.workloads.filter { $0.uses.count > 1 }
    }

    /// Writes at `rate` per second until `until`, then waits for the writes in flight.
    func run(rate: Double, until deadline: ContinuousClock.Instant, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let interval = Duration.seconds(1 / max(0.1, rate))
        var next = ContinuousClock.now
        while next < deadline {
            let now = ContinuousClock.now
            if next > now { Thread.sleep(forTimeInterval: Self.seconds(now.duration(to: next))) }
            let plan = choose(&random)
            next += interval * plan.count
            // A burst's writes go out side by side, so they land inside one coalesce window.
            for write in plan {
                slots.wait()
                workers.async { [self] in
                    perform(write)
                    slots.signal()
                }
            }
        }
        workers.sync(flags: .barrier) {}
    }

    /// One write the pacing thread chose: its kind and its config (the content token is drawn when it is sent).
    struct PlannedWrite {
        var kind: WriteRecord.Kind
        var config: ConfigRef
    }

    private func choose(_ random: inout SplitMix64) -> [PlannedWrite] {
        let roll = random.next() % 100
        let config = layout.configs[Int(random.next() % UInt64(layout.configs.count))]
        switch roll {
        case 0..<55: return [PlannedWrite(kind: .data, config: config)]
        case 55..<67:
            guard !burstCandidates.isEmpty else { return [PlannedWrite(kind: .data, config: config)] }
            let workload = burstCandidates[Int(random.next() % UInt64(burstCandidates.count))]
            return workload.uses.map { PlannedWrite(kind: .burst, config: $0.config) }
        case 67..<78: return [PlannedWrite(kind: .metadata, config: config)]
        case 78..<89: return [PlannedWrite(kind: .denied, config: config)]
        default: return [PlannedWrite(kind: .dryRun, config: config)]
        }
    }

    private func perform(_ write: PlannedWrite) {
        let number = sequence.add(1, ordering: .relaxed).newValue
        let token = "w\(number)"
        let config = write.config
        var patch: JSONValue = [:]
        switch write.kind {
        case .data, .burst, .dryRun:
            patch["data"] = ConfigContent.data(config.kind, token: token)
        case .metadata:
            patch["metadata"] = [
                "labels": ["soak/touched": .string(token)], "annotations": ["soak/note": .string("touch \(token)")],
            ]
        case .denied:
            patch["metadata"] = ["labels": [DenyingWebhook.label: "true"]]
            patch["data"] = ConfigContent.data(config.kind, token: token)
        }
        let path = ResourcePath(
            group: "", version: "v1", resource: config.kind == .configMap ? "configmaps" : "secrets",
            namespace: config.namespace, name: config.name)
        let time = Date()
        let started = ContinuousClock.now
        var record = WriteRecord(
            time: time, kind: write.kind, config: config, hash: ConfigContent.hash(config.kind, token: token),
            persisted: false, status: 0, resourceVersion: nil)
        do {
            let stored = try client.patch(path, patch, type: .merge, dryRun: write.kind == .dryRun)
            record.status = 200
            if write.kind != .dryRun {
                record.persisted = true
                record.resourceVersion = stored[path: ["metadata", "resourceVersion"]]?.stringValue.flatMap { Int($0) }
                record.hash = ConfigContent.hash(of: stored, kind: config.kind) ?? record.hash
            }
        } catch {
            record.status = error.apiError?.code ?? 0
            record.error = "\(error)"
        }
        record.milliseconds = Self.seconds(started.duration(to: .now)) * 1000
        log.append(record)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
