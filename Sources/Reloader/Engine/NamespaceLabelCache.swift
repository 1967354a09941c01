public import Logging
import Synchronization

/// The labels of every watched Namespace, for `--namespace-selector`: the admission path must answer without I/O,
/// so `AdmissionEngine` (and the reconciler) read labels here (`labels(of:)`), and the resync loop replaces them
/// all at every resync from one Namespace LIST. Thread-safe: one `Mutex` around the map, because lookups come from
/// many admission callbacks at once while a resync swaps it; it is held only to read one entry or to swap the map.
///
/// An unknown namespace (created after the last resync, or before the first one finished) reads as nil, which
/// `ConfigFilter.admits` treats as not selected: `ChangeDetector` skips the review as `filtered`
/// (`reloader_skipped_total{reason="ignored_or_not_selected"}`) and this cache logs it at debug level. A reload
/// missed that way is caught by the reconciler after the next resync, once the namespace is known.
public final class NamespaceLabelCache: Sendable {
    private struct State {
        var labels: [String: [String: String]] = [:]
        var isLoaded = false
        /// Namespaces written (reviewed) since the list in progress began: that list may predate them.
        var journal: [String: [String: String]]?
    }

    private let state = Mutex(State())
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The labels of `namespace`, or nil when it is not known.
    public func labels(of namespace: String) -> [String: String]? {
        let (labels, isLoaded) = state.withLock { ($0.labels[namespace], $0.isLoaded) }
        if labels == nil {
            logger.debug(
                "namespace labels unknown, treated as not selected",
                metadata: ["k8s.namespace": "\(namespace)", "loaded": "\(isLoaded)"])
        }
        return labels
    }

    /// Called before the Namespace LIST whose result `replace(with:)` stores: updates reviewed from now on win
    /// over that list, which may have been read before them.
    public func beginRefresh() {
        state.withLock { $0.journal = [:] }
    }

    /// Replaces every namespace's labels with a fresh list (keeping what was reviewed since `beginRefresh`).
    public func replace(with labels: [String: [String: String]]) {
        state.withLock {
            $0.labels = labels
            for (namespace, newer) in $0.journal ?? [:] { $0.labels[namespace] = newer }
            $0.journal = nil
            $0.isLoaded = true
        }
    }

    /// One Namespace's labels as a reviewed CREATE or UPDATE wrote them, so a namespace created or relabelled
    /// between resyncs is selected (or not) at once.
    public func update(_ namespace: String, labels: [String: String]) {
        state.withLock {
            $0.labels[namespace] = labels
            $0.journal?[namespace] = labels
        }
    }

    /// Whether one list has been stored (readiness with a namespace selector waits for it).
    public var isLoaded: Bool { state.withLock { $0.isLoaded } }

    /// The number of namespaces known.
    public var count: Int { state.withLock { $0.labels.count } }

    /// `labels(of:)` as the closure `AdmissionEngine` and `Reconciler` take.
    public var lookup: @Sendable (String) -> [String: String]? {
        { [self] namespace in labels(of: namespace) }
    }
}
