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

    func input(
        writes: [WriteRecord], rollouts: [Int], finalHash: String? = nil, paused: Bool = false
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
            rollouts: users.flatMap { user in rollouts.map { (user, $0) } }, finalEnv: env,
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
        let verdict = SoakOracle.judge(input(writes: writes, rollouts: [12, 23]))
        #expect(verdict.passed, "\(verdict.findings)")
        let count = users.count
        #expect(verdict.seen == 2 * count && verdict.expected == 2 * count && verdict.contentChanges == 2 * count)
    }

    @Test("a change with no rollout after it is missed")
    func missed() {
        let writes = [write(.data, "a", at: 10, second: 0), write(.data, "b", at: 20, second: 5)]
        let verdict = SoakOracle.judge(input(writes: writes, rollouts: [12]))
        #expect(verdict.missed == users.count && !verdict.passed)
    }

    @Test("a final marker that is not the latest content is stale")
    func stale() {
        let writes = [write(.data, "a", at: 10, second: 0)]
        let verdict = SoakOracle.judge(input(writes: writes, rollouts: [12], finalHash: "0000"))
        #expect(verdict.staleMarkers == 1 && !verdict.passed)
    }

    @Test("a second rollout with no change between, or one for a metadata-only write, is extra")
    func extra() {
        let writes = [write(.data, "a", at: 10, second: 0), write(.metadata, "a", at: 15, second: 3)]
        #expect(SoakOracle.judge(input(writes: writes, rollouts: [12, 13])).extra == users.count)
        #expect(SoakOracle.judge(input(writes: writes, rollouts: [12, 16])).extra == users.count)
        #expect(SoakOracle.judge(input(writes: [], rollouts: [5])).extra == users.count)
    }

    @Test("a persisted denied write, a paused Deployment: the run fails")
    func inconsistentAndPaused() {
        var denied = write(.denied, "x", at: 10, second: 0)
        denied.persisted = true
        #expect(SoakOracle.judge(input(writes: [denied], rollouts: [11])).inconsistent == 1)
        #expect(SoakOracle.judge(input(writes: [], rollouts: [], paused: true)).paused == 1)
    }
}
