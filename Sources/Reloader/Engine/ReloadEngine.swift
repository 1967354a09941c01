import Dispatch
public import Logging

/// The whole reload engine, wired from the configuration (DESIGN §2): the reverse index and its resync loop
/// (workload lists, Namespace labels, reconciler and pause resumes on the leader), the admission side that answers
/// reviews and enqueues reloads, the reload queue with its API reloader, the `--webhook-url` notifier, and the
/// Lease elector with `--enable-ha`. The executable builds one, hands `admission` to the `/validate` handler, calls
/// `start()` and, on shutdown, `stop()`. Owns no thread of its own: each part has its queue. Thread-safe.
public final class ReloadEngine: Sendable {
    public let admission: AdmissionEngine
    public let index: IndexStore
    public let queue: ReloadQueue
    public let resync: ResyncLoop
    public let elector: LeaderElector?
    public let webhook: ConfigChangeWebhook?
    /// With `--alert-on-reload` (and a mode that reloads): one alert per workload reloaded.
    public let alerts: AlertNotifier?
    private let resumer: PauseResumer?
    private let metaInfo: (@Sendable () -> Void)?
    private let logger: Logger

    /// - Parameters:
    ///   - client: the API client for lists, reads and writes (the elector gets its own with a short retry budget).
    ///   - electionClient: the client the Lease elector uses; defaults to `client`.
    ///   - webhookTransport: how `--webhook-url` notifications are POSTed.
    ///   - alertTransport: how alerts are POSTed; nil uses `webhookTransport`.
    ///   - metrics: what the admission side, the queue, the reloader and the resync loop count as they work.
    public init(
        configuration: ReloaderConfiguration, client: KubeClient, electionClient: KubeClient? = nil,
        webhookTransport: any HTTPTransport, alertTransport: (any HTTPTransport)? = nil, logger: Logger,
        metrics: any ReloaderMetricsRecorder = NoReloaderMetrics()
    ) throws(ReloadEngineError) {
        self.logger = logger
        metaInfo = Self.metaInfoPublication(configuration: configuration, client: client, logger: logger)
        let policy = configuration.policyOptions
        let filter: ConfigFilter
        do {
            filter = try configuration.configFilter()
        } catch {
            throw .invalidSelector(error)
        }
        let keys = configuration.indexedAnnotationKeys
        index = IndexStore(initial: .empty(keys: keys))
        let labels =
            filter.needsNamespaceLabels ? NamespaceLabelCache(logger: Logger(label: "reloader.namespaces")) : nil
        let namespaceLabels: @Sendable (String) -> [String: String]?
        if let labels {
            namespaceLabels = labels.lookup
        } else {
            namespaceLabels = { _ in nil }
        }
        let reader = KubeConfigReader(client: client)

        // --dry-run never writes: no pause resumes (nothing was paused), and the reconciler only logs its plans.
        let writes = !configuration.isDryRun && configuration.webhookURL == nil
        let resumer =
            writes
            ? PauseResumer(
                client: client, keys: configuration.annotationKeys, logger: Logger(label: "reloader.pause"))
            : nil
        self.resumer = resumer
        let events = writes ? KubeEventRecorder(client: client, logger: Logger(label: "reloader.events")) : nil
        alerts = configuration.alertSettings.map {
            AlertNotifier(
                settings: $0, transport: alertTransport ?? webhookTransport, logger: Logger(label: "reloader.alerts"))
        }
        if configuration.alerts.isEnabled, alerts == nil {
            logger.warning("alerts are on, but --dry-run or --webhook-url reloads nothing: no alert will be sent")
        }
        // Several replicas review a share of the writes each: a write carries every config's current content.
        let currentContent =
            configuration.leaderElection.isEnabled
            ? CurrentContent(
                reader: reader, options: .init(policy: policy, filter: filter), namespaceLabels: namespaceLabels)
            : nil
        let reloader = KubeWorkloadReloader(
            client: client, options: policy, resumer: resumer, logger: Logger(label: "reloader.reload"),
            events: ReloadEventFanOut.combining([events, alerts]), metrics: metrics, currentContent: currentContent)
        queue = ReloadQueue(
            options: configuration.reloadQueueOptions, reader: reader, reloader: reloader,
            logger: Logger(label: "reloader.queue"), metrics: metrics)
        webhook = configuration.webhookURL.map {
            ConfigChangeWebhook(
                url: $0, reader: reader, transport: webhookTransport, logger: Logger(label: "reloader.webhook-url"))
        }

        let sink: any ReloadSink = writes ? queue : PlanLogger(logger: Logger(label: "reloader.dry-run"))
        admission = AdmissionEngine(
            options: AdmissionEngine.Options(
                policy: policy, filter: filter, dryRun: configuration.isDryRun,
                workloadKinds: configuration.workloadKinds),
            index: index, sink: sink, logger: Logger(label: "reloader.admission"), namespaceLabels: namespaceLabels,
            webhook: webhook, namespaceLabelCache: labels, metrics: metrics)

        if configuration.leaderElection.isEnabled {
            do {
                elector = try LeaderElector(
                    configuration: configuration.leaderElection, client: electionClient ?? client,
                    logger: Logger(label: "reloader.leader"))
            } catch {
                throw .leaderElection(error)
            }
        } else {
            elector = nil
        }
        let elector = self.elector
        let isLeader: @Sendable () -> Bool = { elector?.isLeader ?? true }

        // With --webhook-url nothing is reloaded, so the reconciler (which reloads) does not run.
        let reconciler =
            configuration.webhookURL == nil
            ? Reconciler(
                options: .init(policy: policy, filter: filter), reader: reader, sink: sink,
                logger: Logger(label: "reloader.reconciler"), namespaceLabels: namespaceLabels)
            : nil
        let lister = WorkloadLister(
            client: client,
            options: .init(
                kinds: WorkloadKind.allCases.filter(configuration.workloadKinds.contains),
                namespaces: Set(configuration.namespaces), namespacesToIgnore: Set(configuration.namespacesToIgnore),
                keys: keys),
            logger: Logger(label: "reloader.lister"))
        let index = self.index
        resync = ResyncLoop(
            store: index, lister: lister, namespaceLabels: labels, reconciler: reconciler, isLeader: isLeader,
            afterResync: {
                // Contract §5.4 Δ: resume what a restart or a lost timer left paused.
                resumer?.resumeExpired(in: index.snapshot, now: UnixTime.now())
            },
            schedule: ResyncSchedule(period: configuration.resyncPeriod), clock: ContinuousClock(),
            logger: Logger(label: "reloader.resync"), metrics: metrics)
    }

