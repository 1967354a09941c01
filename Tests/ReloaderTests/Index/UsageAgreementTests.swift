import Testing

@testable import Reloader

/// The reverse index reads usage straight from list-page bytes (its fast path) while the policy reads it from a
/// parsed pod template; both implement contract §4. This checks, on random pod templates, that both paths give
/// the same configs and the same receiving container, so the two implementations cannot drift apart.
@Suite("index and policy agree on usage")
struct UsageAgreementTests {
    /// SplitMix64: a seeded generator, so a failure names a seed that reproduces it.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func template(_ random: inout Generator) -> JSONValue {
        let names = ["a", "b", "c", "d"]
        func pick() -> String { names.randomElement(using: &random)! }
        var volumes: [JSONValue] = []
        for index in 0..<Int.random(in: 0...3, using: &random) {
            let volume: JSONValue
            switch Int.random(in: 0...3, using: &random) {
            case 0: volume = ["name": .string("v\(index)"), "configMap": ["name": .string(pick())]]
            case 1: volume = ["name": .string("v\(index)"), "secret": ["secretName": .string(pick())]]
            case 2:
                volume = [
                    "name": .string("v\(index)"),
                    "projected": [
                        "sources": [
                            ["configMap": ["name": .string(pick())]], ["secret": ["name": .string(pick())]],
                            ["serviceAccountToken": ["path": "token"]],
                        ]
                    ],
                ]
            default: volume = ["name": .string("v\(index)"), "emptyDir": [:]]
            }
            volumes.append(volume)
        }
        func container(_ name: String) -> JSONValue {
            var env: [JSONValue] = []
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                env.append(
                    Bool.random(using: &random)
                        ? ["name": "X", "valueFrom": ["configMapKeyRef": ["name": .string(pick()), "key": "k"]]]
                        : ["name": "Y", "valueFrom": ["secretKeyRef": ["name": .string(pick()), "key": "k"]]])
            }
            var envFrom: [JSONValue] = []
            if Bool.random(using: &random) { envFrom.append(["configMapRef": ["name": .string(pick())]]) }
            if Bool.random(using: &random) { envFrom.append(["secretRef": ["name": .string(pick())]]) }
            var mounts: [JSONValue] = []
            for index in 0..<volumes.count where Bool.random(using: &random) {
                mounts.append(["name": .string("v\(index)"), "mountPath": .string("/m\(index)")])
            }
            return [
                "name": .string(name), "image": "i", "env": .array(env), "envFrom": .array(envFrom),
                "volumeMounts": .array(mounts),
            ]
        }
        let containers = (0..<Int.random(in: 1...3, using: &random)).map { container("c\($0)") }
        let initContainers = (0..<Int.random(in: 0...2, using: &random)).map { container("i\($0)") }
        return [
            "metadata": [:],
            "spec": [
                "volumes": .array(volumes), "containers": .array(containers),
                "initContainers": .array(initContainers),
            ],
        ]
    }

    @Test("both paths find the same used configs and receiving containers on 2,000 random templates")
    func agree() throws {
        var random = Generator(state: 2026_11_26)
        for round in 0..<2_000 {
            let template = Self.template(&random)
            let deployment: JSONValue = [
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": "w", "namespace": "ns", "uid": "u", "resourceVersion": "1"],
                "spec": ["template": template],
            ]
            let fromBytes = try #require(
                try WorkloadRecord.extract(fromJSON: deployment.serialized(), kind: .deployment))
            let fromTree = try #require(WorkloadRecord.extract(from: deployment, kind: .deployment))
            let indexUses = Set(fromBytes.uses.map { "\($0.kind.rawValue)/\($0.name)@\($0.containerIndex)" })
            #expect(indexUses == Set(fromTree.uses.map { "\($0.kind.rawValue)/\($0.name)@\($0.containerIndex)" }))
            let usage = PodTemplateUsage(podTemplate: template)
            let policyUses = Set(
                usage.references.compactMap { reference -> String? in
                    usage.containerIndex(using: reference).map { "\(reference.kind.rawValue)/\(reference.name)@\($0)" }
                })
            #expect(indexUses == policyUses, "round \(round): \(template.serializedString)")
            if indexUses != policyUses { return }
        }
    }
}
