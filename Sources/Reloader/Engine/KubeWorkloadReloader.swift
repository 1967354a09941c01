public import Logging

/// The reload queue's `WorkloadReloader` over the API (contract §5, §5.3, §5.4): for one workload and every plan
/// coalesced for it, GETs the workload, decides each plan again on the object as it is now (an annotation removed
/// since indexing, a hash already written, a CronJob suspended meanwhile: nothing is written), plans ONE write
/// for the rest (`ReloadBatchPlanner`, with the pause period) and sends it with field manager `reloader`. A write
/// that finds the object changed (409, or 422 from a JSON patch's `test`) is planned again from a fresh GET, a
/// bounded number of times. Logs one line per config change carried out, with Reloader's message, and counts each
/// write as an action (`reloader_action_total`, timed from the attempt's GET as Reloader times it).
///
/// Retries of 429 (with Retry-After) and 5xx happen inside `KubeClient` (`RetryPolicy`); what still fails here is
/// answered `.retryableFailure` and the queue backs off, without a second retry loop here.
/// Thread-safe: immutable, and `KubeClient` is thread-safe; calls block the calling (worker) thread.
public struct KubeWorkloadReloader: WorkloadReloader {
    /// The field manager of every write (contract §5.3).
    public static let fieldManager = "reloader"

    private let client: KubeClient
    let options: PolicyOptions
    private let resumer: PauseResumer?
    let logger: Logger
    private let attempts: Int
    private let now: @Sendable () -> Int64
    private let sleep: @Sendable (Duration) -> Void
    let events: (any ReloadEventSink)?
    private let metrics: any ReloaderMetricsRecorder
    private let currentContent: CurrentContent?

    /// - Parameters:
    ///   - resumer: arms the resume timer of each pause written; nil leaves resumes to `resumeExpired`.
    ///   - attempts: GET-plan-write rounds when the object changes under the write (409, failed `test`).
    ///   - now: Unix seconds (Argo `restartAt`, `observedAt`, `paused-at`).
    ///   - currentContent: with several replicas (`--enable-ha`), re-reads the workload's configs before each write
    ///     and makes the write conditional on the workload's resourceVersion (see `CurrentContent`).
    public init(
        client: KubeClient, options: PolicyOptions, resumer: PauseResumer? = nil, logger: Logger, attempts: Int = 3,
        now: @escaping @Sendable () -> Int64 = UnixTime.now,
        sleep: @escaping @Sendable (Duration) -> Void = KubeClient.threadSleep, events: (any ReloadEventSink)? = nil,
        metrics: any ReloaderMetricsRecorder = NoReloaderMetrics(),
        currentContent: CurrentContent? = nil
    ) {
        self.client = client
        self.options = options
        self.resumer = resumer
        self.logger = logger
        self.attempts = max(1, attempts)
        self.now = now
        self.sleep = sleep
        self.events = events
        self.metrics = metrics
        self.currentContent = currentContent
    }

