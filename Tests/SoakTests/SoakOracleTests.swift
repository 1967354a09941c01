import Foundation
import Reloader
import Soak
import Testing

/// The oracle on hand-made histories: it must find each kind of fault it claims to find, and nothing in a clean
/// history, or a soak that passes proves nothing.
@Suite("soak oracle")
struct SoakOracleTests {
    let layout = SoakLayout(workloads: 4, namespaces: 1, seed: 1)
    var workload: SoakLayout.Workload { layout.workloads[0] }
    var config: ConfigRef { workload.uses[0].config }
    /// Every workload using `config`: each gets the rollouts a test gives.
    var users: [WorkloadRef] { layout.users[config] ?? [] }
    var marker: String { EnvVarName.forConfig(named: config.name, kind: config.kind) }

    /// `rollouts`: resourceVersion and the token whose content the rollout writes into `config`'s marker, for every
    /// workload using `config`.
    func input(
        writes: [WriteRecord], rollouts: [(Int, String)], finalHash: String? = nil, paused: Bool = false
    ) -> SoakOracle.Input {
        var initial: [ConfigRef: String] = [:]
        for config in layout.configs { initial[config] = ConfigContent.hash(config.kind, token: "seed") }
        var latest = initial
        for write in writes where write.persisted { latest[write.config] = write.hash }
        var env: [WorkloadRef: [String: String]] = [:]
        for each in layout.workloads {
            var variables: [String: String] = [:]
            for use in each.uses {
                variables[EnvVarName.forConfig(named: use.config.name, kind: use.config.kind)] = latest[use.config]
            }
            env[each.ref] = variables
        }
        if let finalHash {
            env[workload.ref]?[EnvVarName.forConfig(named: config.name, kind: config.kind)] = finalHash
        }
        return SoakOracle.Input(
            layout: layout, initialHashes: initial, writes: writes,
            rollouts: users.flatMap { user in
                rollouts.map { version, token in
                    SoakOracle.Rollout(
                        workload: user, resourceVersion: version,
                        env: [marker: ConfigContent.hash(config.kind, token: token)])
                }
            }, finalEnv: env,
            pausedDeployments: paused ? [workload.ref] : [], finalConfigHashes: latest, coalesceWindow: 1)
    }

    func write(_ kind: WriteRecord.Kind, _ token: String, at version: Int?, second: Double) -> WriteRecord {
        WriteRecord(
            time: Date(timeIntervalSince1970: second), kind: kind, config: config,
            hash: ConfigContent.hash(config.kind, token: token), persisted: version != nil,
            status: version == nil ? 403 : 200, resourceVersion: version)
    }

    @Test("one rollout after each change, denied and dry-run writes ignored: passes")
    func clean() {
        let writes = [
            write(.data, "a", at: 10, second: 0), write(.denied, "x", at: nil, second: 1),
            write(.dryRun, "y", at: nil, second: 2), write(.data, "b", at: 20, second: 5),
        ]
        let verdict = SoakOracle.judge(input(writes: writes, rollouts: [(12, "a"), (23, "b")]))
        #expect(verdict.passed, "\(verdict.findings)")
        let count = users.count
        #expect(verdict.seen == 2 * count && verdict.expected == 2 * count && verdict.contentChanges == 2 * count)
    }

    @Test("a change with no rollout after it is missed")
    func missed() {
        let writes = [write(.data, "a", at: 10, second: 0), write(.data, "b", at: 20, second: 5)]
        let verdict = SoakOracle.judge(input(writes: writes, rollouts: [(12, "a")]))
        #expect(verdict.missed == users.count && !verdict.passed)
    }

    @Test("a final marker that is not the latest content is stale")
    func stale() {
        let writes = [write(.data, "a", at: 10, second: 0)]
        let verdict = SoakOracle.judge(input(writes: writes, rollouts: [(12, "a")], finalHash: "0000"))
        #expect(verdict.staleMarkers == 1 && !verdict.passed)
    }

