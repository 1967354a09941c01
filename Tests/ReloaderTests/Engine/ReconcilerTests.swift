import Synchronization
import Testing

@testable import Reloader

/// `Reconciler` with a fake config reader and a recording sink: which markers lead to a reload (contract §6, last
/// bullet), and how the reads are done.
@Suite("Reconciler")
struct ReconcilerTests {
    /// Answers each config from a table (missing: 404) and counts the reads per config.
    final class FakeStateReader: ConfigStateReader {
        struct Failure: Error, CustomStringConvertible {
            var description: String { "injected read failure" }
        }

        private let states: Mutex<[ConfigRef: Result<ConfigState?, Failure>]>
        private let counts = Mutex<[ConfigRef: Int]>([:])

        init(_ states: [ConfigRef: Result<ConfigState?, Failure>] = [:]) { self.states = Mutex(states) }

        var reads: [ConfigRef: Int] { counts.withLock { $0 } }

        func state(of config: ConfigRef) -> Result<ConfigState?, any Error> {
            counts.withLock { $0[config, default: 0] += 1 }
            switch states.withLock({ $0[config] }) {
            case .success(let state)?: return .success(state)
            case .failure(let error)?: return .failure(error)
            case nil: return .success(nil)
            }
        }
    }

    static let appConfig = ConfigRef(kind: .configMap, namespace: "shop", name: "app-config")
    static let envName = "STAKATER_APP_CONFIG_CONFIGMAP"

    /// A Deployment whose second container (`app`) reads `app-config` by envFrom and carries `env`.
    static func deployment(
        _ name: String = "web", annotations: [String: String] = EngineFixtures.auto, env: [String: String] = [:],
        templateAnnotations: [String: String] = [:], configMaps: [String] = ["app-config"]
    ) -> WorkloadRecord {
        let sidecar = PolicyFixtures.container("sidecar")
        let app = PolicyFixtures.container(
            "app", env: env.sorted { $0.key < $1.key }.map { ["name": .string($0.key), "value": .string($0.value)] },
            envFrom: configMaps.map(PolicyFixtures.configMapRef))
        var object = EngineFixtures.deployment(name, annotations: annotations)
        object["spec"] = [
            "template": PolicyFixtures.template(containers: [sidecar, app], annotations: templateAnnotations)
        ]
        return EngineFixtures.record(object)
    }

    static func index(_ records: [WorkloadRecord]) -> ReverseIndex {
        var builder = ReverseIndexBuilder()
        for record in records { builder.add(record) }
        return builder.build()
    }

    static func reconcile(
        _ records: [WorkloadRecord], _ reader: FakeStateReader, policy: PolicyOptions = PolicyOptions(),
        filter: ConfigFilter = ConfigFilter()
    ) -> (ReconcileReport, [PlannedReload]) {
        let sink = RecordingSink()
        let reconciler = Reconciler(
            options: .init(policy: policy, filter: filter, maxConcurrentReads: 4), reader: reader, sink: sink,
            logger: EngineFixtures.logger)
        let report = reconciler.reconcile(index(records))
        return (report, sink.all)
    }

    @Test("a marker with the current hash: checked, nothing enqueued")
    func currentMarker() {
        let reader = FakeStateReader([Self.appConfig: .success(ConfigState(hash: "h-now"))])
        let (report, plans) = Self.reconcile([Self.deployment(env: [Self.envName: "h-now"])], reader)
        #expect(plans.isEmpty)
        #expect(report.checked == 1 && report.enqueued == 0 && report.skipped == 0 && report.errors == 0)
    }

