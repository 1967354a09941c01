import Dispatch
public import Logging

/// Reads a config's current content hash from the API server (`nil`: the object read does not exist).
public protocol ConfigReader: Sendable {
    /// `sourceName`: the object holding the content when it is not the config itself, as for a
    /// SecretProviderClass, whose hash lives in per-pod SecretProviderClassPodStatus objects; nil reads the config.
    func contentHash(of config: ConfigRef, sourceName: String?) -> Result<String?, any Error>
}

extension ConfigReader {
    /// The content hash of a config that holds its own content (a ConfigMap or a Secret).
    public func contentHash(of config: ConfigRef) -> Result<String?, any Error> {
        contentHash(of: config, sourceName: nil)
    }
}

/// Patches one workload once for a batch of plans (several configs changed together give one patch).
public protocol WorkloadReloader: Sendable {
    func reload(_ workload: WorkloadRef, plans: [PlannedReload]) -> ReloadOutcome
}

/// The reload queue's Dispatch driver: one serial queue owns the `ReloadQueueStateMachine` and performs what it
/// decides. One `DispatchSourceTimer` fires at the next deadline; reads and patches (blocking calls) run on a
/// concurrent worker queue, at most `maxConcurrent` at once, and their results come back to the serial queue.
/// Decides nothing itself; counts what happened (reload results, queue latency, errors) into `metrics`.
public final class ReloadQueue: ReloadSink, @unchecked Sendable {
    // Everything mutable below is touched on `queue` only.
    private let queue = DispatchQueue(label: "reloader.reload-queue")
    private let workers = DispatchQueue(label: "reloader.reload-queue.workers", attributes: .concurrent)
    private let timer: any DispatchSourceTimer
    private var machine: ReloadQueueStateMachine
    private var running = 0
    private var waiting: [@Sendable () -> Void] = []
    private var stopped = false
    /// When the oldest plan of each (workload, config) not yet reloading was enqueued, for the queue latency.
    /// An entry leaves at the `.reload` or `.drop` of a plan of its pair, so a replaced plan keeps its first time.
    private var enqueuedAt: [PlanKey: ContinuousClock.Instant] = [:]

    private let maxConcurrent: Int
    private let reader: any ConfigReader
    private let reloader: any WorkloadReloader
    private let now: @Sendable () -> ContinuousClock.Instant
    private let metrics: any ReloaderMetricsRecorder
    private let logger: Logger

