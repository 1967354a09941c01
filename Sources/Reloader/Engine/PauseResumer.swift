import Dispatch
public import Logging

/// Resumes the Deployments reloader paused for their pause period (contract §5.4): a merge patch
/// `spec.paused: false` that removes our `paused-at`, sent only after a GET shows the Deployment still carries
/// the `paused-at` we expect (a Deployment paused by someone else, without our annotation, is never unpaused),
/// with the resourceVersion read as a precondition so a concurrent edit is a 409 and a fresh read.
///
/// Two drivers: (a) an in-memory timer armed when a reload pauses a Deployment (`schedule`), and (b) the durable
/// one, `resumeExpired`, which the caller runs on start-up and after each resync with the Deployments the
/// reverse index shows carrying `paused-at` (Δ: Reloader keeps only timers, so a restart leaves Deployments
/// paused forever, its issue #1016). Time comes from `now` (Unix seconds).
///
/// Thread-safe: the timers and their bookkeeping live on one serial queue, which also runs the timer-driven
/// resumes (blocking API calls; few Deployments are paused at once). `resume` and `resumeExpired` run on the
/// caller's thread.
public final class PauseResumer: @unchecked Sendable {
    /// How one resume attempt ended.
    public enum Outcome: Sendable, Hashable {
        case resumed
        /// The period is not over; due at this Unix second.
        case notYet(dueAt: Int64)
        /// No `paused-at` of ours (or another one than expected): left alone.
        case notOurs
        /// The Deployment no longer exists.
        case gone
        case failed(String)
    }

    private let client: KubeClient
    private let keys: AnnotationKeys
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let attempts: Int
    // Touched on `queue` only: the paused-at each armed timer expects, so a reload inside the window (which keeps
    // the original paused-at) does not arm a second timer.
    private let queue = DispatchQueue(label: "reloader.pause-resumer")
    private var armed: [WorkloadRef: String] = [:]
    private var stopped = false

    public init(
        client: KubeClient, keys: AnnotationKeys = AnnotationKeys(), logger: Logger, attempts: Int = 3,
        now: @escaping @Sendable () -> Int64 = UnixTime.now
    ) {
        self.client = client
        self.keys = keys
        self.logger = logger
        self.attempts = max(1, attempts)
        self.now = now
    }

    /// Arms the timer for a pause just written: at `pausedAt` + `period`, resume if it still carries `pausedAt`.
    public func schedule(_ deployment: WorkloadRef, pausedAt: String, period: Duration) {
        let start = RFC3339Time.parse(pausedAt) ?? now()
        arm(deployment, pausedAt: pausedAt, dueAt: start + PausePeriod.seconds(roundingUp: period))
    }

    /// Stops the timers; a timer that fires later does nothing. Resumes left pending are the durable path's.
    public func stop() { queue.sync { stopped = true } }

