public import Foundation
public import Reloader

/// The soak's verdict, computed from the driver's own log and kube-sim's rollout record alone (never from
/// reloader's metrics or logs), per workload, with kube-sim's global resourceVersion ordering writes and rollouts:
/// - missed: a persisted content change of a config the workload uses with no rollout after it, or a final
///   `STAKATER_*` marker that is not the config's latest persisted content hash;
/// - extra: a rollout with no persisted content change of a used config since the previous rollout (so never one
///   for a denied, dry-run or metadata-only write, and at most one per burst);
/// - paused: a Deployment left with `spec.paused: true`;
/// - inconsistent: a config whose stored content is not the last content the log says persisted, or a denied or
///   dry-run write that persisted (the log itself would be wrong, so nothing above could be trusted).
/// Pure.
public enum SoakOracle {
    public struct Input: Sendable {
        public var layout: SoakLayout
        public var initialHashes: [ConfigRef: String]
        public var writes: [WriteRecord]
        /// Every rollout kube-sim recorded: workload, resourceVersion.
        public var rollouts: [(workload: WorkloadRef, resourceVersion: Int)]
        /// Each workload's env vars as stored at the end (name -> value).
        public var finalEnv: [WorkloadRef: [String: String]]
        public var pausedDeployments: [WorkloadRef]
        /// Each config's content hash as stored at the end.
        public var finalConfigHashes: [ConfigRef: String]
        /// `--coalesce-window`, to count the rollouts expected.
        public var coalesceWindow: TimeInterval

        public init(
            layout: SoakLayout, initialHashes: [ConfigRef: String], writes: [WriteRecord],
            rollouts: [(workload: WorkloadRef, resourceVersion: Int)], finalEnv: [WorkloadRef: [String: String]],
            pausedDeployments: [WorkloadRef], finalConfigHashes: [ConfigRef: String], coalesceWindow: TimeInterval
        ) {
            self.layout = layout
            self.initialHashes = initialHashes
            self.writes = writes
            self.rollouts = rollouts
            self.finalEnv = finalEnv
            self.pausedDeployments = pausedDeployments
            self.finalConfigHashes = finalConfigHashes
            self.coalesceWindow = coalesceWindow
        }
    }

    public struct Verdict: Sendable, Equatable {
        public var contentChanges = 0
        /// One per workload and burst of its content changes closer than the coalesce window: what a perfect
        /// reloader would roll out (a lower bound on `seen` only when every change is seen alone).
        public var expected = 0
        public var seen = 0
        /// Content changes (workload, config change) with no rollout after them.
        public var missed = 0
        /// Final markers that are not the config's latest content hash.
        public var staleMarkers = 0
        public var extra = 0
        public var paused = 0
        public var inconsistent = 0
        /// The first findings, one line each, for the report.
        public var findings: [String] = []

        public var passed: Bool { missed == 0 && staleMarkers == 0 && extra == 0 && paused == 0 && inconsistent == 0 }
    }

    struct Change {
        var resourceVersion: Int
        var time: Date
        var config: ConfigRef
    }

    public static func judge(_ input: Input, findingLimit: Int = 40) -> Verdict {
        var verdict = Verdict()
        func note(_ finding: String) { if verdict.findings.count < findingLimit { verdict.findings.append(finding) } }

        // The persisted content changes of each config, in resourceVersion order.
        var changes: [ConfigRef: [Change]] = [:]
        var latest = input.initialHashes
        let persisted = input.writes.filter(\.persisted).sorted {
            ($0.resourceVersion ?? 0) < ($1.resourceVersion ?? 0)
        }
        for write in persisted {
            if write.kind == .denied || write.kind == .dryRun {
                verdict.inconsistent += 1
                note("a \(write.kind.rawValue) write of \(write.config) persisted")
            }
            guard let version = write.resourceVersion, latest[write.config] != write.hash else { continue }
            latest[write.config] = write.hash
            changes[write.config, default: []].append(
                Change(resourceVersion: version, time: write.time, config: write.config))
        }
        for (config, hash) in input.finalConfigHashes where latest[config] != hash {
            verdict.inconsistent += 1
            note(
                "\(config) is stored with content \(hash.prefix(8)), the log's last is \(latest[config]?.prefix(8) ?? "none")"
            )
        }

        var rollouts: [WorkloadRef: [Int]] = [:]
        for rollout in input.rollouts { rollouts[rollout.workload, default: []].append(rollout.resourceVersion) }

        for workload in input.layout.workloads {
            let own = workload.uses.flatMap { changes[$0.config] ?? [] }.sorted {
                $0.resourceVersion < $1.resourceVersion
            }
            let seen = (rollouts[workload.ref] ?? []).sorted()
            verdict.contentChanges += own.count
            verdict.seen += seen.count
            verdict.expected += bursts(own, window: input.coalesceWindow)
            let last = seen.last ?? 0
            for change in own where change.resourceVersion > last {
                verdict.missed += 1
                note(
                    "missed: \(workload.ref) has no rollout after \(change.config) changed at rv \(change.resourceVersion)"
                )
            }
            var previous = 0
            for version in seen {
                if !own.contains(where: { $0.resourceVersion > previous && $0.resourceVersion < version }) {
                    verdict.extra += 1
                    note(
                        "extra: \(workload.ref) rolled out at rv \(version) with no content change since rv \(previous)"
                    )
                }
                previous = version
            }
            let env = input.finalEnv[workload.ref] ?? [:]
            for use in workload.uses {
                let marker = EnvVarName.forConfig(named: use.config.name, kind: use.config.kind)
                guard let want = latest[use.config], env[marker] != want else { continue }
                verdict.staleMarkers += 1
                note(
                    "stale: \(workload.ref) has \(marker)=\(env[marker]?.prefix(8) ?? "none"), latest is \(want.prefix(8))"
                )
            }
        }
        for workload in input.pausedDeployments {
            verdict.paused += 1
            note("paused: \(workload) is left paused")
        }
        return verdict
    }

    /// The number of groups `changes` (sorted) falls into when a group takes every change within `window` of its
    /// first.
    static func bursts(_ changes: [Change], window: TimeInterval) -> Int {
        var count = 0
        var start: Date?
        for change in changes.sorted(by: { $0.time < $1.time }) {
            if let first = start, change.time.timeIntervalSince(first) < window { continue }
            start = change.time
            count += 1
        }
        return count
    }
}
