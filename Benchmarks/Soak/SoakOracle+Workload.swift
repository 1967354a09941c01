import Foundation
import Reloader

/// The per-workload half of `SoakOracle`: walks the workload's rollouts in resourceVersion order, tracking which
/// content of each used config its template carries. Pure.
extension SoakOracle {
    static func judge(
        _ workload: SoakLayout.Workload, rollouts: [Rollout], histories: [ConfigRef: [Content]],
        finalEnv: [String: String], window: TimeInterval, into verdict: inout Verdict, limit: Int
    ) {
        let ref = workload.ref
        let markers = Dictionary(
            workload.uses.map { (EnvVarName.forConfig(named: $0.config.name, kind: $0.config.kind), $0.config) },
            uniquingKeysWith: { first, _ in first })
        let changes = workload.uses.flatMap { (histories[$0.config] ?? []).dropFirst().map { ($0, $0.time) } }
        verdict.contentChanges += changes.count
        verdict.expected += bursts(changes.map(\.1), window: window)
        let sorted = rollouts.sorted { $0.resourceVersion < $1.resourceVersion }
        verdict.seen += sorted.count

        // Index into each config's history of the newest content the template has carried (0: the seeded marker):
        // going back to older content and forward again restarts the pods twice for nothing.
        var carried: [ConfigRef: Int] = [:]
        var previous: (resourceVersion: Int, carried: [Content], time: Date?)?
        for rollout in sorted {
            var newer: [Content] = []
            var reasons: [String] = []
            for (name, value) in rollout.env.sorted(by: { $0.key < $1.key }) {
                guard let config = markers[name], let history = histories[config] else { continue }
                let index = history.lastIndex { $0.hash == value && $0.resourceVersion < rollout.resourceVersion }
                guard let index else {
                    reasons.append("\(name)=\(value?.prefix(8) ?? "removed") never persisted before it")
                    continue
                }
                let best = carried[config] ?? 0
                carried[config] = max(best, index)
                if index > best {
                    newer.append(history[index])
                } else {
                    reasons.append("\(name) carries content #\(index) of \(config.name), #\(best) was carried before")
                }
            }
            if newer.isEmpty {
                verdict.extra += 1
                let why = reasons.isEmpty ? "no marker changed" : reasons.joined(separator: "; ")
                verdict.note(
                    "extra: \(ref) rolled out at rv \(rollout.resourceVersion) carrying nothing new: \(why)",
                    limit: limit)
            } else if let previous,
                isSplit(newer, previous: (previous.resourceVersion, previous.carried), window: window)
            {
                verdict.extra += 1
                verdict.splitBursts += 1
                verdict.note(
                    "extra: \(ref) rolled out at rv \(rollout.resourceVersion) for a burst the rollout at rv "
                        + "\(previous.resourceVersion) could have carried (rollout at rv \(previous.resourceVersion)"
                        + "\(timeline(previous.time, previous.carried)); rollout at rv \(rollout.resourceVersion)"
                        + "\(timeline(rollout.time, newer)))", limit: limit)
            }
            previous = (rollout.resourceVersion, newer, rollout.time)
        }

        let last = sorted.last?.resourceVersion ?? 0
        for (content, _) in changes where content.resourceVersion > last {
            verdict.missed += 1
            verdict.note(
                "missed: \(ref) has no rollout after the change at rv \(content.resourceVersion)", limit: limit)
        }
        for use in workload.uses {
            let marker = EnvVarName.forConfig(named: use.config.name, kind: use.config.kind)
            guard let latest = histories[use.config]?.last?.hash, finalEnv[marker] != latest else { continue }
            verdict.staleMarkers += 1
            verdict.note(
                "stale: \(ref) ends with \(marker)=\(finalEnv[marker]?.prefix(8) ?? "none"), latest is \(latest.prefix(8))",
                limit: limit)
        }
    }

    /// ` at <time> carrying <hash> (rv, sent, answered), ...`: what a split finding needs to be judged from the
    /// output alone (times in Unix seconds, as `writes.tsv` and `rollouts.tsv` write them).
    static func timeline(_ time: Date?, _ carried: [Content]) -> String {
        func seconds(_ date: Date) -> String { String(format: "%.3f", date.timeIntervalSince1970) }
        let contents = carried.map { content in
            "\(content.hash.prefix(8)) (rv \(content.resourceVersion), sent \(seconds(content.time)), answered "
                + "\(seconds(content.answered)))"
        }
        return (time.map { " at \(seconds($0))" } ?? "") + " carrying " + contents.joined(separator: ", ")
    }

    /// Whether every content a rollout carries was persisted before the previous rollout and belongs to the burst of
    /// content the previous rollout carried: sent within one coalesce window of it, and readable (its write answered)
    /// before that content's window could close. A reloader's window for a write opens when the write is reviewed
    /// (after it was sent), and its reads come after the window: content readable by then is content it could have
    /// carried. A write that lands later than that, even by milliseconds and even if before the previous rollout's
    /// patch, may fall between a read and the patch (Kubernetes has no multi-object read), and is not a split.
    static func isSplit(
        _ newer: [Content], previous: (resourceVersion: Int, carried: [Content]), window: TimeInterval
    ) -> Bool {
        newer.allSatisfy { content in
            content.resourceVersion < previous.resourceVersion
                && previous.carried.contains { carried in
                    abs(carried.time.timeIntervalSince(content.time)) < window
                        && content.answered <= carried.time.addingTimeInterval(window)
                }
        }
    }
}
