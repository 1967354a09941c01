/// A label type whose values find their pre-created metric by array position: the admission path counts several
/// metrics per review, and a dictionary keyed by a `String`-backed enum hashes the raw string at every look-up
/// (the standard library's `RawRepresentable` hashing), which cost about 200 ns per review. `position` is each
/// value's index in `allCases` (a test checks it), written as a switch so that reading it costs nothing.
protocol MetricLabelValue: CaseIterable where AllCases == [Self] {
    var position: Int { get }
}

extension MetricLabelValue {
    /// One value per case, in `position` order.
    static func positioned<Value>(_ make: (Self) -> Value) -> [Value] { allCases.map(make) }
}

extension AdmissionMetricOperation: MetricLabelValue {
    var position: Int {
        switch self {
        case .create: 0
        case .update: 1
        case .delete: 2
        case .connect: 3
        case .unknown: 4
        }
    }
}

extension AdmissionMetricResult: MetricLabelValue {
    var position: Int {
        switch self {
        case .enqueued: 0
        case .skipped: 1
        case .dryRun: 2
        case .notified: 3
        case .indexed: 4
        case .ignored: 5
        case .rejected: 6
        }
    }
}

extension ConfigEventType: MetricLabelValue {
    var position: Int {
        switch self {
        case .add: 0
        case .update: 1
        case .delete: 2
        }
    }
}

extension ConfigKind: MetricLabelValue {
    var position: Int {
        switch self {
        case .configMap: 0
        case .secret: 1
        case .secretProviderClass: 2
        }
    }
}

extension EventMetricResult: MetricLabelValue {
    var position: Int {
        switch self {
        case .success: 0
        case .dropped: 1
        }
    }
}

extension SkipMetricReason: MetricLabelValue {
    var position: Int {
        switch self {
        case .ignoredOrNotSelected: 0
        case .noDataChange: 1
        case .strategyNotUpdated: 2
        }
    }
}

extension WorkloadKind: MetricLabelValue {
    var position: Int {
        switch self {
        case .deployment: 0
        case .daemonSet: 1
        case .statefulSet: 2
        case .cronJob: 3
        case .job: 4
        case .rollout: 5
        case .deploymentConfig: 6
        }
    }
}
