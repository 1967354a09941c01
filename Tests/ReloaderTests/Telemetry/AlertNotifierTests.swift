import Dispatch
import Logging
import Synchronization
import TestSupport
import Testing
import WebhookServer

@testable import Reloader

@Suite("alert notifier: retries, redirects, backlog")
struct AlertNotifierTests {
    /// Records each request and answers from a script (then 200); a `.failure` entry is a transport error.
    final class ScriptedTransport: HTTPTransport {
        let requests = Mutex<[TransportRequest]>([])
        /// Sends begun, counted before the gate.
        let started = Atomic<Int>(0)
        let answers: Mutex<[Result<Int, TransportError>]>
        /// When set, every send first waits for it (to hold the notifier's queue busy).
        let gate: DispatchSemaphore?

        init(_ answers: [Result<Int, TransportError>] = [], gate: DispatchSemaphore? = nil) {
            self.answers = Mutex(answers)
            self.gate = gate
        }

        func send(_ request: TransportRequest) -> Result<TransportResponse, TransportError> {
            started.add(1, ordering: .relaxed)
            gate?.wait()
            requests.withLock { $0.append(request) }
            return answers.withLock { $0.isEmpty ? .success(200) : $0.removeFirst() }.map {
                TransportResponse(status: $0)
            }
        }

        var count: Int { requests.withLock { $0.count } }
    }

    /// Records the backoff waits instead of sleeping.
    final class Waits: Sendable {
        let recorded = Mutex<[Duration]>([])
        func record(_ duration: Duration) { recorded.withLock { $0.append(duration) } }
    }

    static let change = ConfigChange(
        config: ConfigRef(kind: .secret, namespace: "shop", name: "db"), oldHash: "old", newHash: "new",
        operation: .update)
    static let workload = WorkloadRef(kind: .statefulSet, namespace: "shop", name: "db")
    static let timedOut = TransportError(kind: .timedOut, url: "http://x", detail: "Operation timed out")

    private func notifier(
        _ transport: ScriptedTransport, sink: ReloadAlert.Sink = .slack, waits: Waits = Waits(),
        configure: (inout AlertNotifier.Settings) -> Void = { _ in }
    ) -> AlertNotifier {
        var settings = AlertNotifier.Settings(
            sink: sink, url: "https://hooks.example/services/secret", proxy: "http://proxy.example:3128")
        configure(&settings)
        var logger = Logger(label: "test.alerts")
        logger.logLevel = .critical
        return AlertNotifier(settings: settings, transport: transport, logger: logger, sleep: { waits.record($0) })
    }

    @Test("a reload sends one POST: JSON body, 5 s timeout, the proxy; a failure sends nothing")
    func sendsOne() throws {
        let transport = ScriptedTransport()
        let alerts = notifier(transport)
        alerts.reloaded(Self.workload, uid: "u", change: Self.change)
        alerts.failed(Self.workload, uid: "u", configs: [Self.change.config], reason: "forbidden")
        alerts.drain()
        #expect(alerts.counters == .init(sent: 1, failed: 0, dropped: 0))
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(transport.count == 1)
        #expect(request.method == "POST" && request.url == "https://hooks.example/services/secret")
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        #expect(request.timeout == .seconds(5))
        #expect(request.proxy == "http://proxy.example:3128")
        let expected = ReloadAlert(
            config: Self.change.config, hash: "new", workload: Self.workload, strategy: "env-vars")
        #expect(request.body == expected.body(for: .slack))
    }

    @Test("500, 500, 200: one alert sent after three tries, backing off 500 ms then 1 s")
    func retriesWithBackoff() {
        let transport = ScriptedTransport([.success(500), .success(500), .success(200)])
        let waits = Waits()
        let alerts = notifier(transport, waits: waits)
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(transport.count == 3)
        #expect(alerts.counters == .init(sent: 1, failed: 0, dropped: 0))
        #expect(waits.recorded.withLock { $0 } == [.milliseconds(500), .seconds(1)])
    }

    @Test("a timeout is retried; three of them fail the alert")
    func timeoutsRetried() {
        let recovering = ScriptedTransport([.failure(Self.timedOut), .success(200)])
        let first = notifier(recovering)
        first.reloaded(Self.workload, uid: nil, change: Self.change)
        first.drain()
        #expect(recovering.count == 2 && first.counters.sent == 1)

        let dead = ScriptedTransport(Array(repeating: .failure(Self.timedOut), count: 3))
        let second = notifier(dead)
        second.reloaded(Self.workload, uid: nil, change: Self.change)
        second.drain()
        #expect(dead.count == 3)
        #expect(second.counters == .init(sent: 0, failed: 1, dropped: 0))
    }

    @Test("a redirect fails the alert at once: not followed, not retried", arguments: [301, 302, 307, 308])
    func redirectRefused(status: Int) {
        let transport = ScriptedTransport([.success(status)])
        let waits = Waits()
        let alerts = notifier(transport, waits: waits)
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(transport.count == 1)
        #expect(alerts.counters == .init(sent: 0, failed: 1, dropped: 0))
        #expect(waits.recorded.withLock { $0 }.isEmpty)
    }

    @Test("Teams counts only 200: a 202 fails without a retry (the message may have been posted)")
    func teamsNeeds200() {
        let transport = ScriptedTransport([.success(202)])
        let alerts = notifier(transport, sink: .teams)
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(transport.count == 1 && alerts.counters.failed == 1)
    }

    @Test("past the backlog limit alerts are dropped and counted, and the rest are still sent")
    func backlogOverflow() {
        let gate = DispatchSemaphore(value: 0)
        let transport = ScriptedTransport(gate: gate)
        let alerts = notifier(transport) { $0.backlogLimit = 3 }
        for _ in 0..<10 { alerts.reloaded(Self.workload, uid: nil, change: Self.change) }
        #expect(alerts.counters.dropped == 7)
        #expect(alerts.pending == 3)
        for _ in 0..<3 { gate.signal() }
        alerts.drain()
        #expect(alerts.counters == .init(sent: 3, failed: 0, dropped: 7))
        #expect(alerts.pending == 0)
        gate.signal()
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        alerts.drain()
        #expect(alerts.counters.sent == 4)
    }

    @Test("finish drops what has not started when the grace runs out")
    func finishDropsTheRest() async throws {
        let gate = DispatchSemaphore(value: 0)
        let transport = ScriptedTransport(gate: gate)
        let alerts = notifier(transport)
        for _ in 0..<3 { alerts.reloaded(Self.workload, uid: nil, change: Self.change) }
        try await waitUntil(timeout: .seconds(5), "the first alert's POST begins") {
            transport.started.load(ordering: .relaxed) == 1
        }
        alerts.finish(within: .zero)
        gate.signal()
        alerts.drain()
        #expect(alerts.counters == .init(sent: 1, failed: 0, dropped: 2))
        alerts.reloaded(Self.workload, uid: nil, change: Self.change)
        #expect(alerts.counters.dropped == 3)
    }
}
