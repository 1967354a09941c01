import Testing

@testable import Reloader

/// `ReconcilePlanner`, the reconciler's pure part: which markers count, and the edge cases of matching them.
@Suite("ReconcilePlanner")
struct ReconcilePlannerTests {
    typealias R = ReconcilerTests

    static func markers(
        _ record: WorkloadRecord, policy: PolicyOptions = PolicyOptions(), filter: ConfigFilter = ConfigFilter(),
        namespaceLabels: [String: String]? = nil
    ) -> [ReconcilePlanner.Marker] {
        ReconcilePlanner.markers(of: record, policy: policy, filter: filter, namespaceLabels: namespaceLabels)
    }

    static func config(_ name: String, _ kind: ConfigKind = .configMap) -> ConfigRef {
        ConfigRef(kind: kind, namespace: "shop", name: name)
    }

    @Test("an env var matches the configs used and the literal entries of a reload list, not its regex entries")
    func envMarkerCandidates() {
        let record = R.deployment(
            annotations: ["configmap.reloader.stakater.com/reload": "db-config, app-.*"],
            env: [
                "STAKATER_DB_CONFIG_CONFIGMAP": "h1", "STAKATER_APP_CONFIG_CONFIGMAP": "h2",
                "STAKATER_APP__CONFIGMAP": "h3",
            ])
        #expect(
            Self.markers(record) == [
                .init(storedHash: "h2", configs: [R.appConfig]),
                .init(storedHash: "h1", configs: [Self.config("db-config")]),
            ])
    }

    @Test("two configs with one env-var name: the var is current if it holds either's hash (no taking turns)")
    func ambiguousEnvName() {
        let record = R.deployment(env: [R.envName: "h-dot"], configMaps: ["app-config", "app.config"])
        let markers = Self.markers(record)
        #expect(markers == [.init(storedHash: "h-dot", configs: [R.appConfig, Self.config("app.config")])])
        let reads: [ConfigRef: ReconcilePlanner.ConfigRead] = [
            R.appConfig: .present(ConfigState(hash: "h-dash")),
            Self.config("app.config"): .present(ConfigState(hash: "h-dot")),
        ]
        let outcome = ReconcilePlanner.evaluate(
            record, markers: markers, reads: reads, policy: PolicyOptions(), filter: ConfigFilter(),
            namespaceLabels: nil)
        #expect(outcome == .checked([]))
    }

    @Test("markers in a namespace the filter does not watch, or of an ignored resource type, do not count")
    func filteredMarkers() throws {
        let record = R.deployment(env: [R.envName: "h-old"])
        var ignoredNamespace = ConfigFilter()
        ignoredNamespace.namespacesToIgnore = ["shop"]
        #expect(Self.markers(record, filter: ignoredNamespace).isEmpty)
        var selector = ConfigFilter()
        selector.namespaceSelector = try LabelSelector(entries: ["team=a"])
        #expect(Self.markers(record, filter: selector, namespaceLabels: nil).isEmpty)  // unknown: not selected
        #expect(Self.markers(record, filter: selector, namespaceLabels: ["team": "b"]).isEmpty)
        #expect(Self.markers(record, filter: selector, namespaceLabels: ["team": "a"]).count == 1)
        var policy = PolicyOptions()
        policy.resourcesToIgnore = [.configMap]
        #expect(Self.markers(record, policy: policy).isEmpty)
    }

    @Test("a config whose labels fail --resource-label-selector is not reloaded; a gone one neither")
    func resourceLabelSelector() throws {
        let record = R.deployment(env: [R.envName: "h-old"])
        var filter = ConfigFilter()
        filter.resourceLabelSelector = try LabelSelector(entries: ["reload=yes"])
        var policy = PolicyOptions()
        policy.reloadOnDelete = true
        let markers = Self.markers(record, filter: filter)
        func plans(_ read: ReconcilePlanner.ConfigRead) -> ReconcilePlanner.Outcome {
            ReconcilePlanner.evaluate(
                record, markers: markers, reads: [R.appConfig: read], policy: policy, filter: filter,
                namespaceLabels: nil)
        }
        #expect(plans(.present(ConfigState(hash: "h-now", labels: ["reload": "no"]))) == .checked([]))
        #expect(plans(.absent) == .checked([]))
        guard case .checked(let found) = plans(.present(ConfigState(hash: "h-now", labels: ["reload": "yes"]))) else {
            Issue.record("expected a checked outcome")
            return
        }
        #expect(found.map(\.hash) == ["h-now"])
    }

    @Test("SecretProviderClass markers and a last-reloaded-from naming another namespace do not count")
    func uncountedMarkers() {
        var record = R.deployment(env: ["STAKATER_VAULT_SECRETPROVIDERCLASS": "h"])
        record.uses.append(.init(kind: .secretProviderClass, name: "vault", containerIndex: 1))
        #expect(Self.markers(record).isEmpty)
        var policy = PolicyOptions()
        policy.reloadStrategy = .annotations
        let elsewhere = LastReloadedFrom(
            config: ConfigRef(kind: .configMap, namespace: "other", name: "app-config"), hash: "h", containerRefs: [],
            observedAt: 1)
        record.lastReloadedFrom = elsewhere.json
        #expect(Self.markers(record, policy: policy).isEmpty)
        record.lastReloadedFrom = "not json"
        #expect(Self.markers(record, policy: policy).isEmpty)
    }

    @Test(
        "literal names are DNS subdomains",
        arguments: [
            ("app-config", true), ("app.config.v2", true), ("app-.*", false), ("App", false), ("", false),
            ("a|b", false),
        ])
    func literalNames(entry: String, isLiteral: Bool) {
        #expect(ReconcilePlanner.isLiteralName(entry) == isLiteral)
    }
}
