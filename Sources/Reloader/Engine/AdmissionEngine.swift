public import Logging

/// The admission side of the reload engine. For a ConfigMap/Secret review (with `--enable-csi-integration`, also a
/// SecretProviderClassPodStatus review): detects the change (`ChangeDetector`), looks up the candidate workloads
/// in the reverse index, runs `ReloadPolicy.decide` on each, and enqueues the reloads, or, in dry-run mode (`X-Reloader-DryRun: true` or `--dry-run`), enqueues nothing and answers with
/// the plan as warnings and an audit annotation (contract §12). For a workload review: keeps the index fresh
/// (CREATE/UPDATE upsert, DELETE only marks; a denied DELETE must never hide a workload). Every answer is
/// `allowed: true` and is computed without I/O. Immutable; safe on any thread.
public final class AdmissionEngine: Sendable {
    /// The audit annotation key carrying the plan (recorded as `<webhook name>/reloader.stakater.com/plan`).
    public static let planAuditAnnotation = "reloader.stakater.com/plan"

    public struct Options: Sendable, Hashable {
        public var policy: PolicyOptions
        public var filter: ConfigFilter
        /// `--dry-run`: every review is answered with its plan and nothing is enqueued.
        public var dryRun: Bool
        /// The workload kinds whose reviews feed the index (`--is-Argo-Rollouts`, `--is-openshift` add theirs).
        public var workloadKinds: Set<WorkloadKind>

        public init(
            policy: PolicyOptions = PolicyOptions(), filter: ConfigFilter = ConfigFilter(),
            dryRun: Bool = false,
            workloadKinds: Set<WorkloadKind> = Set(WorkloadKind.allCases)
        ) {
            self.policy = policy
            self.filter = filter
            self.dryRun = dryRun
            self.workloadKinds = workloadKinds
        }
    }

    public let options: Options
    public let index: IndexStore
    private let sink: any ReloadSink
    private let namespaceLabels: @Sendable (String) -> [String: String]?
    private let webhook: ConfigChangeWebhook?
    private let namespaceLabelCache: NamespaceLabelCache?
    private let metrics: any ReloaderMetricsRecorder
    private let logger: Logger

    /// - Parameters:
    ///   - namespaceLabels: the labels of a namespace when known without I/O (a cache kept elsewhere); only read
    ///     when a namespace selector is set.
    ///   - webhook: `--webhook-url`: each config change is notified there instead of enqueued for reload.
    ///   - namespaceLabelCache: kept fresh from reviewed Namespace writes (with `--namespace-selector`).
    ///   - metrics: told about each config event (received, skipped, processed) and the workloads it scanned.
    public init(
        options: Options, index: IndexStore, sink: any ReloadSink, logger: Logger,
        namespaceLabels: @escaping @Sendable (String) -> [String: String]? = { _ in nil },
        webhook: ConfigChangeWebhook? = nil, namespaceLabelCache: NamespaceLabelCache? = nil,
        metrics: any ReloaderMetricsRecorder = NoReloaderMetrics()
    ) {
        self.options = options
        self.index = index
        self.sink = sink
        self.logger = logger
        self.namespaceLabels = namespaceLabels
        self.webhook = webhook
        self.namespaceLabelCache = namespaceLabelCache
        self.metrics = metrics
    }

    public func review(_ review: AdmissionReview, dryRunHeader: Bool) -> AdmissionResponse {
        answer(review, dryRunHeader: dryRunHeader).response
    }

    /// The answer to a review and what came of it (the `result` of `reloader_admission_requests_total`).
    public func answer(
        _ review: AdmissionReview, dryRunHeader: Bool
    ) -> (response: AdmissionResponse, result: AdmissionMetricResult) {
        let request = review.request
        var response = AdmissionResponse(uid: request.uid)
        var result = AdmissionMetricResult.ignored
        if let kind = ChangeDetector.configKind(of: request, options: options.policy) {
            let (change, plans) = planned(request, kind: kind, metrics: metrics)
            result = plans.isEmpty ? .skipped : .enqueued
            if dryRunHeader || options.dryRun {
                result = .dryRun
                let lines = plans.map { "reloader: \($0)" }
                response.warnings = lines
                if !lines.isEmpty {
                    response.auditAnnotations[Self.planAuditAnnotation] = lines.joined(separator: "; ")
                }
            } else if let webhook {
                // Contract §10: once per changed config, with the workloads it would have reloaded.
                result = change == nil ? .skipped : .notified
                if let change {
                    webhook.notify(
                        .init(
                            config: change.config, hash: change.hashToWrite, workloads: plans.map(\.workload),
                            sourceName: change.sourceName))
                }
            } else {
                for plan in plans { sink.enqueue(plan) }
            }
        } else if let kind = workloadKind(of: request) {
            updateIndex(request, kind: kind)
            result = .indexed
        } else if let namespaceLabelCache, isNamespaceWrite(request), let object = request.object {
            namespaceLabelCache.update(
                object.metadata.name ?? request.name ?? "", labels: object.metadata.labels ?? [:])
            result = .indexed
        }
        return (response, result)
    }

    /// The reloads one config review calls for, sorted by workload (kind, namespace, name). Pure but for the
    /// index snapshot read and logging.
    public func plan(_ request: AdmissionRequest) -> [PlannedReload] {
        guard let kind = ChangeDetector.configKind(of: request, options: options.policy) else { return [] }
        return planned(request, kind: kind, metrics: NoReloaderMetrics()).plans
    }

