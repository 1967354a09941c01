import TestSupport
import Testing

@testable import Reloader

/// The reload queue with SecretProviderClass plans: the write to confirm is the reviewed SecretProviderClassPodStatus
/// (`PlannedReload.sourceName`), read back by its own name, never an object named after the class.
@Suite("ReloadQueue: confirmation on the source object")
struct ReloadQueueSourceObjectTests {
    typealias T = ReloadQueueStateMachineTests
    typealias Driver = ReloadQueueDriverTests

    static let vault = ConfigRef(kind: .secretProviderClass, namespace: "shop", name: "vault-db")

    static func plan(_ source: String, _ hash: String, workload: WorkloadRef = T.web) -> PlannedReload {
        PlannedReload(
            workload: workload, config: vault, hash: hash, trigger: .auto, container: 0, operation: .update,
            sourceName: source)
    }

    @Test("the confirmation reads the plan's source object and a match reloads")
    func confirmsOnSource() {
        var machine = ReloadQueueStateMachine()
        let plan = Self.plan("web-a-shop-vault-db", "h1")
        _ = machine.enqueue(plan, now: T.t0)
        let fired = machine.timerFired(now: T.at(1000))
        let key = ConfirmationKey(config: Self.vault, hash: "h1", sourceName: "web-a-shop-vault-db")
        #expect(fired == [.confirm(key, attempt: 1)])
        #expect(machine.confirmation(for: key, result: .matches, now: T.at(1010)) == [.reload(T.web, [plan])])
    }

    @Test("two pods' writes for one class within the window: the later replaces the earlier, one reload")
    func laterPodReplaces() {
        var machine = ReloadQueueStateMachine()
        _ = machine.enqueue(Self.plan("web-a-shop-vault-db", "h2"), now: T.t0)
        let later = Self.plan("web-b-shop-vault-db", "h2")
        _ = machine.enqueue(later, now: T.at(100))
        let fired = machine.timerFired(now: T.at(1100))
        #expect(T.confirms(fired) == [later.confirmationKey])
        #expect(
            machine.confirmation(for: later.confirmationKey, result: .matches, now: T.at(1110))
                == [.reload(T.web, [later])])
        #expect(machine.counters.depth == 1)
    }

    @Test("giving up on one pod's object drops only the plans that wait for that object")
    func giveUpPerSource() {
        var machine = ReloadQueueStateMachine(options: .init(confirmAttempts: 1))
        let lost = Self.plan("web-a-shop-vault-db", "h2", workload: T.web)
        let kept = Self.plan("api-b-shop-vault-db", "h2", workload: T.api)
        _ = machine.enqueue(lost, now: T.t0)
        _ = machine.enqueue(kept, now: T.t0)
        #expect(Set(T.confirms(machine.timerFired(now: T.at(1000)))) == [lost.confirmationKey, kept.confirmationKey])
        let dropped = machine.confirmation(for: lost.confirmationKey, result: .differs, now: T.at(1010))
        #expect(dropped == [.drop(lost, .notPersisted)])
        #expect(
            machine.confirmation(for: kept.confirmationKey, result: .matches, now: T.at(1020))
                == [.reload(T.api, [kept])])
    }

    @Test("the driver reads the SecretProviderClassPodStatus by its name, and only that object counts")
    func driverReadsSource() async throws {
        let reader = Driver.FakeConfigReader()
        let reloader = Driver.FakeWorkloadReloader()
        let queue = Driver.queue(reader, reloader)
        defer { queue.stop() }
        let persisted = Self.plan("web-a-shop-vault-db", "h1")
        reader.set(Self.vault, sourceName: "web-a-shop-vault-db", "h1")
        queue.enqueue(persisted)
        try await waitUntil("the plan is reloaded") { queue.isIdle && reloader.all.count == 1 }
        #expect(reader.sourcesRead.withLock { $0 } == ["web-a-shop-vault-db"])

        // An object named after the class carrying the hash does not confirm another pod's write.
        reader.set(Self.vault, "h3")
        let other = Self.plan("web-b-shop-vault-db", "h3", workload: T.api)
        queue.enqueue(other)
        try await waitUntil("the plan is dropped") { queue.counters.dropped[.notPersisted] == 1 }
        #expect(reloader.all.count == 1)
        #expect(Set(reader.sourcesRead.withLock { $0 }) == ["web-a-shop-vault-db", "web-b-shop-vault-db"])
    }
}