    /// Starts the Lease election and the first resync (the index is ready once it ends: `isReady`).
    public func start() {
        elector?.start()
        resync.start()
        if let metaInfo { DispatchQueue.global().async(execute: metaInfo) }
    }

    /// Contract §8: the `reloader-meta-info` ConfigMap where `RELOADER_NAMESPACE` and `RELOADER_DEPLOYMENT_NAME`
    /// say, written once off the start-up path; skipped with a warning when they are unset (and with `--dry-run`,
    /// which never writes). Nil when there is nothing to publish.
    static func metaInfoPublication(
        configuration: ReloaderConfiguration, client: KubeClient, logger: Logger
    ) -> (@Sendable () -> Void)? {
        guard let location = configuration.metaInfoLocation else {
            logger.warning(
                "RELOADER_NAMESPACE or RELOADER_DEPLOYMENT_NAME unset: the reloader-meta-info ConfigMap is not published"
            )
            return nil
        }
        guard !configuration.isDryRun else {
            logger.info("dry run: the reloader-meta-info ConfigMap is not published")
            return nil
        }
        let publisher = MetaInfoPublisher(client: client)
        return {
            do {
                try publisher.publish(configuration: configuration, location: location)
                logger.info(
                    "published the reloader-meta-info ConfigMap", metadata: ["k8s.namespace": "\(location.namespace)"])
            } catch {
                logger.warning(
                    "could not publish the reloader-meta-info ConfigMap",
                    metadata: ["k8s.namespace": "\(location.namespace)", "error": "\(error)"])
            }
        }
    }

    /// Stops taking work: no resync, no new reload, no resume timer; releases the Lease (bounded wait). Reloads
    /// still pending are left to the reconciler of whichever replica runs next.
    public func stop() {
        resync.stop()
        queue.stop()
        resumer?.stop()
        webhook?.drain()
        // Alerts of the last reloads still go out, but a dead sink must not hold up shutdown past the grace.
        alerts?.finish(within: .seconds(5))
        elector?.stop()
    }

    /// The first index is built.
    public var isReady: Bool { resync.isReady }

    /// The engine's metrics, read live at each scrape.
    public var metrics: EngineMetrics {
        let queue = self.queue
        let resync = self.resync
        let elector = self.elector
        let alerts = self.alerts
        return EngineMetrics(
            sources: .init(
                queue: { queue.counters },
                index: {
                    let status = resync.status
                    return (status.indexSize, status.indexReferences)
                },
                isLeader: { elector?.isLeader ?? true },
                resync: { resync.status },
                alerts: { alerts?.counters ?? AlertNotifier.Counters() }))
    }
}

/// Why the engine cannot be built from a configuration.
public enum ReloadEngineError: Error, CustomStringConvertible {
    case invalidSelector(LabelSelector.ParseError)
    case leaderElection(LeaderElectionError)

    public var description: String {
        switch self {
        case .invalidSelector(let error): "\(error)"
        case .leaderElection(let error): "\(error)"
        }
    }
}

/// The sink of `--dry-run` (and of the reconciler there): logs each plan it would have enqueued, writes nothing.
struct PlanLogger: ReloadSink {
    let logger: Logger

    func enqueue(_ plan: PlannedReload) {
        logger.info(
            "dry run: reload not carried out",
            metadata: ["plan": "\(plan)", "reloader.hash": "\(plan.hash.prefix(12))"])
    }
}