    /// Resumes every Deployment among `records` whose pause is over (or whose period annotation was removed or
    /// is invalid), deciding first from the record, then again from a fresh GET; those not yet due get a timer.
    /// Records of other kinds and without `paused-at` are passed over.
    @discardableResult
    public func resumeExpired(_ records: [WorkloadRecord], now unixSeconds: Int64) -> [WorkloadRef: Outcome] {
        var outcomes: [WorkloadRef: Outcome] = [:]
        for record in records where record.ref.kind == .deployment {
            guard let pausedAt = record.metadataAnnotation(keys.pausedAt) else { continue }
            let annotations = Dictionary(
                record.metadataAnnotations.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
            switch PausePeriod.resume(annotations: annotations, keys: keys, now: unixSeconds) {
            case .notOurs:
                continue
            case .notYet(let dueAt):
                arm(record.ref, pausedAt: pausedAt, dueAt: dueAt)
                outcomes[record.ref] = .notYet(dueAt: dueAt)
            case .due:
                outcomes[record.ref] = resume(record.ref, expectedPausedAt: pausedAt, now: unixSeconds)
            }
        }
        return outcomes
    }

    /// `resumeExpired` over the Deployments of an index snapshot that carry `paused-at`.
    @discardableResult
    public func resumeExpired(in index: ReverseIndex, now unixSeconds: Int64) -> [WorkloadRef: Outcome] {
        var records: [WorkloadRecord] = []
        index.forEachRecord { record in
            if record.ref.kind == .deployment, record.metadataAnnotation(keys.pausedAt) != nil {
                records.append(record)
            }
        }
        return resumeExpired(records, now: unixSeconds)
    }

    /// Resumes one Deployment if, as read now, it carries our `paused-at` (equal to `expectedPausedAt` when
    /// given) and its period is over at `unixSeconds`.
    public func resume(_ deployment: WorkloadRef, expectedPausedAt: String?, now unixSeconds: Int64) -> Outcome {
        let path = ResourcePath(workload: deployment)
        for _ in 1...attempts {
            let object: JSONValue
            do {
                object = try client.get(path)
            } catch {
                if error.apiError?.isNotFound == true { return .gone }
                return failed(deployment, "\(error)")
            }
            let annotations = object[path: ["metadata", "annotations"]]?.stringMapValue ?? [:]
            guard let pausedAt = annotations[keys.pausedAt], expectedPausedAt.map({ $0 == pausedAt }) ?? true else {
                return .notOurs
            }
            switch PausePeriod.resume(annotations: annotations, keys: keys, now: unixSeconds) {
            case .notOurs: return .notOurs
            case .notYet(let dueAt): return .notYet(dueAt: dueAt)
            case .due: break
            }
            var patch: JSONValue = ["spec": ["paused": false], "metadata": ["annotations": [keys.pausedAt: nil]]]
            if let version = object[path: ["metadata", "resourceVersion"]] {
                patch.set(["metadata", "resourceVersion"], to: version)
            }
            do {
                _ = try client.patch(path, patch, type: .merge, fieldManager: KubeWorkloadReloader.fieldManager)
            } catch {
                if case .conflict = error { continue }
                if error.apiError?.isNotFound == true { return .gone }
                return failed(deployment, "\(error)")
            }
            logger.info(
                "resumed Deployment after its pause period",
                metadata: [
                    "k8s.kind": "Deployment", "k8s.namespace": "\(deployment.namespace)",
                    "k8s.name": "\(deployment.name)", "reloader.paused_at": "\(pausedAt)",
                ])
            return .resumed
        }
        return failed(deployment, "the Deployment kept changing")
    }

    // MARK: Timers

    private func arm(_ deployment: WorkloadRef, pausedAt: String, dueAt: Int64) {
        queue.async {
            guard !self.stopped, self.armed[deployment] != pausedAt else { return }
            self.armed[deployment] = pausedAt
            let delay = max(0, dueAt - self.now())
            self.queue.asyncAfter(deadline: .now() + .seconds(Int(clamping: delay))) {
                self.fire(deployment, pausedAt: pausedAt)
            }
        }
    }

    /// On `queue`.
    private func fire(_ deployment: WorkloadRef, pausedAt: String) {
        guard !stopped, armed[deployment] == pausedAt else { return }
        armed[deployment] = nil
        if case .notYet(let dueAt) = resume(deployment, expectedPausedAt: pausedAt, now: now()) {
            // The period annotation was lengthened meanwhile.
            arm(deployment, pausedAt: pausedAt, dueAt: dueAt)
        }
    }

    private func failed(_ deployment: WorkloadRef, _ reason: String) -> Outcome {
        logger.warning(
            "resuming a paused Deployment failed",
            metadata: [
                "k8s.kind": "Deployment", "k8s.namespace": "\(deployment.namespace)", "k8s.name": "\(deployment.name)",
                "reloader.reason": "\(reason)",
            ])
        return .failed(reason)
    }
}
