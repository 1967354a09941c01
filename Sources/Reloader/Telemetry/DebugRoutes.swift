import Foundation
public import WebhookServer

/// The debug endpoints of `--enable-pprof`, served on their own plain-HTTP listener (`--pprof-addr`) and only when
/// enabled (contract §7.1 Δ: Reloader always exposes Go's pprof on its metrics port). Go's pprof has no Swift
/// equivalent, so these answer the questions people open pprof for on Reloader — how much memory, how many
/// threads, is anything stuck — plus the one a webhook design adds: which workloads does the index say a config
/// change would reach, and why.
///
/// - `/debug/` lists the endpoints;
/// - `/debug/vars`: process figures (`ProcessStatistics`) and the engine's (index, queue, resync, leader) as JSON;
/// - `/debug/threads`: one line per thread: id, state, name (Dispatch names its queues' threads);
/// - `/debug/config`: the effective options, as in `reloader-meta-info` (webhook URLs reduced to scheme and host);
/// - `/debug/index`: the index's size by kind and namespace; `?kind=ConfigMap&namespace=shop&name=app-config` the
///   workloads a change of that config is decided for (users and named-list holders) with how each uses it;
///   `?workload=Deployment/shop/web` one workload's record.
///
/// Names and hashes only: no config content is ever held, so none can leak here. Built once; thread-safe when the
/// closures are.
public enum DebugRoutes {
    /// What the endpoints read, each call a fresh look.
    public struct Sources: Sendable {
        public var index: @Sendable () -> ReverseIndex
        /// The engine's figures for `/debug/vars`.
        public var engine: @Sendable () -> JSONValue
        public var configuration: ReloaderConfiguration

        public init(
            index: @escaping @Sendable () -> ReverseIndex, engine: @escaping @Sendable () -> JSONValue,
            configuration: ReloaderConfiguration
        ) {
            self.index = index
            self.engine = engine
            self.configuration = configuration
        }
    }

    static let endpoints: [(path: String, about: String)] = [
        ("/debug/vars", "process and engine figures (JSON)"),
        ("/debug/threads", "threads: id, state, name"),
        ("/debug/config", "effective options (JSON)"),
        ("/debug/index", "index size; ?kind=ConfigMap&namespace=N&name=X or ?workload=Kind/N/X (JSON)"),
    ]

    public static func makeRouter(sources: Sources, clock: ContinuousClock = ContinuousClock()) -> Router {
        let started = clock.now
        var router = Router()
        router.add("GET", "/debug/") { _ in
            .text(200, endpoints.map { "\($0.path)\t\($0.about)" }.joined(separator: "\n") + "\n")
        }
        router.add("GET", "/debug/vars") { _ in
            json(vars(process: .read(), engine: sources.engine(), uptime: clock.now - started))
        }
        router.add("GET", "/debug/threads") { _ in
            let lines = ProcessStatistics.read().threads.map { "\($0.id)\t\($0.state)\t\($0.name)" }
            return .text(200, lines.joined(separator: "\n") + "\n")
        }
        router.add("GET", "/debug/config") { _ in json(configuration(sources.configuration)) }
        router.add("GET", "/debug/index") { request in
            switch indexAnswer(sources.index(), query: QueryParameters(request.query)) {
            case .success(let value): json(value)
            case .failure(let problem): .error(400, problem.message)
            }
        }
        return router
    }

    // MARK: - Answers (pure)

    static func vars(process: ProcessStatistics, engine: JSONValue, uptime: Duration) -> JSONValue {
        [
            "uptimeSeconds": number(uptime.debugSeconds),
            "process": [
                "residentBytes": number(process.residentBytes), "peakResidentBytes": number(process.peakResidentBytes),
                "anonymousResidentBytes": number(process.anonymousResidentBytes),
                "openDescriptors": number(process.openDescriptors), "threads": number(process.threads.count),
                "userCPUSeconds": number(process.userCPUSeconds), "systemCPUSeconds": number(process.systemCPUSeconds),
            ],
            "engine": engine,
        ]
    }

    static func configuration(_ configuration: ReloaderConfiguration) -> JSONValue {
        guard case .object(var options) = MetaInfo.options(configuration) else {
            return MetaInfo.options(configuration)
        }
        if case .string(let url)? = options["webhookUrl"] { options["webhookUrl"] = .string(redacted(url)) }
        options["alertWebhookUrl"] = .string(redacted(configuration.alerts.webhookURL))
        options["alertOnReload"] = .bool(configuration.alerts.isEnabled)
        options["alertSink"] = .string(configuration.alerts.sink)
        return .object(options)
    }

