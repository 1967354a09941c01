import Logging
import Synchronization

@testable import Reloader

/// Builders shared by the engine tests: decoded fixture reviews, small Deployments and a seeded index.
enum EngineFixtures {
    static let logger = Logger(label: "reloader.test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let auto = ["reloader.stakater.com/auto": "true"]

    static func review(_ name: String) throws -> AdmissionReview {
        try AdmissionReview.decode(try FixtureFiles.bytes(name))
    }

    /// A Deployment in `namespace` whose only container reads `configMaps` by envFrom and `secrets` by secretRef.
    static func deployment(
        _ name: String, namespace: String = "shop", annotations: [String: String] = auto,
        configMaps: [String] = ["app-config"], secrets: [String] = []
    ) -> JSONValue {
        let container = PolicyFixtures.container(
            "app",
            envFrom: configMaps.map(PolicyFixtures.configMapRef) + secrets.map(PolicyFixtures.secretRef))
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "uid": .string("uid-\(name)"),
                "resourceVersion": "1", "annotations": .from(annotations),
            ],
            "spec": ["template": PolicyFixtures.template(containers: [container])],
        ]
    }

    static func record(_ object: JSONValue) -> WorkloadRecord {
        WorkloadRecord.extract(from: object, kind: .deployment)!
    }

    static func store(_ objects: [JSONValue]) -> IndexStore {
        var builder = ReverseIndexBuilder()
        for object in objects { builder.add(record(object)) }
        return IndexStore(initial: builder.build())
    }

    static func engine(
        _ store: IndexStore, sink: RecordingSink, policy: PolicyOptions = PolicyOptions(),
        filter: ConfigFilter = ConfigFilter(), dryRun: Bool = false
    ) -> AdmissionEngine {
        AdmissionEngine(
            options: .init(policy: policy, filter: filter, dryRun: dryRun), index: store, sink: sink,
            logger: logger)
    }

    static func web(_ kind: WorkloadKind = .deployment) -> WorkloadRef {
        WorkloadRef(kind: kind, namespace: "shop", name: "web")
    }
}

/// A `ReloadSink` that keeps what it is given.
final class RecordingSink: ReloadSink {
    private let plans = Mutex<[PlannedReload]>([])
    var all: [PlannedReload] { plans.withLock { $0 } }
    func enqueue(_ plan: PlannedReload) { plans.withLock { $0.append(plan) } }
}
