import Foundation
import Testing
import WebhookServer

@testable import Reloader

@Suite("Debug endpoints (--enable-pprof)")
struct DebugRoutesTests {
    static let web = WorkloadRecord(
        ref: WorkloadRef(kind: .deployment, namespace: "shop", name: "web"),
        metadataAnnotations: [.init(key: "reloader.stakater.com/auto", value: "true")],
        uses: [.init(kind: .configMap, name: "app-config", containerIndex: 0)],
        reloaderEnv: [
            .init(containerIndex: 0, name: "STAKATER_APP_CONFIG_CONFIGMAP", value: String(repeating: "a", count: 40))
        ])
    static let report = WorkloadRecord(
        ref: WorkloadRef(kind: .cronJob, namespace: "shop", name: "report"),
        metadataAnnotations: [.init(key: "configmap.reloader.stakater.com/reload", value: "app-.*")])
    static let other = WorkloadRecord(
        ref: WorkloadRef(kind: .statefulSet, namespace: "ops", name: "db"),
        uses: [.init(kind: .secret, name: "db-password", containerIndex: 0)])

    static var index: ReverseIndex {
        ReverseIndex.empty().upserting(web).upserting(report).upserting(other)
    }

    func router(configuration: ReloaderConfiguration? = nil) throws -> Router {
        let configuration = try configuration ?? ReloaderConfiguration(flags: [:], environment: [:])
        return DebugRoutes.makeRouter(
            sources: .init(index: { Self.index }, engine: { ["leader": true] }, configuration: configuration))
    }

    func get(_ router: Router, _ target: String) throws -> (status: Int, json: JSONValue?, text: String) {
        let (path, query) = HTTPRequest.splitTarget(target)
        let response = router.handle(
            HTTPRequest(method: "GET", path: path, query: query, version: .http1_1, headers: HTTPHeaders(), body: []))
        let text = String(decoding: response.body, as: UTF8.self)
        return (response.status, try? JSONValue.parse(response.body), text)
    }

    @Test("the index summary counts workloads by kind and namespace")
    func summary() throws {
        let answer = try get(router(), "/debug/index")
        #expect(answer.status == 200)
        #expect(answer.json?["workloads"] == .number("3"))
        #expect(answer.json?["byKind"]?["Deployment"] == .number("1"))
        #expect(answer.json?["byNamespace"]?["shop"] == .number("2"))
        #expect(answer.json?["byNamespace"]?["ops"] == .number("1"))
    }

    @Test("a config query lists the users and the named-list holders of its namespace, and says which use it")
    func configQuery() throws {
        let answer = try get(router(), "/debug/index?kind=ConfigMap&namespace=shop&name=app-config")
        #expect(answer.status == 200)
        guard case .array(let candidates)? = answer.json?["candidates"] else {
            Issue.record("no candidates in \(answer.text)")
            return
        }
        let names = candidates.compactMap { entry -> String? in
            guard case .string(let name)? = entry["workload"]?["name"] else { return nil }
            return name
        }
        #expect(names == ["report", "web"])  // sorted by reference: CronJob before Deployment
        #expect(candidates.first?["usesThisConfig"] == .bool(false))
        #expect(candidates.last?["usesThisConfig"] == .bool(true))
        // The env var's value is a hash, shown by its prefix only.
        #expect(answer.text.contains("STAKATER_APP_CONFIG_CONFIGMAP=aaaaaaaaaaaa\""))
        #expect(!answer.text.contains(String(repeating: "a", count: 13)))
    }

    @Test("a workload query gives its record, or says it is not indexed")
    func workloadQuery() throws {
        let found = try get(router(), "/debug/index?workload=StatefulSet/ops/db")
        #expect(found.json?["indexed"] == .bool(true))
        #expect(found.json?["record"]?["uses"] == .array([.string("Secret db-password -> containers[0]")]))
        let missing = try get(router(), "/debug/index?workload=Deployment/ops/nothing")
        #expect(missing.json?["indexed"] == .bool(false))
    }

