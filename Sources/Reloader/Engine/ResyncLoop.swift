import Dispatch
public import Logging
import Synchronization

/// Runs the resync passes (DESIGN §2) on its own serial queue: the Namespace labels (with a namespace selector),
/// then the workload lists and the index swap, then, on the leader only, the reconciler and the `afterResync`
/// hook (where the pause resumer plugs in). The first pass starts at `start()`, then one every
/// `--resync-period` ±10%; a failed pass is logged and retried sooner with backoff (`ResyncSchedule`). A failed
/// list leaves the index (or the labels) as they were and skips the leader steps of that pass.
///
/// Thread-safe. `status` (readiness, metrics) is read from other threads while a pass runs for seconds on the
/// loop's queue, so it lives in one `Mutex`, held only to copy or update it, with the stop flag.
public final class ResyncLoop: @unchecked Sendable {  // the timer is only scheduled on `queue`; the rest is in `state`
    /// What the loop has done, for readiness and metrics.
    public struct Status: Sendable, Equatable {
        /// The first index is built (and, with a namespace selector, the Namespace labels listed once).
        public var isReady = false
        /// Passes finished, successful or not.
        public var passes = 0
        /// Passes that failed (a list error), since start.
        public var failures = 0
        /// Every reconcile since start, summed (each workload counted once per pass).
        public var reconciled = ReconcileReport()
        public var consecutiveFailures = 0
        /// When the last successful pass ended (the resync age is measured from it).
        public var lastSuccess: ContinuousClock.Instant?
        /// How long the last pass took, failed or not.
        public var lastDuration: Duration?
        /// Workloads and references in the index after the last pass.
        public var indexSize = 0
        public var indexReferences = 0
        /// The last reconcile (leader only).
        public var lastReconcile: ReconcileReport?
        public var lastError: ResyncError?
        /// The wait scheduled after the last pass.
        public var nextDelay: Duration?

        public init() {}
    }

    private struct State {
        var status = Status()
        var isStopped = false
    }

    private let queue = DispatchQueue(label: "reloader.resync")
    private let timer: any DispatchSourceTimer
    private let state = Mutex(State())

    private let store: IndexStore
    private let lister: WorkloadLister
    private let namespaceLabels: NamespaceLabelCache?
    private let reconciler: Reconciler?
    private let isLeader: @Sendable () -> Bool
    private let afterResync: @Sendable () -> Void
    private let schedule: ResyncSchedule
    private let now: @Sendable () -> ContinuousClock.Instant
    private let random: @Sendable () -> Double
    private let metrics: any ReloaderMetricsRecorder
    private let logger: Logger

