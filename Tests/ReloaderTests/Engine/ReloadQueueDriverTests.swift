import Dispatch
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Reloader

/// `ReloadQueue`: the Dispatch driver with fake reads and patches and a tiny coalesce window.
@Suite("ReloadQueue driver")
struct ReloadQueueDriverTests {
    typealias T = ReloadQueueStateMachineTests

    /// The content hash of each config (or, for a SecretProviderClass, of each SecretProviderClassPodStatus) as the
    /// fake API server has it.
    final class FakeConfigReader: ConfigReader {
        struct Object: Hashable {
            var config: ConfigRef
            var sourceName: String?
        }

        let hashes = Mutex<[Object: String]>([:])
        let reads = Mutex(0)
        let sourcesRead = Mutex<[String?]>([])

        func set(_ config: ConfigRef, sourceName: String? = nil, _ hash: String?) {
            hashes.withLock { $0[Object(config: config, sourceName: sourceName)] = hash }
        }

        func contentHash(of config: ConfigRef, sourceName: String?) -> Result<String?, any Error> {
            reads.withLock { $0 += 1 }
            sourcesRead.withLock { $0.append(sourceName) }
            return .success(hashes.withLock { $0[Object(config: config, sourceName: sourceName)] })
        }
    }

    /// Records each patch; answers `outcomes` in turn, then success.
    final class FakeWorkloadReloader: WorkloadReloader {
        let calls = Mutex<[(WorkloadRef, [PlannedReload])]>([])
        let outcomes: Mutex<[ReloadOutcome]>

        init(outcomes: [ReloadOutcome] = []) { self.outcomes = Mutex(outcomes) }

        var all: [(WorkloadRef, [PlannedReload])] { calls.withLock { $0 } }

        func reload(_ workload: WorkloadRef, plans: [PlannedReload]) -> ReloadOutcome {
            calls.withLock { $0.append((workload, plans)) }
            return outcomes.withLock { $0.isEmpty ? .success : $0.removeFirst() }
        }
    }

    static func queue(
        _ reader: FakeConfigReader, _ reloader: FakeWorkloadReloader, reloadBackoff: Duration = .milliseconds(10)
    ) -> ReloadQueue {
        ReloadQueue(
            options: .init(
                coalesceWindow: .milliseconds(50), confirmAttempts: 3, confirmBackoff: .milliseconds(10),
                reloadBackoff: reloadBackoff),
            reader: reader, reloader: reloader,
            logger: Logger(label: "reloader.test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test("two persisted configs changed together give one reload with both")
    func coalescesAndReloads() async throws {
        let reader = FakeConfigReader()
        let reloader = FakeWorkloadReloader()
        let queue = Self.queue(reader, reloader)
        defer { queue.stop() }
        let a = T.plan("app-config", "h1")
        let b = T.plan("app-secret", "h2", kind: .secret)
        reader.set(a.config, "h1")
        reader.set(b.config, "h2")
        queue.enqueue(a)
        queue.enqueue(b)
        try await waitUntil("the batch is reloaded") { queue.isIdle && !reloader.all.isEmpty }
        #expect(reloader.all.count == 1)
        #expect(reloader.all.first?.0 == T.web)
        #expect(Set(reloader.all.first?.1 ?? []) == [a, b])
        #expect(queue.counters.coalesced == 1)
        #expect(queue.counters.reloadsSucceeded == 1)
    }

    @Test("a write that never lands is dropped not_persisted and never reloads")
    func notPersisted() async throws {
        let reader = FakeConfigReader()
        let reloader = FakeWorkloadReloader()
        let queue = Self.queue(reader, reloader)
        defer { queue.stop() }
        let plan = T.plan("app-config", "h1")
        reader.set(plan.config, "old")
        queue.enqueue(plan)
        try await waitUntil("the plan is dropped") { queue.counters.dropped[.notPersisted] == 1 }
        #expect(queue.isIdle)
        #expect(reloader.all.isEmpty)
        #expect(reader.reads.withLock { $0 } == 3)
    }

    @Test("a retryable failure is retried until the patch succeeds")
    func retriesReload() async throws {
        let reader = FakeConfigReader()
        let reloader = FakeWorkloadReloader(outcomes: [.retryableFailure, .retryableFailure])
        let queue = Self.queue(reader, reloader)
        defer { queue.stop() }
        let plan = T.plan("app-config", "h1")
        reader.set(plan.config, "h1")
        queue.enqueue(plan)
        try await waitUntil("the reload succeeds") { queue.counters.reloadsSucceeded == 1 }
        #expect(reloader.all.count == 3)
        #expect(queue.isIdle)
    }

    /// Holds each patch until the test lets it go, counting how many run at once.
    final class GatedWorkloadReloader: WorkloadReloader {
        let gate = DispatchSemaphore(value: 0)
        let state = Mutex<(running: Int, maxRunning: Int, calls: [[PlannedReload]])>((0, 0, []))

        func reload(_ workload: WorkloadRef, plans: [PlannedReload]) -> ReloadOutcome {
            state.withLock {
                $0.running += 1
                $0.maxRunning = max($0.maxRunning, $0.running)
                $0.calls.append(plans)
            }
            gate.wait()
            state.withLock { $0.running -= 1 }
            return .success
        }
    }

    @Test("a plan for a workload being reloaded runs after that reload, never alongside it")
    func queuedBehindInFlight() async throws {
        let reader = FakeConfigReader()
        let reloader = GatedWorkloadReloader()
        let queue = ReloadQueue(
            options: .init(coalesceWindow: .milliseconds(50), confirmBackoff: .milliseconds(10)), reader: reader,
            reloader: reloader, logger: Logger(label: "reloader.test", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { queue.stop() }
        let first = T.plan("app-config", "h1")
        let second = T.plan("app-config", "h2")
        reader.set(first.config, "h1")
        queue.enqueue(first)
        try await waitUntil("the first reload starts") { reloader.state.withLock { $0.calls.count } == 1 }
        reader.set(second.config, "h2")
        queue.enqueue(second)
        // The second plan is confirmed and waits behind the first reload.
        try await waitUntil("the second read") { reader.reads.withLock { $0 } == 2 }
        #expect(reloader.state.withLock { $0.calls.count } == 1)
        reloader.gate.signal()
        try await waitUntil("the second reload starts") { reloader.state.withLock { $0.calls.count } == 2 }
        reloader.gate.signal()
        try await waitUntil("both reloads end") { queue.counters.reloadsSucceeded == 2 && queue.isIdle }
        #expect(reloader.state.withLock { $0.maxRunning } == 1)
        #expect(reloader.state.withLock { $0.calls } == [[first], [second]])
    }
}
