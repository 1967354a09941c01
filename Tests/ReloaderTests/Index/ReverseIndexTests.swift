import Testing

@testable import Reloader

/// `ReverseIndexBuilder` and `ReverseIndex` lookups: built from the fixture list pages, page by page.
@Suite("ReverseIndex lookups")
struct ReverseIndexTests {
    static func fixtureIndex() throws -> ReverseIndex {
        var builder = ReverseIndexBuilder()
        try builder.addListPage(try FixtureFiles.bytes("deployments-list-page1.json", in: "lists"), kind: .deployment)
        try builder.addListPage(try FixtureFiles.bytes("deployments-list.json", in: "lists"), kind: .deployment)
        return builder.build()
    }

    static func names(_ records: [WorkloadRecord]) -> [String] { records.map(\.ref.name).sorted() }

    @Test("a config maps to the workloads that use it")
    func usersOfAConfig() throws {
        let index = try Self.fixtureIndex()
        #expect(
            Self.names(index.workloads(using: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config")))
                == ["web", "worker"])
        #expect(
            Self.names(index.workloads(using: ConfigRef(kind: .secret, namespace: "shop", name: "db-credentials")))
                == ["web", "worker"])
        #expect(
            Self.names(index.workloads(using: ConfigRef(kind: .secret, namespace: "shop", name: "shop-tls")))
                == ["api"])
        // Same name, other kind or other namespace: nothing.
        #expect(index.workloads(using: ConfigRef(kind: .secret, namespace: "shop", name: "app-config")).isEmpty)
        #expect(index.workloads(using: ConfigRef(kind: .configMap, namespace: "other", name: "app-config")).isEmpty)
    }

    @Test("counts: a workload listed on two pages is kept once, with its later record")
    func counts() throws {
        let index = try Self.fixtureIndex()
        #expect(index.count == 3)
        #expect(index.referenceCount == 6)
        let api = try #require(index.record(for: WorkloadRef(kind: .deployment, namespace: "shop", name: "api")))
        #expect(api.resourceVersion == "70455")
        #expect(index.record(for: WorkloadRef(kind: .statefulSet, namespace: "shop", name: "api")) == nil)
    }

    @Test("named-reload holders are candidates for configs they do not use")
    func namedReloadCandidates() throws {
        let index = try Self.fixtureIndex()
        #expect(Self.names(index.workloadsWithReloadList(for: .configMap, in: "shop")) == ["api"])
        #expect(Self.names(index.workloadsWithReloadList(for: .secret, in: "shop")) == ["api"])
        #expect(index.workloadsWithReloadList(for: .configMap, in: "other").isEmpty)
        // api does not use app-config but names ConfigMaps: the policy decides with its regexes.
        let config = ConfigRef(kind: .configMap, namespace: "shop", name: "app-config")
        #expect(Self.names(index.candidates(for: config)) == ["api", "web", "worker"])
        #expect(
            Self.names(index.candidates(for: ConfigRef(kind: .configMap, namespace: "shop", name: "feature-flags")))
                == ["api"])
    }

    @Test("strings are interned: records share one storage per namespace and config name")
    func interning() {
        var builder = ReverseIndexBuilder()
        let namespace = String(repeating: "n", count: 20)
        for index in 0..<3 {
            builder.add(
                WorkloadRecord(
                    ref: WorkloadRef(kind: .deployment, namespace: namespace + "", name: "w\(index)"),
                    uses: [.init(kind: .configMap, name: "a-long-config-name-\(0)", containerIndex: 0)]))
        }
        let index = builder.build()
        let records = index.base.records
        func identity(_ string: String) -> UInt {
            string.utf8.withContiguousStorageIfAvailable { UInt(bitPattern: $0.baseAddress) } ?? 0
        }
        #expect(Set(records.map { identity($0.ref.namespace) }).count == 1)
        #expect(Set(records.map { identity($0.uses[0].name) }).count == 1)
        #expect(index.referenceCount == 3)
    }

    @Test("many workloads: every lookup finds exactly its users")
    func manyWorkloads() {
        var builder = ReverseIndexBuilder()
        for index in 0..<2_000 {
            builder.add(
                WorkloadRecord(
                    ref: WorkloadRef(kind: .deployment, namespace: "ns\(index % 7)", name: "w\(index)"),
                    uses: [
                        .init(kind: .configMap, name: "c\(index % 100)", containerIndex: 0),
                        .init(kind: .secret, name: "s\(index)", containerIndex: 0),
                    ]))
        }
        let index = builder.build()
        #expect(index.count == 2_000 && index.referenceCount == 4_000)
        for index_ in [0, 1, 699, 1_999] {
            let config = ConfigRef(kind: .secret, namespace: "ns\(index_ % 7)", name: "s\(index_)")
            let users = index.workloads(using: config)
            #expect(users.map(\.ref.name) == ["w\(index_)"])
        }
        let shared = index.workloads(using: ConfigRef(kind: .configMap, namespace: "ns0", name: "c0"))
        #expect(shared.count == 3)  // index % 100 == 0 and index % 7 == 0: 0, 700, 1400
        #expect(shared.allSatisfy { $0.ref.namespace == "ns0" && $0.uses(.configMap, named: "c0") })
    }

    @Test("an empty index answers nothing")
    func empty() {
        let index = ReverseIndex.empty()
        #expect(index.count == 0 && index.referenceCount == 0)
        #expect(index.workloads(using: ConfigRef(kind: .configMap, namespace: "a", name: "b")).isEmpty)
    }
}