    /// - Parameters:
    ///   - namespaceLabels: refreshed at every pass when given (only needed with `--namespace-selector`).
    ///   - reconciler: run after each successful swap on the leader; nil runs none.
    ///   - isLeader: asked once per pass, before the leader steps.
    ///   - afterResync: run on the leader after the reconciler, on the loop's queue (may block).
    ///   - random: the jitter source, a fraction in [0, 1).
    ///   - metrics: counts failed passes and times each reconcile pass.
    public init<C: Clock & Sendable>(
        store: IndexStore, lister: WorkloadLister, namespaceLabels: NamespaceLabelCache? = nil,
        reconciler: Reconciler?, isLeader: @escaping @Sendable () -> Bool,
        afterResync: @escaping @Sendable () -> Void = {}, schedule: ResyncSchedule, clock: C,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger,
        metrics: any ReloaderMetricsRecorder = NoReloaderMetrics()
    ) where C.Instant == ContinuousClock.Instant {
        self.store = store
        self.lister = lister
        self.namespaceLabels = namespaceLabels
        self.reconciler = reconciler
        self.isLeader = isLeader
        self.afterResync = afterResync
        self.schedule = schedule
        self.now = { clock.now }
        self.random = random
        self.metrics = metrics
        self.logger = logger
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in self?.passAndReschedule() }
        // Activated at once (an inactive source must not be released) and armed by `start()`.
        timer.schedule(deadline: .distantFuture)
        timer.activate()
    }

    deinit {
        timer.cancel()
    }

    public var status: Status { state.withLock { $0.status } }

    public var isReady: Bool { state.withLock { $0.status.isReady } }

    /// Starts the first pass now; the next ones follow the schedule.
    public func start() {
        timer.schedule(deadline: .now())
    }

    /// No pass starts after this; a pass under way finishes the step it is in and skips the rest. Does not wait.
    public func stop() {
        state.withLock { $0.isStopped = true }
        timer.cancel()
    }

    /// Runs one pass now, on the loop's queue, and returns its error (nil: success). Does not reschedule.
    @discardableResult
    public func runOnce() -> ResyncError? {
        queue.sync { pass() }
    }

    // MARK: Shell

    private var isStopped: Bool { state.withLock { $0.isStopped } }

    private func passAndReschedule() {
        _ = pass(schedulesNext: true)
        guard let delay = state.withLock({ $0.isStopped ? nil : $0.status.nextDelay }) else { return }
        timer.schedule(deadline: .now() + .nanoseconds(Self.nanoseconds(delay)))
    }

    /// One pass; with `schedulesNext`, the status also gets the delay before the next one (in the same update,
    /// so a reader never sees a finished pass with the previous pass's delay).
    private func pass(schedulesNext: Bool = false) -> ResyncError? {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isStopped else { return nil }
        let started = now()
        var failure: ResyncError?

        var labelsLoaded = true
        if let namespaceLabels {
            do {
                namespaceLabels.beginRefresh()
                namespaceLabels.replace(with: try lister.namespaceLabels())
            } catch {
                failure = error
                logger.warning(
                    "namespace list failed, keeping the labels listed before", metadata: ["error": "\(error)"])
            }
            labelsLoaded = namespaceLabels.isLoaded
        }

        var index: ReverseIndex?
        if !isStopped {
            do {
                index = try lister.resync(into: store)
            } catch {
                failure = error
                logger.warning("workload list failed, keeping the index built before", metadata: ["error": "\(error)"])
            }
        }

        // Neither an index nor an error: stopped before the list; nothing to record.
        guard index != nil || failure != nil else { return nil }
        // Ready as soon as the index is in place: the reconcile below may take minutes on a large cluster (its
        // config reads are rate-limited), and admission reviews need only the index.
        if index != nil && labelsLoaded { state.withLock { $0.status.isReady = true } }
        var report: ReconcileReport?
        if let index, !isStopped, isLeader() {
            if let reconciler {
                let reconcileStarted = now()
                let done = reconciler.reconcile(index)
                metrics.reconcilePass(done.metricResult, duration: reconcileStarted.duration(to: now()))
                report = done
            }
            if !isStopped { afterResync() }
        }
        if failure != nil { metrics.error(.resyncError) }

        let duration = started.duration(to: now())
        let finished = now()
        let current = store.snapshot
        let draw = random()
        state.withLock { state in
            state.status.passes += 1
            state.status.lastDuration = duration
            state.status.indexSize = current.count
            state.status.indexReferences = current.referenceCount
            if let report {
                state.status.lastReconcile = report
                state.status.reconciled.checked += report.checked
                state.status.reconciled.skipped += report.skipped
                state.status.reconciled.errors += report.errors
                state.status.reconciled.enqueued += report.enqueued
                state.status.reconciled.configsRead += report.configsRead
            }
            if index != nil && labelsLoaded { state.status.isReady = true }
            state.status.lastError = failure
            if failure == nil {
                state.status.consecutiveFailures = 0
                state.status.lastSuccess = finished
            } else {
                state.status.consecutiveFailures += 1
                state.status.failures += 1
            }
            if schedulesNext {
                state.status.nextDelay = schedule.delay(
                    afterFailures: state.status.consecutiveFailures, random: draw)
            }
        }
        var metadata: Logger.Metadata = [
            "duration_ms": "\(duration / .milliseconds(1))", "workloads": "\(current.count)",
            "references": "\(current.referenceCount)",
        ]
        if let report {
            metadata["reconcile.checked"] = "\(report.checked)"
            metadata["reconcile.enqueued"] = "\(report.enqueued)"
            metadata["reconcile.skipped"] = "\(report.skipped)"
            metadata["reconcile.errors"] = "\(report.errors)"
        }
        logger.info(failure == nil ? "resync finished" : "resync failed", metadata: metadata)
        return failure
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        return Int(min(max(total, 0), Double(Int.max / 2)))
    }
}