    /// `https://hooks.slack.com/services/T0/B0/secret` → `https://hooks.slack.com/…`: chat webhook URLs carry their
    /// credential in the path.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url.isEmpty ? "" : "…" }
        let host = ReloadAlert.host(of: url)
        let authorityLength = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }.count
        let hasMore = url.distance(from: schemeEnd.upperBound, to: url.endIndex) > authorityLength
        return "\(url[..<schemeEnd.upperBound])\(host)" + (hasMore ? "/…" : "")
    }

    struct Problem: Error, Equatable {
        let message: String
    }

    static func indexAnswer(_ index: ReverseIndex, query: QueryParameters) -> Result<JSONValue, Problem> {
        if let workload = query["workload"] {
            let parts = workload.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let kind = WorkloadKind(rawValue: parts[0]) else {
                return .failure(Problem(message: "workload must be Kind/namespace/name with Kind one of \(kindNames)"))
            }
            let ref = WorkloadRef(kind: kind, namespace: parts[1], name: parts[2])
            guard let record = index.record(for: ref) else {
                return .success(["workload": reference(ref), "indexed": false])
            }
            return .success(["workload": reference(ref), "indexed": true, "record": describe(record)])
        }
        if query["kind"] != nil || query["name"] != nil || query["namespace"] != nil {
            guard let kindText = query["kind"], let kind = ConfigKind(rawValue: kindText) else {
                return .failure(Problem(message: "kind must be ConfigMap, Secret or SecretProviderClass"))
            }
            guard let namespace = query["namespace"], !namespace.isEmpty, let name = query["name"], !name.isEmpty else {
                return .failure(Problem(message: "kind needs namespace and name"))
            }
            let config = ConfigRef(kind: kind, namespace: namespace, name: name)
            let candidates = index.candidates(for: config).sorted { "\($0.ref)" < "\($1.ref)" }
            return .success([
                "config": ["kind": .string(kind.rawValue), "namespace": .string(namespace), "name": .string(name)],
                "candidates": .array(
                    candidates.map { record in
                        var entry = describe(record)
                        if case .object(var fields) = entry {
                            fields["usesThisConfig"] = .bool(record.uses(kind, named: name))
                            entry = .object(fields)
                        }
                        return entry
                    }),
            ])
        }
        return .success(summary(index))
    }

    static func summary(_ index: ReverseIndex) -> JSONValue {
        var byKind: [String: Int] = [:]
        var byNamespace: [String: Int] = [:]
        index.forEachRecord { record in
            byKind[record.ref.kind.rawValue, default: 0] += 1
            byNamespace[record.ref.namespace, default: 0] += 1
        }
        return [
            "workloads": number(index.count), "references": number(index.referenceCount),
            "byKind": .object(byKind.mapValues { number($0) }),
            "byNamespace": .object(byNamespace.mapValues { number($0) }),
        ]
    }

    /// A record's names and hashes (annotation values are the workload's own metadata, not config content).
    static func describe(_ record: WorkloadRecord) -> JSONValue {
        [
            "workload": reference(record.ref),
            "uses": .array(record.uses.map { .string($0.description) }),
            "metadataAnnotations": .object(
                Dictionary(record.metadataAnnotations.map { ($0.key, JSONValue.string($0.value)) }) { _, last in last }),
            "templateAnnotations": .object(
                Dictionary(record.templateAnnotations.map { ($0.key, JSONValue.string($0.value)) }) { _, last in last }),
            "reloaderEnv": .array(
                record.reloaderEnv.map { .string("containers[\($0.containerIndex)] \($0.name)=\($0.value.prefix(12))") }
            ),
            "lastReloadedFrom": record.lastReloadedFrom.map { .string($0) } ?? .null,
        ]
    }

    private static var kindNames: String { WorkloadKind.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func reference(_ ref: WorkloadRef) -> JSONValue {
        ["kind": .string(ref.kind.rawValue), "namespace": .string(ref.namespace), "name": .string(ref.name)]
    }

    private static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    private static func number(_ value: Double) -> JSONValue {
        value.isFinite ? .number(String(format: "%.3f", value)) : .null
    }

    private static func json(_ value: JSONValue) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(status: 200, headers: headers, body: value.serialized())
    }
}

extension Duration {
    /// Seconds as a Double (attoseconds folded in).
    var debugSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
