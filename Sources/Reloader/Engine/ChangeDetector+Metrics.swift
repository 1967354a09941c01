/// How a config review's outcome shows in the event metrics of contract §11, following where Reloader counts the
/// same situations (its `controller.go` and `handler/update.go`): an informer event is received for every
/// persisted write of a watched resource; it is skipped (`ignored_or_not_selected`) when a namespace filter
/// drops it, processed (`success`) once its handler ran, even when the handler found no data change. Pure.
extension ChangeDetector.Skip {
    /// Whether Reloader's informer would have seen this write at all: not for a server-side dry run (never
    /// persisted), a resource type in `--resources-to-ignore` (no controller watches it), or what is not a config.
    public var isEvent: Bool {
        switch self {
        case .notAConfig, .dryRun, .resourceTypeIgnored: false
        case .operationNotEnabled, .filtered, .configIgnored, .noDataChange, .unreadable: true
        }
    }

    /// The `reloader_skipped_total` reason, nil when Reloader counts no skip (an add or delete without
    /// `--reload-on-create`/`--reload-on-delete` is received and dropped silently).
    public var skipMetricReason: SkipMetricReason? {
        switch self {
        case .filtered, .configIgnored: .ignoredOrNotSelected
        case .noDataChange: .noDataChange
        case .notAConfig, .dryRun, .operationNotEnabled, .resourceTypeIgnored, .unreadable: nil
        }
    }

    /// The `reloader_events_processed_total` result, nil when the event never reaches a handler (filtered,
    /// operation not enabled). `ignore: "true"` is decided inside Reloader's handler, so its event is processed;
    /// an object that cannot be hashed is an event we could not process.
    public var processedResult: EventMetricResult? {
        switch self {
        case .configIgnored, .noDataChange: .success
        case .unreadable: .dropped
        case .notAConfig, .dryRun, .operationNotEnabled, .resourceTypeIgnored, .filtered: nil
        }
    }
}

extension ReloadDecision.SkipReason {
    /// The `reloader_skipped_total` reason of a decision that reloads nothing (the same mapping as `metricLabel`).
    public var skipMetricReason: SkipMetricReason {
        switch self {
        case .noDataChange: .noDataChange
        case .alreadyCurrent: .strategyNotUpdated
        case .operationNotEnabled, .resourceTypeIgnored, .otherNamespace, .workloadTypeIgnored, .configIgnored,
            .excluded, .notSelected, .notUsed, .noContainer, .cronJobSuspended, .incompleteWorkload:
            .ignoredOrNotSelected
        }
    }
}