    /// The detected change (nil when the review is skipped) and the reloads it calls for; `metrics` counts the
    /// event where Reloader does (`ChangeDetector.Skip.isEvent` and the properties beside it).
    func planned(
        _ request: AdmissionRequest, kind: ConfigKind, metrics: any ReloaderMetricsRecorder
    ) -> (change: ConfigChange?, plans: [PlannedReload]) {
        let event = ConfigEventType(request.operation)
        let labels =
            options.filter.needsNamespaceLabels ? namespaceLabels(request.namespace ?? "") : nil
        let change: ConfigChange
        switch ChangeDetector.detect(
            request, options: options.policy, filter: options.filter, namespaceLabels: labels)
        {
        case .skip(let reason):
            logger.debug(
                "config review skipped",
                metadata: [
                    "k8s.uid": "\(request.uid)", "k8s.kind": "\(request.kind.kind)",
                    "k8s.namespace": "\(request.namespace ?? "")", "k8s.name": "\(request.name ?? "")",
                    "reason": "\(reason.metricLabel)",
                ])
            if let event, reason.isEvent {
                metrics.eventReceived(event, kind)
                if let skip = reason.skipMetricReason { metrics.skipped(skip) }
                if let result = reason.processedResult { metrics.eventProcessed(event, kind, result) }
                if case .unreadable = reason { metrics.error(.unreadableConfig) }
            }
            return (nil, [])
        case .change(let detected): change = detected
        }
        if let event { metrics.eventReceived(event, kind) }
        var plans: [PlannedReload] = []
        let configAnnotations = PlannedReload.decisionAnnotations(of: change, keys: options.policy.annotationKeys)
        for record in index.snapshot.candidates(for: change.config) {
            metrics.workloadScanned(record.ref.kind)
            let decision = ReloadPolicy.decide(
                change: change, workload: WorkloadSnapshot(record: record), options: options.policy)
            for entry in decision.invalidReloadEntries {
                logger.warning(
                    "invalid reload annotation entry skipped",
                    metadata: ["workload": "\(record.ref)", "entry": "\(entry)"])
            }
            switch decision.verdict {
            case .no(let reason):
                metrics.skipped(reason.skipMetricReason)
            case .yes(let trigger, let container):
                metrics.workloadMatched(record.ref.kind)
                plans.append(
                    PlannedReload(
                        workload: record.ref, config: change.config, hash: change.hashToWrite, trigger: trigger,
                        container: container, operation: change.operation,
                        configAnnotations: configAnnotations, sourceName: change.sourceName))
            }
        }
        if let event { metrics.eventProcessed(event, kind, .success) }
        let sorted = plans.sorted {
            ($0.workload.kind.rawValue, $0.workload.namespace, $0.workload.name)
                < ($1.workload.kind.rawValue, $1.workload.namespace, $1.workload.name)
        }
        return (change, sorted)
    }

    /// A reviewed CREATE or UPDATE of a Namespace (not a dry run): its labels feed the namespace selector.
    private func isNamespaceWrite(_ request: AdmissionRequest) -> Bool {
        request.resource.group == "" && request.resource.resource == "namespaces"
            && (request.subResource ?? "").isEmpty && !request.isDryRun
            && (request.operation == .create || request.operation == .update)
    }

    /// The workload kind of a review of the object itself (not a subresource such as `scale` or `status`).
    func workloadKind(of request: AdmissionRequest) -> WorkloadKind? {
        guard request.subResource == nil || request.subResource == "" else { return nil }
        return options.workloadKinds.first {
            $0.group == request.resource.group && $0.resource == request.resource.resource
        }
    }

    private func updateIndex(_ request: AdmissionRequest, kind: WorkloadKind) {
        guard !request.isDryRun else { return }
        switch request.operation {
        case .create, .update:
            guard let object = request.object,
                let record = WorkloadRecord.extract(
                    from: Self.tree(object, namespace: request.namespace), kind: kind,
                    keys: index.snapshot.keys)
            else { return }
            index.upsert(record)
        case .delete:
            guard let name = request.name ?? request.oldObject?.metadata.name else { return }
            let namespace = request.namespace ?? request.oldObject?.metadata.namespace ?? ""
            index.markDeleted(WorkloadRef(kind: kind, namespace: namespace, name: name))
        case .connect: break
        }
    }

    /// The decoded object as the tree `WorkloadRecord.extract` reads: the metadata it needs and `spec`.
    static func tree(_ object: KubeObject, namespace: String?) -> JSONValue {
        var metadata: [String: JSONValue] = [:]
        if let name = object.metadata.name { metadata["name"] = .string(name) }
        // A CREATE's object may lack the namespace; the request carries it.
        if let namespace = object.metadata.namespace ?? namespace {
            metadata["namespace"] = .string(namespace)
        }
        if let uid = object.metadata.uid { metadata["uid"] = .string(uid) }
        if let version = object.metadata.resourceVersion {
            metadata["resourceVersion"] = .string(version)
        }
        if let annotations = object.metadata.annotations {
            metadata["annotations"] = .from(annotations)
        }
        var members: [String: JSONValue] = ["metadata": .object(metadata)]
        if let spec = object.spec { members["spec"] = spec }
        return .object(members)
    }
}
