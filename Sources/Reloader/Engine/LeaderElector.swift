import Dispatch
public import Logging
import Synchronization

/// The leader election's Dispatch driver (contract §9): one serial queue owns the `LeaderElectionStateMachine`
/// and performs what it decides, GET/POST/PUT on `/apis/coordination.k8s.io/v1/namespaces/<ns>/leases[/<name>]`
/// through `KubeClient` on a second serial queue (one request at a time: the machine never asks for two), and one
/// `DispatchSourceTimer` for its ticks. Decides nothing itself.
///
/// Thread-safe: `isLeader` is an atomic the queue writes and anyone reads; `onChange` runs on the elector's
/// queue, in order, and must neither block nor call `stop`.
public final class LeaderElector: @unchecked Sendable {  // mutable state below is touched on `queue` only
    public typealias Now = LeaderElectionStateMachine.Now

    public let leaseName: String
    public let namespace: String
    public let identity: String

    private let queue = DispatchQueue(label: "reloader.leader-election")
    private let requests = DispatchQueue(label: "reloader.leader-election.requests")
    private let queueKey = DispatchSpecificKey<Bool>()
    private let timer: any DispatchSourceTimer
    private var machine: LeaderElectionStateMachine
    /// The Lease as the API last returned it: a PUT sends it back with only the spec replaced, so labels and
    /// annotations others put on the Lease survive (client-go's `LeaseLock` keeps `ll.lease` the same way).
    private var lastObject: JSONValue?
    private var stopOutcome: Bool?
    private var stopWaiters: [DispatchSemaphore] = []
    /// Set when `stop` gave up waiting: answers arriving later are dropped.
    private var abandoned = false

    private let leader = Atomic<Bool>(false)
    private let client: KubeClient
    private let collection: ResourcePath
    private let now: @Sendable () -> Now
    private let logger: Logger
    private let onChange: @Sendable (Bool) -> Void

