import Foundation
import Glibc
import Synchronization

/// The reloader replicas of a soak, as a Deployment with `--enable-ha` would run them: `count` slots, each holding
/// the replica running now (nil while it is down); a restart gets a new pod name. The Service forwarder's backends
/// follow the ready replicas. A sampler thread reads each live replica's queue depth and peak RSS once a second.
/// Thread-safe (one mutex); starts and stops are made by one caller at a time (the run, then the chaos loop).
final class ReplicaPool: Sendable {
    private struct State {
        var slots: [ReplicaProcess?]
        var generations: [Int]
        var retired: [ReplicaProcess] = []
        var restarts = 0
        var maxDepth = 0.0
        var peakResidentKiB = 0
        var sampling = true
    }

    private let executable: String
    private let arguments: [String]
    private let directory: String
    private let forwarder: ServiceForwarder
    private let state: Mutex<State>
    private let progress: @Sendable (String) -> Void

    init(
        count: Int, executable: String, arguments: [String], directory: String, forwarder: ServiceForwarder,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.executable = executable
        self.arguments = arguments
        self.directory = directory
        self.forwarder = forwarder
        self.progress = progress
        state = Mutex(State(slots: Array(repeating: nil, count: count), generations: Array(repeating: 0, count: count)))
    }

    var count: Int { state.withLock { $0.slots.count } }
    var live: [ReplicaProcess] { state.withLock { $0.slots.compactMap { $0 } } }
    var restarts: Int { state.withLock { $0.restarts } }
    var maxDepth: Int { Int(state.withLock { $0.maxDepth }) }
    var peakResidentKiB: Int { state.withLock { $0.peakResidentKiB } }
    /// Every process started so far, the running ones included (for their logs).
    var everyProcess: [ReplicaProcess] { state.withLock { $0.retired + $0.slots.compactMap { $0 } } }

    /// Starts the replica of `slot` (which must be down) and waits until it is ready, then adds it to the Service.
    func start(_ slot: Int, readyTimeout: Duration = .seconds(90)) throws(SoakError) {
        let name = state.withLock { state in
            state.generations[slot] += 1
            return "reloader-\(slot)-g\(state.generations[slot])"
        }
        let replica = try ReplicaProcess.start(
            name: name, executable: executable, arguments: arguments, directory: directory)
        let deadline = ContinuousClock.now + readyTimeout
        while !replica.isReady {
            guard replica.isRunning else { throw .replicaExited(name: name, log: replica.log) }
            guard ContinuousClock.now < deadline else {
                replica.kill()
                throw .timedOut("replica \(name) ready (/readyz 200)")
            }
            usleep(50_000)
        }
        state.withLock { $0.slots[slot] = replica }
        publishBackends()
        progress("\(name) ready (webhook :\(replica.webhookPort))")
    }

    /// SIGKILL: nothing is finished or released (its Lease is left to expire).
    func kill(_ slot: Int) {
        guard let replica = takeDown(slot) else { return }
        replica.kill()
        progress("SIGKILL \(replica.name)")
    }

    /// SIGTERM, as a pod deletion does: out of the Service first, then a clean shutdown (Lease released).
    func terminate(_ slot: Int) {
        guard let replica = takeDown(slot) else { return }
        replica.signal(SIGTERM)
        let clean = replica.waitForExit(within: .seconds(40))
        progress("SIGTERM \(replica.name)\(clean ? "" : " (did not exit in 40s: SIGKILLed)")")
    }

    /// Restarts every slot that is down.
    func restartDown() throws(SoakError) {
        for slot in 0..<count where state.withLock({ $0.slots[slot] == nil }) {
            try start(slot)
            state.withLock { $0.restarts += 1 }
        }
    }

    func stopAll() {
        state.withLock { $0.sampling = false }
        for slot in 0..<count { terminate(slot) }
    }

    /// Samples every live replica once a second until `stopAll`.
    func startSampling() {
        let thread = Thread { [self] in
            while state.withLock({ $0.sampling }) {
                sample()
                Thread.sleep(forTimeInterval: 1)
            }
        }
        thread.name = "soak-sampler"
        thread.start()
    }

    func sample() {
        for replica in live {
            let depth = replica.metrics()["reloader_workqueue_depth"] ?? 0
            let resident = replica.peakResidentKiB
            state.withLock { state in
                state.maxDepth = max(state.maxDepth, depth)
                state.peakResidentKiB = max(state.peakResidentKiB, resident)
            }
        }
    }

    private func takeDown(_ slot: Int) -> ReplicaProcess? {
        let replica = state.withLock { state -> ReplicaProcess? in
            guard let replica = state.slots[slot] else { return nil }
            state.slots[slot] = nil
            state.retired.append(replica)
            return replica
        }
        guard let replica else { return nil }
        // Its last peak, before /proc forgets it.
        let resident = replica.peakResidentKiB
        state.withLock { $0.peakResidentKiB = max($0.peakResidentKiB, resident) }
        publishBackends()
        return replica
    }

    private func publishBackends() {
        forwarder.setBackends(live.map(\.webhookPort))
    }
}
