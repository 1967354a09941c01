public import Reloader

/// The simulated cluster a soak runs against, decided up front from the options and the seed: `namespaces`
/// namespaces, each with its ConfigMaps and Secrets, and `workloads` workloads spread over them (mostly
/// Deployments, every tenth a StatefulSet, every tenth a DaemonSet), each using 1 to 3 configs of its namespace
/// through `env`, `envFrom`, a volume or a projected volume, under `reloader.stakater.com/auto: "true"` or a named
/// list (`configmap.reloader.stakater.com/reload`, `secret.reloader.stakater.com/reload`; a named config need not
/// be referenced, and every third one is not). `uses` is exactly the set of configs whose content change must
/// reload the workload: the oracle's input. Pure and deterministic.
public struct SoakLayout: Sendable {
    public enum Style: String, Sendable, Hashable, CaseIterable {
        case envKey, envFrom, volume, projected
        /// Named in the reload list only: not referenced by the pod template.
        case unreferenced
    }

    public struct Use: Sendable, Hashable {
        public var config: ConfigRef
        public var style: Style
    }

    public struct Workload: Sendable, Hashable {
        public var ref: WorkloadRef
        /// true: `auto: "true"`; false: named lists.
        public var isAuto: Bool
        public var uses: [Use]
    }

    public static let leaseNamespace = "soak-system"

    public let namespaces: [String]
    public let configs: [ConfigRef]
    public let workloads: [Workload]

    public init(workloads count: Int, namespaces namespaceCount: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let perNamespace = max(1, count / max(1, namespaceCount))
        let configMapsPerNamespace = max(2, perNamespace * 6 / 10)
        let secretsPerNamespace = max(1, perNamespace * 3 / 10)
        var namespaces: [String] = []
        var configs: [ConfigRef] = []
        var workloads: [Workload] = []
        for namespaceIndex in 0..<max(1, namespaceCount) {
            let namespace = Self.namespaceName(namespaceIndex)
            namespaces.append(namespace)
            let local =
                (0..<configMapsPerNamespace).map {
                    ConfigRef(kind: .configMap, namespace: namespace, name: Self.configName(.configMap, $0))
                }
                + (0..<secretsPerNamespace).map {
                    ConfigRef(kind: .secret, namespace: namespace, name: Self.configName(.secret, $0))
                }
            configs += local
            for index in 0..<perNamespace {
                let kind: WorkloadKind =
                    switch index % 10 {
                    case 3: .statefulSet
                    case 7: .daemonSet
                    default: .deployment
                    }
                let isAuto = index % 5 != 4
                var chosen = Set<ConfigRef>()
                var uses: [Use] = []
                let wanted = 1 + Int(random.next() % 3)
                while uses.count < wanted {
                    let config = local[Int(random.next() % UInt64(local.count))]
                    guard chosen.insert(config).inserted else { continue }
                    let referenced = Style.allCases.filter { $0 != .unreferenced }
                    var style = referenced[Int(random.next() % UInt64(referenced.count))]
                    if !isAuto && random.next() % 3 == 0 { style = .unreferenced }
                    uses.append(Use(config: config, style: style))
                }
                let name = "\(kind.rawValue.lowercased())-\(index)"
                workloads.append(
                    Workload(ref: WorkloadRef(kind: kind, namespace: namespace, name: name), isAuto: isAuto, uses: uses)
                )
            }
        }
        self.namespaces = namespaces
        self.configs = configs
        self.workloads = workloads
    }

    public static func namespaceName(_ index: Int) -> String { "soak-\(index < 10 ? "0" : "")\(index)" }

    static func configName(_ kind: ConfigKind, _ index: Int) -> String {
        let digits = String(index)
        return (kind == .configMap ? "cm-" : "sec-") + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The workloads using each config.
    public var users: [ConfigRef: [WorkloadRef]] {
        var result: [ConfigRef: [WorkloadRef]] = [:]
        for workload in workloads {
            for use in workload.uses { result[use.config, default: []].append(workload.ref) }
        }
        return result
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, seedable generator, so a run replays from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