    @Test("a rollout carrying nothing new is extra: a repeat, a metadata-only or denied write, older content")
    func extra() {
        let writes = [
            write(.data, "a", at: 10, second: 0), write(.metadata, "a", at: 15, second: 3),
            write(.denied, "x", at: nil, second: 4), write(.data, "b", at: 20, second: 9),
        ]
        #expect(SoakOracle.judge(input(writes: writes, rollouts: [(12, "a"), (22, "b")])).passed)
        #expect(
            SoakOracle.judge(input(writes: writes, rollouts: [(12, "a"), (16, "a"), (22, "b")])).extra == users.count)
        #expect(
            SoakOracle.judge(input(writes: writes, rollouts: [(12, "a"), (17, "x"), (22, "b")])).extra == users.count)
        // b written, then a late rollout back to a, then b again: two extra rollouts.
        let back = SoakOracle.judge(input(writes: writes, rollouts: [(21, "b"), (22, "a"), (23, "b")]))
        #expect(back.extra == 2 * users.count, "\(back.findings)")
    }

    @Test("two rollouts for changes persisted within one coalesce window, both before the first: a split burst")
    func splitBurst() {
        let writes = [write(.data, "a", at: 10, second: 0), write(.burst, "b", at: 11, second: 0.4)]
        let split = SoakOracle.judge(input(writes: writes, rollouts: [(12, "a"), (13, "b")]))
        #expect(split.extra == users.count && split.splitBursts == users.count)
        // The finding carries the timeline a failing CI run needs to be judged from its output alone.
        #expect(
            split.findings.first?.contains(
                "carrying \(ConfigContent.hash(config.kind, token: "b").prefix(8)) (rv 11, sent 0.400, answered 0.400)")
                == true, "\(split.findings)")
        // The second change came after the first rollout: a second rollout is due.
        let late = [write(.data, "a", at: 10, second: 0), write(.burst, "b", at: 13, second: 0.9)]
        #expect(SoakOracle.judge(input(writes: late, rollouts: [(12, "a"), (14, "b")])).passed)
        // Far apart in time, even if persisted before the first rollout: not one burst.
        let apart = [write(.data, "a", at: 10, second: 0), write(.burst, "b", at: 11, second: 1.8)]
        #expect(SoakOracle.judge(input(writes: apart, rollouts: [(12, "a"), (13, "b")])).passed)
    }

    @Test("a write sent inside the window but readable only after it closed is not a split (soak finding)")
    func splitNeedsReadableContent() {
        // As seen in a soak: the second write sent 0.999 s after the first and answered 45 ms later, the first
        // rollout's read just before it landed, its patch just after.
        var boundary = write(.data, "b", at: 11, second: 0.999)
        boundary.milliseconds = 45
        let writes = [write(.data, "a", at: 10, second: 0), boundary]
        #expect(SoakOracle.judge(input(writes: writes, rollouts: [(12, "a"), (13, "b")])).passed)
        // Answered before the window closed: the first rollout could have carried it.
        boundary.milliseconds = 0.5
        let split = SoakOracle.judge(input(writes: [writes[0], boundary], rollouts: [(12, "a"), (13, "b")]))
        #expect(split.splitBursts == users.count)
    }

    @Test("a persisted denied write, a paused Deployment: the run fails")
    func inconsistentAndPaused() {
        var denied = write(.denied, "x", at: 10, second: 0)
        denied.persisted = true
        #expect(SoakOracle.judge(input(writes: [denied], rollouts: [(11, "x")])).inconsistent == 1)
        #expect(SoakOracle.judge(input(writes: [], rollouts: [], paused: true)).paused == 1)
    }

    @Test("a write with no answer leaves the run inconclusive: it fails and names the write; a dry run does not")
    func unresolved() {
        var lost = write(.data, "b", at: nil, second: 5)
        lost.status = 0
        lost.milliseconds = 120_000
        lost.error = "the request timed out"
        var dryRun = write(.dryRun, "y", at: nil, second: 2)
        dryRun.status = 0
        let verdict = SoakOracle.judge(
            input(writes: [write(.data, "a", at: 10, second: 0), lost, dryRun], rollouts: [(12, "a")]))
        #expect(verdict.unresolved == 1 && !verdict.passed)
        #expect(verdict.findings.contains { $0.contains("unresolved") && $0.contains("the request timed out") })
        #expect(verdict.missed == 0 && verdict.extra == 0)
    }
}
