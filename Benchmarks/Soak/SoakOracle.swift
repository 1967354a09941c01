public import Foundation
public import Reloader

/// The soak's verdict, computed from the driver's own log and kube-sim's rollout record alone (never from
/// reloader's metrics or logs), per workload, with kube-sim's global resourceVersion ordering writes and rollouts.
/// A rollout *carries* a config's content when it sets that config's `STAKATER_*` marker to the content's hash.
/// - missed: a persisted content change of a config the workload uses with no rollout after it, or a final marker
///   that is not the config's latest persisted content hash;
/// - extra: a rollout that carries no persisted content newer than any the template carried before it (so one for
///   a denied, dry-run or metadata-only write, one going back to older content and the one going forward again,
///   or one carrying a hash that never persisted), or one that only carries content the previous rollout could have
///   carried: already persisted before it, sent within one coalesce window of content it carried and readable
///   before that window closed (a burst split in two rollouts, DESIGN §4 "one rollout per workload per burst");
/// - paused: a Deployment left with `spec.paused: true`;
/// - inconsistent: a config whose stored content is not the last content the log says persisted, or a denied or
///   dry-run write that persisted (the log itself would be wrong, so nothing above could be trusted);
/// - unresolved: a write that got no answer, so the log cannot say whether it persisted: the run is inconclusive
///   (a rollout carrying its content would be counted extra, a missing one would go unnoticed), and fails.
/// Pure.
public enum SoakOracle {
    public struct Rollout: Sendable, Hashable {
        public var workload: WorkloadRef
        public var resourceVersion: Int
        /// The env vars the rollout set: name -> new value (nil: removed).
        public var env: [String: String?]
        /// When kube-sim stored it (for the findings' timelines only; the verdict orders by resourceVersion).
        public var time: Date?

        public init(workload: WorkloadRef, resourceVersion: Int, env: [String: String?], time: Date? = nil) {
            self.workload = workload
            self.resourceVersion = resourceVersion
            self.env = env
            self.time = time
        }
    }

    public struct Input: Sendable {
        public var layout: SoakLayout
        public var initialHashes: [ConfigRef: String]
        public var writes: [WriteRecord]
        public var rollouts: [Rollout]
        /// Each workload's env vars as stored at the end (name -> value).
        public var finalEnv: [WorkloadRef: [String: String]]
        public var pausedDeployments: [WorkloadRef]
        /// Each config's content hash as stored at the end.
        public var finalConfigHashes: [ConfigRef: String]
        /// `--coalesce-window`.
        public var coalesceWindow: TimeInterval

        public init(
            layout: SoakLayout, initialHashes: [ConfigRef: String], writes: [WriteRecord], rollouts: [Rollout],
            finalEnv: [WorkloadRef: [String: String]], pausedDeployments: [WorkloadRef],
            finalConfigHashes: [ConfigRef: String], coalesceWindow: TimeInterval
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
        /// One per workload and group of its content changes within one coalesce window of the group's first: what
        /// a perfect reloader would roll out when every group is rolled out before the next begins.
        public var expected = 0
        public var seen = 0
        /// Content changes (workload, config change) with no rollout after them.
        public var missed = 0
        /// Final markers that are not the config's latest content hash.
        public var staleMarkers = 0
        public var extra = 0
        /// Of `extra`: rollouts that split one burst.
        public var splitBursts = 0
        public var paused = 0
        public var inconsistent = 0
        /// Writes that got no answer (`WriteRecord.isUnresolved`).
        public var unresolved = 0
        /// The first findings, one line each, for the report.
        public var findings: [String] = []

        public var passed: Bool {
            missed == 0 && staleMarkers == 0 && extra == 0 && paused == 0 && inconsistent == 0 && unresolved == 0
        }

        mutating func note(_ finding: String, limit: Int) { if findings.count < limit { findings.append(finding) } }
    }

    /// One persisted content of a config: the write that stored it (resourceVersion 0 for the seed), when it was
    /// sent and when its answer came (by then it was readable).
    struct Content {
        var resourceVersion: Int
        var time: Date
        var hash: String
        var answered: Date
    }

    public static func judge(_ input: Input, findingLimit: Int = 40) -> Verdict {
        var verdict = Verdict()
        for write in input.writes where write.isUnresolved {
            verdict.unresolved += 1
            verdict.note(
                "unresolved: a \(write.kind.rawValue) write of \(write.config) got no answer after "
                    + "\(String(format: "%.0f", write.milliseconds)) ms (\(write.error ?? "no error text")); whether it "
                    + "persisted is unknown", limit: findingLimit)
        }
        let histories = contentHistories(input, into: &verdict, limit: findingLimit)
        var rollouts: [WorkloadRef: [Rollout]] = [:]
        for rollout in input.rollouts { rollouts[rollout.workload, default: []].append(rollout) }
        for workload in input.layout.workloads {
            judge(
                workload, rollouts: rollouts[workload.ref] ?? [], histories: histories,
                finalEnv: input.finalEnv[workload.ref] ?? [:], window: input.coalesceWindow, into: &verdict,
                limit: findingLimit)
        }
        for workload in input.pausedDeployments {
            verdict.paused += 1
            verdict.note("paused: \(workload) is left paused", limit: findingLimit)
        }
        return verdict
    }

    /// Each config's persisted contents in resourceVersion order, the seed first; checks the log against the store.
    static func contentHistories(
        _ input: Input, into verdict: inout Verdict, limit: Int
    ) -> [ConfigRef: [Content]] {
        var histories: [ConfigRef: [Content]] = [:]
        for (config, hash) in input.initialHashes {
            histories[config] = [
                Content(resourceVersion: 0, time: .distantPast, hash: hash, answered: .distantPast)
            ]
        }
        let persisted = input.writes.filter(\.persisted).sorted {
            ($0.resourceVersion ?? 0) < ($1.resourceVersion ?? 0)
        }
        for write in persisted {
            if write.kind == .denied || write.kind == .dryRun {
                verdict.inconsistent += 1
                verdict.note("inconsistent: a \(write.kind.rawValue) write of \(write.config) persisted", limit: limit)
            }
            guard let version = write.resourceVersion, histories[write.config]?.last?.hash != write.hash else {
                continue
            }
            histories[write.config, default: []].append(
                Content(
                    resourceVersion: version, time: write.time, hash: write.hash,
                    answered: write.time.addingTimeInterval(write.milliseconds / 1000)))
        }
        for (config, hash) in input.finalConfigHashes where histories[config]?.last?.hash != hash {
            verdict.inconsistent += 1
            verdict.note(
                "inconsistent: \(config) is stored with content \(hash.prefix(8)), the log's last is "
                    + "\(histories[config]?.last?.hash.prefix(8) ?? "none")", limit: limit)
        }
        return histories
    }

    /// The number of groups `times` falls into when a group takes every time within `window` of its first.
    static func bursts(_ times: [Date], window: TimeInterval) -> Int {
        var count = 0
        var start: Date?
        for time in times.sorted() {
            if let first = start, time.timeIntervalSince(first) < window { continue }
            start = time
            count += 1
        }
        return count
    }
}
