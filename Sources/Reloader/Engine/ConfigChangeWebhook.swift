import Dispatch
public import Logging
import Synchronization

/// `--webhook-url` (contract §10): instead of reloading, POST `application/json` once per changed config, after
/// the write is confirmed persisted (the same guarantee as a reload: a denied or conflicting write sends nothing).
/// Δ The body keeps Reloader's `webhook` key and adds the config, its hash and the workloads that would have been
/// reloaded. Notifications are sent one at a time on a serial queue of their own (blocking reads, backoffs and the
/// POST never run on an admission thread). Thread-safe.
public final class ConfigChangeWebhook: Sendable {
    /// One changed config and the workloads it would have reloaded.
    public struct Notification: Sendable, Hashable {
        public var config: ConfigRef
        /// The content hash the review says the config now has (the delete marker for a DELETE).
        public var hash: String
        public var workloads: [WorkloadRef]
        /// `ConfigChange.sourceName`: the SecretProviderClassPodStatus read back to confirm a SecretProviderClass
        /// change (not part of the body, which names the class).
        public var sourceName: String?

        public init(config: ConfigRef, hash: String, workloads: [WorkloadRef], sourceName: String? = nil) {
            self.config = config
            self.hash = hash
            self.workloads = workloads
            self.sourceName = sourceName
        }

        /// `{"webhook":"update successful","kind":"ConfigMap","namespace":…,"name":…,"hash":…,"workloads":[…]}`
        public var body: JSONValue {
            [
                "webhook": "update successful", "kind": .string(config.kind.rawValue),
                "namespace": .string(config.namespace), "name": .string(config.name), "hash": .string(hash),
                "workloads": .array(
                    workloads.map {
                        [
                            "kind": .string($0.kind.rawValue), "namespace": .string($0.namespace),
                            "name": .string($0.name),
                        ]
                    }),
            ]
        }
    }

    /// What became of the notifications so far.
    public struct Counters: Sendable, Hashable {
        public var sent = 0
        public var notPersisted = 0
        public var failed = 0
    }

    private let url: String
    private let reader: any ConfigReader
    private let transport: any HTTPTransport
    private let logger: Logger
    private let queue = DispatchQueue(label: "reloader.webhook-url")
    private let confirmAttempts: Int
    private let confirmBackoff: Duration
    private let postAttempts: Int
    private let sleep: @Sendable (Duration) -> Void
    private let state = Mutex(Counters())

    public init(
        url: String, reader: any ConfigReader, transport: any HTTPTransport, logger: Logger, confirmAttempts: Int = 5,
        confirmBackoff: Duration = .milliseconds(200), postAttempts: Int = 3,
        sleep: @escaping @Sendable (Duration) -> Void = KubeClient.threadSleep
    ) {
        self.url = url
        self.reader = reader
        self.transport = transport
        self.logger = logger
        self.confirmAttempts = max(1, confirmAttempts)
        self.confirmBackoff = confirmBackoff
        self.postAttempts = max(1, postAttempts)
        self.sleep = sleep
    }

    public var counters: Counters { state.withLock { $0 } }

    /// Does not block: the notification is confirmed and sent on the webhook's own queue.
    public func notify(_ notification: Notification) {
        queue.async { self.deliver(notification) }
    }

    /// Blocks until every notification handed in so far is sent or given up (for tests and shutdown).
    public func drain() {
        queue.sync {}
    }

    private func deliver(_ notification: Notification) {
        let metadata: Logger.Metadata = [
            "config": "\(notification.config)", "reloader.hash": "\(notification.hash.prefix(12))",
        ]
        guard confirmed(notification) else {
            state.withLock { $0.notPersisted += 1 }
            logger.warning("webhook-url notification not sent: the write was not persisted", metadata: metadata)
            return
        }
        let request = TransportRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/json")],
            body: notification.body.serialized(), timeout: .seconds(5))
        var delay = Duration.milliseconds(500)
        for attempt in 1...postAttempts {
            switch transport.send(request) {
            case .success(let response) where response.status < 400:
                state.withLock { $0.sent += 1 }
                logger.info("webhook-url notified", metadata: metadata.merging(["status": "\(response.status)"]) { $1 })
                return
            case .success(let response):
                logger.warning(
                    "webhook-url answered an error",
                    metadata: metadata.merging(["status": "\(response.status)", "attempt": "\(attempt)"]) { $1 })
            case .failure(let error):
                logger.warning(
                    "webhook-url unreachable",
                    metadata: metadata.merging(["error": "\(error)", "attempt": "\(attempt)"]) { $1 })
            }
            if attempt < postAttempts {
                sleep(delay)
                delay *= 2
            }
        }
        state.withLock { $0.failed += 1 }
    }

    /// Whether a GET shows the config stored with the reviewed hash (gone, for a DELETE), within the attempts.
    private func confirmed(_ notification: Notification) -> Bool {
        let key = ConfirmationKey(
            config: notification.config, hash: notification.hash, sourceName: notification.sourceName)
        var delay = confirmBackoff
        for attempt in 1...confirmAttempts {
            switch reader.contentHash(of: key.config, sourceName: key.sourceName) {
            case .success(nil) where key.expectsAbsent: return true
            case .success(let hash?) where !key.expectsAbsent && hash == notification.hash: return true
            default: break
            }
            if attempt < confirmAttempts {
                sleep(delay)
                delay *= 2
            }
        }
        return false
    }
}
