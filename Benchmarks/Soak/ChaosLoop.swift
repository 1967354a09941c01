import Foundation
import KubeSim
import Reloader
import Synchronization

/// The soak's chaos: every `interval`, one action drawn at random: an API fault on reloader's own requests (the
/// `reloader/` user agent: 429 with Retry-After, 500, 503, dropped connections, latency; a random verb and
/// resource, for a bounded number of requests), a replica SIGKILLed or SIGTERMed and started again (a new pod
/// name; a killed leader's Lease expires, a terminated one's is released), or a serving certificate rotation
/// through the `..data` swap. One replica is down at a time at most, as a PodDisruptionBudget of one would allow.
/// Runs on its caller's thread; the counters are read after `run` returns.
final class ChaosLoop {
    private let faults: FaultInjector
    private let replicas: ReplicaPool
    private let certificates: SoakCertificates
    private let progress: @Sendable (String) -> Void
    private(set) var faultRules: [String: Int] = [:]
    private(set) var faultBudget = 0
    private(set) var kills = 0
    private(set) var terminations = 0
    private(set) var rotations = 0
    private(set) var errors: [String] = []

    static let verbs = ["get", "list", "patch", "update", "create", "*"]
    static let resources = ["configmaps", "secrets", "deployments", "statefulsets", "daemonsets", "leases", "*"]

    init(
        faults: FaultInjector, replicas: ReplicaPool, certificates: SoakCertificates,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.faults = faults
        self.replicas = replicas
        self.certificates = certificates
        self.progress = progress
    }

    func run(interval: Duration, until deadline: ContinuousClock.Instant, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        while ContinuousClock.now + interval < deadline {
            Thread.sleep(forTimeInterval: WriteDriver.seconds(interval))
            act(&random)
        }
    }

    private func act(_ random: inout SplitMix64) {
        let roll = random.next() % 100
        do {
            switch roll {
            case 0..<45: try injectFault(&random)
            case 45..<63:
                let slot = Int(random.next() % UInt64(replicas.count))
                replicas.kill(slot)
                kills += 1
                Thread.sleep(forTimeInterval: 0.5 + Double(random.next() % 2_500) / 1_000)
                try replicas.restartDown()
            case 63..<78:
                let slot = Int(random.next() % UInt64(replicas.count))
                replicas.terminate(slot)
                terminations += 1
                try replicas.restartDown()
            case 78..<92:
                try certificates.rotate()
                rotations += 1
                progress("rotated the serving certificate (pair \(certificates.version))")
            default:
                break
            }
        } catch {
            errors.append("\(error)")
            progress("chaos action failed: \(error)")
        }
    }

    private func injectFault(_ random: inout SplitMix64) throws {
        let verb = Self.verbs[Int(random.next() % UInt64(Self.verbs.count))]
        let resource = Self.resources[Int(random.next() % UInt64(Self.resources.count))]
        let count = 10 + Int(random.next() % 71)
        var rule: JSONValue = [
            "userAgent": "reloader/", "verb": .string(verb), "resource": .string(resource),
            "count": .number("\(count)"),
        ]
        let label: String
        switch random.next() % 5 {
        case 0:
            rule["kind"] = "status"
            rule["status"] = 429
            rule["retryAfterSeconds"] = .number("\(1 + random.next() % 2)")
            label = "429"
        case 1:
            rule["kind"] = "status"
            rule["status"] = random.next() % 2 == 0 ? 500 : 503
            label = "5xx"
        case 2:
            rule["kind"] = "drop"
            label = "drop"
        default:
            rule["kind"] = "latency"
            rule["latencyMs"] = .number("\(200 + random.next() % 1_300)")
            label = "latency"
        }
        faults.add(try FaultInjector.Rule(json: rule, now: Date()))
        faultRules[label, default: 0] += 1
        faultBudget += count
    }
}