    public func reload(_ workload: WorkloadRef, plans: [PlannedReload]) -> ReloadOutcome {
        let path = ResourcePath(workload: workload)
        let clock = ContinuousClock()
        for attempt in 1...attempts {
            let started = clock.now
            let object: JSONValue
            do {
                object = try client.get(path)
            } catch {
                return failed(workload, plans, error, step: "get")
            }
            var batch = plans
            if let currentContent {
                switch currentContent.batch(plans, object: object, kind: workload.kind) {
                case .success(let current):
                    batch = current
                case .failure(let failure):
                    logger.warning(
                        "reload failed", metadata: metadata(workload, outcome: "retry", reason: "\(failure)"))
                    return .retryableFailure
                }
            }
            let unixSeconds = now()
            let plan = Self.plan(batch, object: object, kind: workload.kind, options: options, now: unixSeconds)
            if currentContent != nil, !plans.contains(where: \.discovered) {
                let found = Self.unplanned(plan.reload.changes, batch: batch, plans: plans)
                if !found.isEmpty {
                    logSettle(workload, found: found)
                    return .settle(found)
                }
            }
            logPause(plan.pause, workload: workload)
            let reloadPlan = plan.reload
            if case .none(let reason) = reloadPlan.action {
                var fields = metadata(workload, outcome: "skipped", reason: reason.rawValue)
                fields["reloader.skip_label"] = "\(reason.metricLabel)"
                fields["reloader.configs"] = "\(batch.map(\.config.description).joined(separator: ", "))"
                logger.info("reload skipped", metadata: fields)
                return .skipped(reason)
            }
            do {
                let precondition = currentContent == nil ? nil : object[path: ["metadata", "resourceVersion"]]
                try carryOut(Self.conditional(reloadPlan.action, on: precondition), workload: workload)
                metrics.actionFinished(workload.kind, succeeded: true, latency: started.duration(to: clock.now))
            } catch {
                // A stale write failed too: Reloader counts its conflicts as actions in error before retrying.
                metrics.actionFinished(workload.kind, succeeded: false, latency: started.duration(to: clock.now))
                if Self.isStale(error, action: reloadPlan.action) {
                    logger.notice(
                        "workload changed while reloading, reading it again",
                        metadata: metadata(workload, outcome: "conflict", reason: "\(error)").merging(
                            ["reloader.attempt": "\(attempt)"], uniquingKeysWith: { $1 }))
                    continue
                }
                return failed(workload, plans, error, step: "write", object: object)
            }
            let uid = object[path: ["metadata", "uid"]]?.stringValue
            for change in reloadPlan.changes {
                logReloaded(change, workload: workload, batchSize: batch.count, pause: reloadPlan.pause)
                events?.reloaded(workload, uid: uid, change: change)
            }
            if let pause = reloadPlan.pause {
                resumer?.schedule(workload, pausedAt: pause.pausedAt, period: pause.period)
            }
            return .success
        }
        logger.warning(
            "reload failed", metadata: metadata(workload, outcome: "failed", reason: "the workload kept changing"))
        return .retryableFailure
    }

    /// The decision and write for `plans` on `object` as read: each plan decided again (`ReloadPolicy.decide` on
    /// the fresh object picks the container too), then one batch plan with the pause period. Pure.
    static func plan(
        _ plans: [PlannedReload], object: JSONValue, kind: WorkloadKind, options: PolicyOptions, now: Int64
    ) -> (reload: ReloadPlan, pause: PausePeriod.Plan) {
        let snapshot = WorkloadSnapshot(kind: kind, object: object)
        var changes: [ReloadBatchPlanner.Change] = []
        var skipped: [ReloadDecision.SkipReason] = []
        for plan in plans {
            let change = plan.configChange
            switch ReloadPolicy.decide(change: change, workload: snapshot, options: options).verdict {
            case .yes(_, let container): changes.append(ReloadBatchPlanner.Change(change, container: container))
            case .no(let reason): skipped.append(reason)
            }
        }
        guard !changes.isEmpty else { return (ReloadPlan(.none(ReloadBatchPlanner.summary(of: skipped))), .none) }
        let pause = PausePeriod.plan(kind: kind, object: object, keys: options.annotationKeys, now: now)
        let reload = ReloadBatchPlanner.plan(
            changes, workload: object, kind: kind, options: options, pause: pause, now: now)
        return (reload, pause)
    }

    /// The batch's plans this write would carry out with content the batch was not planned with: another config's
    /// change (a stale marker, reviewed by another replica), or a newer write of a planned config (a plan made by the
    /// reconciler, or delayed, meeting a burst as it lands). Content the workload already carries is not a change.
    static func unplanned(
        _ changes: [ConfigChange], batch: [PlannedReload], plans: [PlannedReload]
    ) -> [PlannedReload] {
        batch.filter { plan in
            !plans.contains(plan)
                && changes.contains { $0.config == plan.config && $0.hashToWrite == plan.hash }
        }
    }