    /// - Parameters:
    ///   - now: both clocks; tests may inject their own.
    ///   - onChange: called with `true` on becoming leader and `false` on stepping down (stop included).
    public init(
        options: LeaderElectionStateMachine.Options, leaseName: String, namespace: String, client: KubeClient,
        logger: Logger, now: @escaping @Sendable () -> Now = { Now.system() },
        onChange: @escaping @Sendable (Bool) -> Void = { _ in }
    ) {
        self.leaseName = leaseName
        self.namespace = namespace
        identity = options.identity
        machine = LeaderElectionStateMachine(options: options)
        self.client = client
        collection = ResourcePath(
            group: "coordination.k8s.io", version: "v1", resource: "leases", namespace: namespace)
        self.now = now
        self.logger = logger
        self.onChange = onChange
        queue.setSpecific(key: queueKey, value: true)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.perform(self.machine.tick(now: self.now()))
        }
        timer.schedule(deadline: .distantFuture)
        timer.activate()
    }

    /// From the parsed flags: the Lease name, namespace, identity (`POD_NAME`) and timings of contract §7.1.
    public convenience init(
        configuration: ReloaderConfiguration.LeaderElection, client: KubeClient, logger: Logger,
        onChange: @escaping @Sendable (Bool) -> Void = { _ in }
    ) throws(LeaderElectionError) {
        guard let namespace = configuration.namespace, !namespace.isEmpty else {
            throw .missingEnvironment(flag: .leaderElectionNamespace, variable: "POD_NAMESPACE")
        }
        let options = try LeaderElectionStateMachine.Options(
            identity: configuration.identity ?? "", leaseDuration: configuration.leaseDuration,
            renewDeadline: configuration.renewDeadline, retryPeriod: configuration.retryPeriod)
        self.init(
            options: options, leaseName: configuration.leaseName, namespace: namespace, client: client,
            logger: logger, onChange: onChange)
    }

    deinit {
        timer.cancel()
    }

    /// Whether this replica holds the Lease now.
    public var isLeader: Bool { leader.load(ordering: .acquiring) }

    /// Starts competing for the Lease; returns at once.
    public func start() {
        queue.async {
            self.logger.info("starting leader election", metadata: self.metadata)
            self.perform(self.machine.start(now: self.now()))
        }
    }

    /// Stops competing. A leader steps down (`onChange(false)`) and, with `release`, hands the Lease back so a
    /// standby takes over at once; `release: false` leaves the Lease to expire, as a crash would. Waits at most
    /// `timeout` for the API; returns whether the Lease was released.
    @discardableResult
    public func stop(release: Bool = true, timeout: Duration = .seconds(5)) -> Bool {
        let done = DispatchSemaphore(value: 0)
        queue.async {
            guard self.stopOutcome == nil else {
                done.signal()
                return
            }
            self.stopWaiters.append(done)
            self.perform(self.machine.stop(release: release, now: self.now()))
        }
        // On the elector's own queue (from `onChange`) waiting would deadlock: the stop proceeds without us.
        guard DispatchQueue.getSpecific(key: queueKey) == nil else { return false }
        if done.wait(timeout: .now() + .nanoseconds(Self.nanoseconds(timeout))) == .timedOut {
            queue.sync {
                guard stopOutcome == nil else { return }
                abandoned = true
                stopOutcome = false
                timer.cancel()
                for waiter in stopWaiters { waiter.signal() }
                stopWaiters.removeAll()
                logger.warning(
                    "leader election stop timed out, Lease not released",
                    metadata: metadata.merging(["timeout": "\(timeout)"]) { $1 })
            }
        }
        return queue.sync { stopOutcome ?? false }
    }

    // MARK: Shell

    private var metadata: Logger.Metadata {
        ["k8s.namespace": "\(namespace)", "k8s.name": "\(leaseName)", "leader.identity": "\(identity)"]
    }

    private func perform(_ actions: [LeaderElectionStateMachine.Action]) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !abandoned else { return }
        for action in actions {
            switch action {
            case .getLease:
                let path = collection.named(leaseName)
                send { [client, logger, metadata] in
                    LeaseRequests.read(path, client: client, logger: logger, metadata: metadata)
                }
            case .createLease(let record):
                let object: JSONValue = [
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": ["name": .string(leaseName), "namespace": .string(namespace)],
                    "spec": record.spec,
                ]
                send { [client, collection, logger, metadata] in
                    LeaseRequests.write(.create, logger: logger, metadata: metadata) { () throws(KubeClientError) in
                        try client.create(collection, object)
                    }
                }
            case .updateLease(let record, let resourceVersion):
                var object =
                    lastObject ?? [
                        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                        "metadata": ["name": .string(leaseName), "namespace": .string(namespace)],
                    ]
                object.set(["metadata", "resourceVersion"], to: .string(resourceVersion))
                object["spec"] = record.spec
                let path = collection.named(leaseName)
                send { [client, logger, metadata, object] in
                    LeaseRequests.write(.update, logger: logger, metadata: metadata) { () throws(KubeClientError) in
                        try client.update(path, object)
                    }
                }
            case .becameLeader:
                leader.store(true, ordering: .releasing)
                logger.info("became leader", metadata: metadata)
                onChange(true)
            case .lostLeadership(let reason):
                leader.store(false, ordering: .releasing)
                logger.notice("lost leadership", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                onChange(false)
            case .scheduleTick(let at):
                let delay = max(.zero, now().instant.duration(to: at))
                timer.schedule(deadline: .now() + .nanoseconds(Self.nanoseconds(delay)))
            case .stopped(let released):
                timer.cancel()
                stopOutcome = released
                logger.info("leader election stopped", metadata: metadata.merging(["released": "\(released)"]) { $1 })
                for waiter in stopWaiters { waiter.signal() }
                stopWaiters.removeAll()
            }
        }
    }

    /// What one request gave: the event for the machine and the Lease object the API returned, if any.
    enum Answer: Sendable {
        case read(LeaderElectionStateMachine.ReadResult, JSONValue?)
        case write(LeaderElectionStateMachine.WriteResult, JSONValue?)
    }

    /// Runs one blocking request on the request queue and feeds its answer to the machine on the serial queue.
    private func send(_ request: @escaping @Sendable () -> Answer) {
        requests.async {
            let answer = request()
            self.queue.async {
                guard !self.abandoned else { return }
                switch answer {
                case .read(let result, let object):
                    if let object { self.lastObject = object }
                    self.perform(self.machine.leaseRead(result, now: self.now()))
                case .write(let result, let object):
                    if let object { self.lastObject = object }
                    self.perform(self.machine.writeFinished(result, now: self.now()))
                }
            }
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        return Int(min(max(total, 0), Double(Int.max / 2)))
    }
}