    @Test("a marker with a stale hash: one UPDATE plan with the current hash, for the container that uses it")
    func staleMarker() {
        let reader = FakeStateReader([Self.appConfig: .success(ConfigState(hash: "h-now"))])
        let (report, plans) = Self.reconcile([Self.deployment(env: [Self.envName: "h-old"])], reader)
        #expect(
            plans == [
                PlannedReload(
                    workload: EngineFixtures.web(), config: Self.appConfig, hash: "h-now", trigger: .auto,
                    container: 1, operation: .update)
            ])
        #expect(report.checked == 1 && report.enqueued == 1)
    }

    @Test("no marker: never reloaded, counted as skipped, and nothing is read")
    func noMarker() {
        let reader = FakeStateReader([Self.appConfig: .success(ConfigState(hash: "h-now"))])
        let (report, plans) = Self.reconcile(
            [Self.deployment(), Self.deployment("other", env: ["STAKATER_UNRELATED_CONFIGMAP": "x"])], reader)
        #expect(plans.isEmpty)
        #expect(report.skipped == 2 && report.checked == 0)
        #expect(reader.reads.isEmpty)
    }

    @Test("a stale marker the policy rejects (the config carries ignore: true) enqueues nothing")
    func policyStillDecides() {
        let ignored = ConfigState(hash: "h-now", annotations: ["reloader.stakater.com/ignore": "true"])
        let reader = FakeStateReader([Self.appConfig: .success(ignored)])
        let (report, plans) = Self.reconcile([Self.deployment(env: [Self.envName: "h-old"])], reader)
        #expect(plans.isEmpty)
        #expect(report.checked == 1)
    }

    @Test("annotations strategy: last-reloaded-from with a stale hash enqueues one plan; the current hash none")
    func annotationsMarker() {
        var policy = PolicyOptions()
        policy.reloadStrategy = .annotations
        func marker(_ hash: String) -> [String: String] {
            let value = LastReloadedFrom(config: Self.appConfig, hash: hash, containerRefs: ["app"], observedAt: 1)
            return [Annotations.lastReloadedFrom: value.json]
        }
        let reader = FakeStateReader([Self.appConfig: .success(ConfigState(hash: "h-now"))])
        let stale = Self.deployment("stale", templateAnnotations: marker("h-old"))
        let current = Self.deployment("current", templateAnnotations: marker("h-now"))
        // An env-var marker is not this strategy's: it is not compared.
        let envOnly = Self.deployment("env-only", env: [Self.envName: "h-old"])
        let (report, plans) = Self.reconcile([stale, current, envOnly], reader, policy: policy)
        #expect(plans.map(\.workload.name) == ["stale"])
        #expect(plans.first?.hash == "h-now")
        #expect(report.checked == 2 && report.skipped == 1 && report.enqueued == 1)
    }

    @Test("a config gone: a DELETE with the delete marker only with --reload-on-delete", arguments: [false, true])
    func configGone(reloadOnDelete: Bool) {
        var policy = PolicyOptions()
        policy.reloadOnDelete = reloadOnDelete
        let (report, plans) = Self.reconcile(
            [Self.deployment(env: [Self.envName: "h-old"])], FakeStateReader(), policy: policy)
        if reloadOnDelete {
            #expect(plans.map(\.operation) == [.delete])
            #expect(plans.first?.hash == ContentHash.deleteMarker)
        } else {
            #expect(plans.isEmpty)
        }
        #expect(report.checked == 1 && report.errors == 0)
    }

    @Test("a read error is counted, its workloads skip this pass, the others go on")
    func readError() {
        let other = ConfigRef(kind: .configMap, namespace: "shop", name: "other-config")
        let reader = FakeStateReader([
            Self.appConfig: .failure(FakeStateReader.Failure()),
            other: .success(ConfigState(hash: "h-now")),
        ])
        let broken = Self.deployment("broken", env: [Self.envName: "h-old"])
        let fine = Self.deployment(
            "fine", env: ["STAKATER_OTHER_CONFIG_CONFIGMAP": "h-old"], configMaps: ["other-config"])
        let (report, plans) = Self.reconcile([broken, fine], reader)
        #expect(plans.map(\.workload.name) == ["fine"])
        #expect(report.errors == 1 && report.checked == 1 && report.workloads == 2)
    }

    @Test("a config shared by many workloads is read once per pass")
    func readsOnce() {
        let reader = FakeStateReader([Self.appConfig: .success(ConfigState(hash: "h-now"))])
        let records = (0..<50).map {
            Self.deployment("web-\($0)", env: [Self.envName: $0 % 2 == 0 ? "h-now" : "h-old"])
        }
        let (report, plans) = Self.reconcile(records, reader)
        #expect(reader.reads == [Self.appConfig: 1])
        #expect(report.configsRead == 1)
        #expect(plans.count == 25 && report.enqueued == 25 && report.checked == 50)
    }
}
