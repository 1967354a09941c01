import Foundation

/// What a soak run measured and the oracle's verdict, with the summary `make soak` prints. A pure value.
public struct SoakResult: Sendable {
    public var options: SoakOptions
    public var writes: [WriteRecord.Kind: (sent: Int, persisted: Int)]
    /// The driver's write durations in milliseconds (kube-sim's admission, webhook calls included).
    public var writeLatency: (p99: Double, max: Double)
    public var verdict: SoakOracle.Verdict
    public var faultRules: [String: Int]
    /// Requests the fault rules could affect (each rule's count).
    public var faultBudget: Int
    /// reloader's requests kube-sim answered with 429, 5xx or a dropped connection.
    public var faultedRequests: Int
    public var reloaderRequests: Int
    public var kills: Int
    public var terminations: Int
    public var restarts: Int
    public var rotations: Int
    /// Webhook calls kube-sim could not complete: to reloader (through the Service), to the denying webhook.
    public var admissionErrors: (reloader: Int, policy: Int)
    public var webhookCalls: Int
    public var deniedByPolicy: Int
    public var maxQueueDepth: Int
    public var peakResidentKiB: Int
    public var chaosErrors: [String]
    /// Why the end of the run did not settle (queues never empty, no leader), nil when it did.
    public var quiesceFailure: String?
    public var elapsed: Duration

    /// Zero missed and zero extra, nothing paused, a consistent log, every chaos action carried out, and a settled end.
    public var passed: Bool { verdict.passed && chaosErrors.isEmpty && quiesceFailure == nil }

    public var summary: String {
        let v = verdict
        func kind(_ kind: WriteRecord.Kind) -> String {
            let count = writes[kind] ?? (0, 0)
            return "\(kind.rawValue) \(count.sent) (\(count.persisted) persisted)"
        }
        let total = writes.values.reduce(0) { $0 + $1.sent }
        let faults = faultRules.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var lines = [
            "soak summary (\(Int(WriteDriver.seconds(options.duration)))s of writes, \(options.workloads) workloads in "
                + "\(options.namespaces) namespaces, \(options.replicas) replicas, seed \(options.seed), "
                + "\(Int(WriteDriver.seconds(elapsed)))s in all)",
            "  writes:              \(total): " + WriteRecord.Kind.allCases.map(kind).joined(separator: ", "),
            "  write latency:       p99 \(String(format: "%.0f", writeLatency.p99)) ms, max "
                + "\(String(format: "%.0f", writeLatency.max)) ms; unanswered (outcome unknown): \(v.unresolved)",
            "  content changes:     \(v.contentChanges) (workload x persisted change of a config it uses)",
            "  rollouts:            expected \(v.expected), seen \(v.seen), missed \(v.missed), extra \(v.extra)",
            "  final markers stale: \(v.staleMarkers); Deployments left paused: \(v.paused); log inconsistencies: "
                + "\(v.inconsistent)",
            "  faults injected:     \(faultRules.values.reduce(0, +)) rules (\(faults)) over \(faultBudget) requests; "
                + "\(faultedRequests) of reloader's \(reloaderRequests) API requests answered 429/5xx/dropped",
            "  replica restarts:    \(restarts) (\(kills) SIGKILL, \(terminations) SIGTERM)",
            "  cert rotations:      \(rotations)",
            "  admission errors:    \(admissionErrors.reloader) reloader calls failed, \(admissionErrors.policy) policy "
                + "calls failed, of \(webhookCalls) webhook calls (\(deniedByPolicy) writes denied by the policy)",
            "  max queue depth:     \(maxQueueDepth)",
            "  peak RSS (replica):  \(String(format: "%.1f", Double(peakResidentKiB) / 1024)) MiB",
        ]
        for error in chaosErrors.prefix(5) { lines.append("  chaos error: \(error)") }
        if let quiesceFailure { lines.append("  did not settle: \(quiesceFailure)") }
        for finding in v.findings { lines.append("  \(finding)") }
        lines.append(passed ? "PASS: zero missed, zero extra" : "FAIL: see the findings above")
        return lines.joined(separator: "\n")
    }
}
