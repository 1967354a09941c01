import Logging
import Synchronization
import TestSupport
import Testing

@testable import Reloader

/// The notifier over real sockets: libcurl against a local plain-HTTP receiver.
@Suite("alert notifier over libcurl")
struct AlertNotifierCurlTests {
    typealias Waits = AlertNotifierTests.Waits

    static let change = ConfigChange(
        config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), oldHash: "a", newHash: "b",
        operation: .update)
    static let workload = WorkloadRef(kind: .deployment, namespace: "shop", name: "web")

    /// Backoff waits are recorded, not slept (`AlertNotifierTests.Waits`).
    private func notifier(_ settings: AlertNotifier.Settings, waits: Waits = Waits()) -> AlertNotifier {
        var logger = Logger(label: "test.alerts")
        logger.logLevel = .critical
        return AlertNotifier(
            settings: settings, transport: CurlTransport(), logger: logger, sleep: { waits.record($0) })
    }

    @Test("a Slack alert arrives once as JSON with the contract's body")
    func slackAlertArrives() throws {
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let alerts = notifier(.init(sink: .slack, url: receiver.url + "/services/T0/B0/secret"))
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(alerts.counters == .init(sent: 1, failed: 0, dropped: 0))
        let request = try #require(receiver.requests.first)
        #expect(receiver.count == 1)
        #expect(request.method == "POST" && request.path == "/services/T0/B0/secret")
        #expect(request.headers["content-type"] == "application/json")
        let text =
            "Reloader detected changes in *app-config* of type *CONFIGMAP* in namespace *shop*. "
            + "Hence reloaded *web* of type *Deployment* in namespace *shop*"
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == #"{"attachments":[{"color":"good","author_name":"Reloader","text":"\#(text)"}]}"#)
    }

    @Test("500 then 200: sent on the second try")
    func serverErrorRetried() throws {
        let receiver = try AlertReceiver(statuses: [500])
        defer { receiver.stop() }
        let waits = Waits()
        let alerts = notifier(.init(sink: .raw, url: receiver.url + "/hook"), waits: waits)
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(receiver.count == 2)
        #expect(alerts.counters == .init(sent: 1, failed: 0, dropped: 0))
        #expect(waits.recorded.withLock { $0 } == [.milliseconds(500)])
    }

    @Test("a redirect is not followed: the target never hears of it, the alert fails once")
    func redirectNotFollowed() throws {
        let target = try AlertReceiver()
        defer { target.stop() }
        let redirecting = try AlertReceiver(statuses: [302], redirect: target.url + "/elsewhere")
        defer { redirecting.stop() }
        let alerts = notifier(.init(sink: .slack, url: redirecting.url + "/hook"))
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(redirecting.count == 1)
        #expect(target.count == 0)
        #expect(alerts.counters == .init(sent: 0, failed: 1, dropped: 0))
    }

    @Test("with a proxy, the request goes to the proxy in absolute form")
    func throughProxy() throws {
        let proxy = try AlertReceiver()
        defer { proxy.stop() }
        let alerts = notifier(.init(sink: .teams, url: "http://alerts.invalid/hook?token=s", proxy: proxy.url))
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        let request = try #require(proxy.requests.first)
        #expect(request.path == "http://alerts.invalid/hook")
        #expect(request.headers["host"] == "alerts.invalid")
        #expect(alerts.counters.sent == 1)
    }

    @Test("a sink that refuses connections: three tries, then failed")
    func unreachable() throws {
        let closed = try AlertReceiver()
        let url = closed.url + "/hook"
        closed.stop()
        let waits = Waits()
        let alerts = notifier(.init(sink: .googleChat, url: url), waits: waits)
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(alerts.counters == .init(sent: 0, failed: 1, dropped: 0))
        #expect(waits.recorded.withLock { $0 } == [.milliseconds(500), .seconds(1)])
    }
}