    /// A merge or strategic merge patch that names the resourceVersion it was planned on, so the API server refuses
    /// it (409) if the workload changed since (another replica's reload): it is planned again on a fresh read. A
    /// JSON patch is guarded by its `test` ops already; creating a Job has nothing to guard.
    static func conditional(_ action: ReloadAction, on resourceVersion: JSONValue?) -> ReloadAction {
        guard let resourceVersion, case .patch(let type, var body) = action, type != .json else { return action }
        body.set(["metadata", "resourceVersion"], to: resourceVersion)
        return .patch(type, body: body)
    }

    private func carryOut(_ action: ReloadAction, workload: WorkloadRef) throws(KubeClientError) {
        switch action {
        case .none:
            return
        case .patch(let type, let body):
            _ = try client.patch(
                ResourcePath(workload: workload), body, type: KubeClient.PatchType(type),
                fieldManager: Self.fieldManager)
        case .createJob(let job):
            _ = try client.create(
                ResourcePath(collectionOf: .job, namespace: workload.namespace), job, fieldManager: Self.fieldManager)
        case .recreateJob(let old, let job):
            _ = try client.delete(ResourcePath(workload: old), propagationPolicy: .background)
            try recreate(job, in: old.namespace, workload: workload)
        }
    }

    /// POSTs the copy of a Job just deleted. The queue cannot retry this step (its retry would GET the Job, find
    /// nothing and give up, losing the Job), so it is retried here: on answers that may pass (429, 5xx, transport)
    /// and on AlreadyExists (the old Job's deletion still under way), up to `Self.recreateAttempts` times with a
    /// doubling backoff from 500 ms, then logged loudly.
    private func recreate(_ job: JSONValue, in namespace: String, workload: WorkloadRef) throws(KubeClientError) {
        var delay = Duration.milliseconds(500)
        for attempt in 1...Self.recreateAttempts {
            do {
                _ = try client.create(
                    ResourcePath(collectionOf: .job, namespace: namespace), job, fieldManager: Self.fieldManager)
                return
            } catch {
                let mayPass = Self.outcome(for: error) == .retryableFailure || error.apiError?.isAlreadyExists == true
                guard mayPass, attempt < Self.recreateAttempts else {
                    logger.error(
                        "Job deleted but not re-created",
                        metadata: metadata(workload, outcome: "failed", reason: "\(error)"))
                    throw error
                }
                logger.warning(
                    "Job deleted, re-creating it again",
                    metadata: metadata(workload, outcome: "retry", reason: "\(error)").merging(
                        ["reloader.attempt": "\(attempt)"], uniquingKeysWith: { $1 }))
                sleep(delay)
                delay *= 2
            }
        }
    }

    /// POSTs of a deleted Job's copy before giving up (`recreate`).
    static let recreateAttempts = 6

    /// Whether the write failed because the object changed since it was read: a 409 Conflict, or a 422 answering a
    /// JSON patch (a failed `test`, or an index that moved), as kube-apiserver answers those (`handlers/patch.go`).
    static func isStale(_ error: KubeClientError, action: ReloadAction) -> Bool {
        if case .conflict = error { return true }
        if case .patch(.json, _) = action, error.apiError?.code == 422 { return true }
        return false
    }

    /// What a failed API call means for the queue: 429, 5xx, transport and unreadable answers may pass; 404 (the
    /// workload is gone: nothing to reload), 403 and other refusals will not.
    static func outcome(for error: KubeClientError) -> ReloadOutcome {
        switch error {
        case .api(let status, _):
            return status.code == 429 || (500...599).contains(status.code) ? .retryableFailure : .permanentFailure
        case .conflict, .transport, .invalidResponse, .credentialsUnavailable:
            return .retryableFailure
        }
    }
}