    @Test(
        "bad index queries are 400 with a reason",
        arguments: [
            "/debug/index?workload=Pod/shop/web", "/debug/index?workload=Deployment/web",
            "/debug/index?kind=Service&namespace=shop&name=x", "/debug/index?kind=ConfigMap&name=x",
            "/debug/index?namespace=shop",
        ])
    func badQueries(target: String) throws {
        let answer = try get(router(), target)
        #expect(answer.status == 400)
        #expect(!answer.text.isEmpty)
    }

    @Test(
        "webhook URLs are reduced to scheme and host",
        arguments: [
            ("https://hooks.slack.com/services/T0/B0/secret", "https://hooks.slack.com/…"),
            ("http://user:pass@receiver:8080/path?token=x", "http://receiver:8080/…"),
            ("https://example.com", "https://example.com"), ("", ""), ("not a url", "…"),
        ])
    func redaction(url: String, shown: String) {
        #expect(DebugRoutes.redacted(url) == shown)
    }

    @Test("the config endpoint shows the options without the alert or webhook credentials")
    func configuration() throws {
        let configuration = try ReloaderConfiguration(
            flags: [.webhookURL: ["https://example.com/hook/secret-path"], .reloadStrategy: ["annotations"]],
            environment: ["ALERT_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/xyz", "ALERT_SINK": "slack"])
        let answer = try get(router(configuration: configuration), "/debug/config")
        #expect(answer.status == 200)
        #expect(answer.json?["reloadStrategy"] == .string("annotations"))
        #expect(answer.json?["webhookUrl"] == .string("https://example.com/…"))
        #expect(answer.json?["alertWebhookUrl"] == .string("https://hooks.slack.com/…"))
        #expect(!answer.text.contains("secret-path") && !answer.text.contains("xyz"))
    }

    @Test("vars report this process's memory, threads and descriptors, and the engine's figures")
    func vars() throws {
        let answer = try get(router(), "/debug/vars")
        #expect(answer.status == 200)
        for field in ["residentBytes", "peakResidentBytes", "threads", "openDescriptors"] {
            guard case .number(let text)? = answer.json?["process"]?[field], let value = Double(text) else {
                Issue.record("process.\(field) missing in \(answer.text)")
                continue
            }
            #expect(value > 0, "process.\(field)")
        }
        #expect(answer.json?["engine"]?["leader"] == .bool(true))
    }

    @Test("threads are listed with their id, state and name")
    func threads() throws {
        let answer = try get(router(), "/debug/threads")
        let lines = answer.text.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(fields.count == 3 && Int(fields[0]) != nil && fields[1].count == 1, "\(line)")
        }
    }

    @Test("/proc/self/status fields are read in KiB; a missing field is 0")
    func statusFields() {
        let status = "Name:\treloader\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nRssAnon:\t    4096 kB\n"
        #expect(ProcessStatistics.kibField("VmRSS", in: status) == 10240)
        #expect(ProcessStatistics.kibField("VmHWM", in: status) == 20480)
        #expect(ProcessStatistics.kibField("RssAnon", in: status) == 4096)
        #expect(ProcessStatistics.kibField("VmSwap", in: status) == 0)
    }

    @Test("the engine's debug figures carry the queue, resync and leader state")
    func engineFigures() {
        var counters = ReloadQueueStateMachine.Counters()
        counters.depth = 2
        counters.dropped[.notPersisted] = 1
        var status = ResyncLoop.Status()
        status.isReady = true
        status.indexSize = 7
        status.lastDuration = .milliseconds(1500)
        let figures = ReloadEngine.debugFigures(queue: counters, resync: status, isLeader: false, now: .now)
        #expect(figures["leader"] == .bool(false))
        #expect(figures["queue"]?["depth"] == .number("2"))
        #expect(figures["queue"]?["dropped"]?["not_persisted"] == .number("1"))
        #expect(figures["index"]?["workloads"] == .number("7"))
        #expect(figures["resync"]?["lastDurationSeconds"] == .number("1.5"))
        #expect(figures["resync"]?["lastSuccessAgeSeconds"] == .null)
    }
}
