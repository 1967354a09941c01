import Logging
import TestSupport
import Testing

@testable import Reloader

/// Where the reload queue's driver counts: the queue latency once per plan, the by-namespace reload result, the
/// skip reason of a reload that wrote nothing, and the errors of reloads and confirmation reads.
@Suite("ReloadQueue metrics")
struct ReloadQueueMetricsTests {
    typealias T = ReloadQueueStateMachineTests
    typealias D = ReloadQueueDriverTests

    /// A reader whose every read fails, as when the API server is unreachable.
    struct FailingReader: ConfigReader {
        struct Unreachable: Error {}
        func contentHash(of config: ConfigRef, sourceName: String?) -> Result<String?, any Error> {
            .failure(Unreachable())
        }
    }

    static func queue(
        _ reader: any ConfigReader, _ reloader: D.FakeWorkloadReloader, _ metrics: RecordingMetrics
    ) -> ReloadQueue {
        ReloadQueue(
            options: .init(
                coalesceWindow: .milliseconds(20), confirmAttempts: 3, confirmBackoff: .milliseconds(5),
                confirmErrorAttempts: 2, reloadAttempts: 3, reloadBackoff: .milliseconds(5)),
            reader: reader, reloader: reloader, logger: EngineFixtures.logger, metrics: metrics)
    }

    static func persisted(_ plans: [PlannedReload]) -> D.FakeConfigReader {
        let reader = D.FakeConfigReader()
        for plan in plans { reader.set(plan.config, plan.hash) }
        return reader
    }

    @Test("a reload after one retry: one queue latency per plan, one handler error, one reload executed")
    func retriedReload() async throws {
        let metrics = RecordingMetrics()
        let plan = T.plan("app-config", "h1")
        let reloader = D.FakeWorkloadReloader(outcomes: [.retryableFailure])
        let queue = Self.queue(Self.persisted([plan]), reloader, metrics)
        defer { queue.stop() }
        queue.enqueue(plan)
        try await waitUntil("the reload succeeds after a retry") { queue.isIdle && reloader.all.count == 2 }
        #expect(
            metrics.multiset == [
                .queueLatency: 1, .error(.handlerError): 1, .executed(succeeded: true, namespace: "shop"): 1,
            ])
        #expect(queue.counters.reloadRetries == 1)
        // The coalesce window is part of the wait: the plan cannot start before it closes.
        #expect(metrics.durations.withLock { $0 }.allSatisfy { $0 >= .milliseconds(20) })
    }

    @Test("two plans coalesced into one reload give two queue latencies")
    func coalescedLatencies() async throws {
        let metrics = RecordingMetrics()
        let a = T.plan("app-config", "h1")
        let b = T.plan("app-secret", "h2", kind: .secret)
        let reloader = D.FakeWorkloadReloader()
        let queue = Self.queue(Self.persisted([a, b]), reloader, metrics)
        defer { queue.stop() }
        queue.enqueue(a)
        queue.enqueue(b)
        try await waitUntil("the batch is reloaded") { queue.isIdle && !reloader.all.isEmpty }
        #expect(metrics.count(.queueLatency) == 2)
        #expect(metrics.count(.executed(succeeded: true, namespace: "shop")) == 1)
    }

    @Test(
        "a reload that writes nothing counts its skip reason",
        arguments: [
            (ReloadDecision.SkipReason.alreadyCurrent, SkipMetricReason.strategyNotUpdated),
            (.notSelected, .ignoredOrNotSelected),
        ])
    func skippedReload(reason: ReloadDecision.SkipReason, expected: SkipMetricReason) async throws {
        let metrics = RecordingMetrics()
        let plan = T.plan("app-config", "h1")
        let reloader = D.FakeWorkloadReloader(outcomes: [.skipped(reason)])
        let queue = Self.queue(Self.persisted([plan]), reloader, metrics)
        defer { queue.stop() }
        queue.enqueue(plan)
        try await waitUntil("the reload is skipped") { queue.isIdle && !reloader.all.isEmpty }
        #expect(metrics.multiset == [.queueLatency: 1, .skipped(expected): 1])
    }

    @Test("a permanent failure: a handler error and, per plan given up, a failed reload for its namespace")
    func permanentFailure() async throws {
        let metrics = RecordingMetrics()
        let plan = T.plan("app-config", "h1")
        let reloader = D.FakeWorkloadReloader(outcomes: [.permanentFailure])
        let queue = Self.queue(Self.persisted([plan]), reloader, metrics)
        defer { queue.stop() }
        queue.enqueue(plan)
        try await waitUntil("the plan is dropped") { queue.isIdle && !reloader.all.isEmpty }
        #expect(
            metrics.multiset == [
                .queueLatency: 1, .error(.handlerError): 1, .executed(succeeded: false, namespace: "shop"): 1,
            ])
    }

    @Test("confirmation reads that fail are errors; the plan given up never started, so it has no latency")
    func confirmationErrors() async throws {
        let metrics = RecordingMetrics()
        let reloader = D.FakeWorkloadReloader()
        let queue = Self.queue(FailingReader(), reloader, metrics)
        defer { queue.stop() }
        queue.enqueue(T.plan("app-config", "h1"))
        try await waitUntil("the plan is dropped") { queue.isIdle && queue.counters.dropped[.failed] == 1 }
        #expect(reloader.all.isEmpty)
        #expect(
            metrics.multiset == [
                .error(.confirmationError): 2, .executed(succeeded: false, namespace: "shop"): 1,
            ])
    }
}