    public init<C: Clock & Sendable>(
        options: ReloadQueueStateMachine.Options = .init(), maxConcurrent: Int = 4, reader: any ConfigReader,
        reloader: any WorkloadReloader, clock: C, logger: Logger,
        metrics: any ReloaderMetricsRecorder = NoReloaderMetrics()
    ) where C.Instant == ContinuousClock.Instant {
        self.machine = ReloadQueueStateMachine(options: options)
        self.maxConcurrent = max(1, maxConcurrent)
        self.reader = reader
        self.reloader = reloader
        self.now = { clock.now }
        self.metrics = metrics
        self.logger = logger
        self.timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.perform(self.machine.timerFired(now: self.now()))
        }
        timer.schedule(deadline: .distantFuture)
        timer.activate()
    }

    public convenience init(
        options: ReloadQueueStateMachine.Options = .init(), maxConcurrent: Int = 4, reader: any ConfigReader,
        reloader: any WorkloadReloader, logger: Logger, metrics: any ReloaderMetricsRecorder = NoReloaderMetrics()
    ) {
        self.init(
            options: options, maxConcurrent: maxConcurrent, reader: reader, reloader: reloader,
            clock: ContinuousClock(), logger: logger, metrics: metrics)
    }

    deinit {
        timer.cancel()
    }

    /// Does not block: the plan is handed to the serial queue.
    public func enqueue(_ plan: PlannedReload) {
        queue.async {
            guard !self.stopped else { return }
            let now = self.now()
            let key = PlanKey(plan)
            if self.enqueuedAt[key] == nil { self.enqueuedAt[key] = now }
            self.perform(self.machine.enqueue(plan, now: now))
        }
    }

    /// The counters for the metrics (depth, coalesced, dropped by reason).
    public var counters: ReloadQueueStateMachine.Counters { queue.sync { machine.counters } }

    /// Whether nothing is pending and no read or patch is running.
    public var isIdle: Bool { queue.sync { machine.isIdle && running == 0 && waiting.isEmpty } }

    /// Stops the timer and starts no new work; plans still pending are left (the reconciler catches them).
    public func stop() {
        queue.sync {
            stopped = true
            waiting.removeAll()
            enqueuedAt.removeAll()
            timer.cancel()
        }
    }

    // MARK: Shell

    private func perform(_ actions: [ReloadQueueStateMachine.Action]) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !stopped else { return }
        for action in actions {
            switch action {
            case .scheduleTimer(let at):
                let delay = max(.zero, now().duration(to: at))
                timer.schedule(deadline: .now() + .nanoseconds(Self.nanoseconds(delay)))
            case .confirm(let key, let attempt):
                logger.trace("confirming \(key) (attempt \(attempt))")
                submit { [reader, metrics] in
                    let observed = reader.contentHash(of: key.config, sourceName: key.sourceName)
                    let result = ReloadQueueStateMachine.ConfirmationResult(observed: observed, expected: key.hash)
                    if result == .error { metrics.error(.confirmationError) }
                    return { $0.machine.confirmation(for: key, result: result, now: $0.now()) }
                }
            case .reload(let workload, let plans):
                logger.debug("reloading \(workload) for \(plans.count) config change(s)")
                let started = now()
                for plan in plans {
                    if let since = enqueuedAt.removeValue(forKey: PlanKey(plan)) {
                        metrics.queueLatency(since.duration(to: started))
                    }
                }
                submit { [reloader, metrics] in
                    let outcome = reloader.reload(workload, plans: plans)
                    Self.count(outcome, of: workload, into: metrics)
                    return { $0.machine.reloadFinished(workload: workload, result: outcome, now: $0.now()) }
                }
            case .drop(let plan, let reason):
                enqueuedAt[PlanKey(plan)] = nil
                if reason == .failed { metrics.reloadExecuted(succeeded: false, namespace: plan.workload.namespace) }
                logger.warning(
                    "reload dropped",
                    metadata: [
                        "k8s.kind": "\(plan.workload.kind.rawValue)", "k8s.namespace": "\(plan.workload.namespace)",
                        "k8s.name": "\(plan.workload.name)", "reloader.config": "\(plan.config)",
                        "reloader.hash": "\(plan.hash.prefix(12))", "reloader.outcome": "dropped",
                        "reloader.reason": "\(reason.rawValue)",
                    ])
            }
        }
    }

    /// What a reload's outcome counts (its plans given up are counted at their `.drop`).
    private static func count(
        _ outcome: ReloadOutcome, of workload: WorkloadRef, into metrics: any ReloaderMetricsRecorder
    ) {
        switch outcome {
        case .success: metrics.reloadExecuted(succeeded: true, namespace: workload.namespace)
        case .skipped(let reason): metrics.skipped(reason.skipMetricReason)
        case .retryableFailure, .permanentFailure: metrics.error(.handlerError)
        case .settle: break
        }
    }

    /// Runs `work` on the worker queue when a slot is free; the event it returns is fed to the machine on the
    /// serial queue.
    private func submit(
        _ work: @escaping @Sendable () -> @Sendable (ReloadQueue) -> [ReloadQueueStateMachine.Action]
    ) {
        waiting.append { [weak self] in
            let event = work()
            guard let self else { return }
            self.queue.async {
                self.running -= 1
                self.perform(event(self))
                self.startWaiting()
            }
        }
        startWaiting()
    }

    private func startWaiting() {
        while running < maxConcurrent, !waiting.isEmpty, !stopped {
            running += 1
            workers.async(execute: waiting.removeFirst())
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        return Int(min(total, Double(Int.max / 2)))
    }
}

/// A (workload, config) pair of the queue, the unit whose waiting time `reloader_workqueue_latency_seconds` measures.
private struct PlanKey: Hashable {
    var workload: WorkloadRef
    var config: ConfigRef

    init(_ plan: PlannedReload) {
        workload = plan.workload
        config = plan.config
    }
}
