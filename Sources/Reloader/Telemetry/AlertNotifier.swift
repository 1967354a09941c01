import Dispatch
public import Logging
import Synchronization

/// Sends one alert per workload reloaded successfully (contract §10) to a Slack, Teams, Google Chat or raw JSON
/// webhook. A `ReloadEventSink`: `reloaded` only queues the alert, which is POSTed on a serial queue of its own,
/// never on the reload's path (Δ Reloader sends inside its worker). Each alert gets `attempts` tries of `timeout`
/// each with doubling backoff; a redirect is refused, not followed and not retried. At most `backlogLimit` alerts
/// wait: past that they are dropped and counted, so a reload storm cannot grow memory. Logs name the sink's host
/// only (the webhook URL is itself a secret). Thread-safe.
public final class AlertNotifier: ReloadEventSink {
    /// How and where alerts are sent.
    public struct Settings: Sendable, Equatable {
        public var sink: ReloadAlert.Sink
        public var url: String
        /// nil or empty: no proxy of our own (libcurl still honours `https_proxy` and friends).
        public var proxy: String?
        public var additionalInfo: String
        /// `env-vars` or `annotations`, for the raw body.
        public var strategy: String
        public var timeout: Duration = .seconds(5)
        public var attempts = 3
        /// The wait before the second try; doubled before each further one.
        public var firstBackoff: Duration = .milliseconds(500)
        public var backlogLimit = 1_000

        public init(
            sink: ReloadAlert.Sink, url: String, proxy: String? = nil, additionalInfo: String = "",
            strategy: String = PolicyOptions.ReloadStrategy.envVars.rawValue
        ) {
            self.sink = sink
            self.url = url
            self.proxy = proxy
            self.additionalInfo = additionalInfo
            self.strategy = strategy
        }
    }

    /// What became of the alerts so far (`reloader_alerts_total{result}`).
    public struct Counters: Sendable, Hashable {
        public var sent = 0
        public var failed = 0
        public var dropped = 0

        public init(sent: Int = 0, failed: Int = 0, dropped: Int = 0) {
            self.sent = sent
            self.failed = failed
            self.dropped = dropped
        }
    }

    private struct State {
        var counters = Counters()
        var pending = 0
        /// Set when the backlog overflows, so a storm logs one warning, not one per dropped alert.
        var isOverflowing = false
        /// After `finish`: alerts not started yet are dropped instead of sent.
        var isStopping = false
    }

    public let settings: Settings
    private let transport: any HTTPTransport
    private let logger: Logger
    private let sleep: @Sendable (Duration) -> Void
    private let queue = DispatchQueue(label: "reloader.alerts")
    private let state = Mutex(State())

    public init(
        settings: Settings, transport: any HTTPTransport, logger: Logger,
        sleep: @escaping @Sendable (Duration) -> Void = KubeClient.threadSleep
    ) {
        self.settings = settings
        self.transport = transport
        self.logger = logger
        self.sleep = sleep
    }

    public var counters: Counters { state.withLock { $0.counters } }

    /// Alerts queued and not finished yet.
    public var pending: Int { state.withLock { $0.pending } }

    public func reloaded(_ workload: WorkloadRef, uid: String?, change: ConfigChange) {
        send(
            ReloadAlert(
                config: change.config, hash: change.hashToWrite, workload: workload,
                additionalInfo: settings.additionalInfo, strategy: settings.strategy))
    }

    /// No alert for a failure: Reloader alerts on successful reloads only (the Warning Event reports failures).
    public func failed(_ workload: WorkloadRef, uid: String?, configs: [ConfigRef], reason: String) {}

    /// Queues `alert`, or drops and counts it when the backlog is full or the notifier is stopping.
    public func send(_ alert: ReloadAlert) {
        let (admitted, warn) = state.withLock { state -> (Bool, Bool) in
            guard !state.isStopping, state.pending < settings.backlogLimit else {
                state.counters.dropped += 1
                let first = !state.isOverflowing
                state.isOverflowing = true
                return (false, first && !state.isStopping)
            }
            state.pending += 1
            return (true, false)
        }
        guard admitted else {
            if warn {
                logger.warning(
                    "alert backlog full: dropping alerts until it drains",
                    metadata: [
                        "alert.host": "\(ReloadAlert.host(of: settings.url))", "limit": "\(settings.backlogLimit)",
                    ])
            }
            return
        }
        queue.async { [self] in
            deliver(alert)
            state.withLock { state in
                state.pending -= 1
                if state.pending < settings.backlogLimit { state.isOverflowing = false }
            }
        }
    }

    /// Blocks until every alert queued so far is sent or given up (tests).
    public func drain() { queue.sync {} }

    /// Shutdown: waits up to `grace` for the backlog, then drops (and counts) what has not started.
    public func finish(within grace: Duration) {
        let done = DispatchSemaphore(value: 0)
        queue.async { done.signal() }
        let nanoseconds = Int(grace / .nanoseconds(1))
        if done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut {
            state.withLock { $0.isStopping = true }
        }
    }

    private func deliver(_ alert: ReloadAlert) {
        var metadata: Logger.Metadata = [
            "alert.host": "\(ReloadAlert.host(of: settings.url))", "alert.sink": "\(settings.sink.rawValue)",
            "reloader.config": "\(alert.config)", "k8s.kind": "\(alert.workload.kind.rawValue)",
            "k8s.namespace": "\(alert.workload.namespace)", "k8s.name": "\(alert.workload.name)",
        ]
        let proxy = settings.proxy.flatMap { $0.isEmpty ? nil : $0 }
        let request = TransportRequest(
            method: "POST", url: settings.url, headers: [("Content-Type", "application/json")],
            body: alert.body(for: settings.sink), timeout: settings.timeout, proxy: proxy)
        var delay = settings.firstBackoff
        for attempt in 1...max(1, settings.attempts) {
            guard !state.withLock({ $0.isStopping }) else {
                state.withLock { $0.counters.dropped += 1 }
                return
            }
            metadata["attempt"] = "\(attempt)"
            switch transport.send(request) {
            case .success(let response):
                metadata["status"] = "\(response.status)"
                switch ReloadAlert.verdict(status: response.status, sink: settings.sink) {
                case .delivered:
                    state.withLock { $0.counters.sent += 1 }
                    logger.info("alert sent", metadata: metadata)
                    return
                case .refused(let reason):
                    state.withLock { $0.counters.failed += 1 }
                    metadata["reason"] = "\(reason)"
                    logger.warning("alert not delivered", metadata: metadata)
                    return
                case .retry:
                    logger.notice("alert sink answered an error", metadata: metadata)
                }
            case .failure(let error):
                // Not `error.description`: it carries the URL, and with it the webhook's secret path.
                metadata["error"] = "\(error.kind.rawValue): \(error.detail)"
                logger.notice("alert sink unreachable", metadata: metadata)
            }
            if attempt < settings.attempts {
                sleep(delay)
                delay *= 2
            }
        }
        state.withLock { $0.counters.failed += 1 }
        logger.warning("alert given up", metadata: metadata)
    }
}
