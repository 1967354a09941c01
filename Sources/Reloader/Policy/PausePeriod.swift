/// The pause period of contract §5.4, decided from a workload's metadata annotations: whether the reload write
/// also pauses the Deployment (and with which `paused-at`), and whether a Deployment we paused is due to resume.
/// Reloader reads both annotations from workload metadata only (§2.1 step 3). Pure: time comes in as Unix seconds.
public enum PausePeriod {
    /// What the reload write does about the pause period.
    public enum Plan: Sendable, Hashable {
        /// No pause-period annotation: reload as usual.
        case none
        /// Set `spec.paused: true` in the reload write; `pausedAt` is the `paused-at` value. `isNew`: the write
        /// also sets `paused-at` (false when the Deployment already carries ours, which is kept, so a change
        /// inside the window does not push the resume further out).
        case pause(period: Duration, pausedAt: String, isNew: Bool)
        /// The annotation is on another kind than Deployment: warn and reload as usual (contract §2).
        case unsupportedKind(value: String)
        /// The value is not a Go duration, or is negative: warn and reload without pause (Reloader logs and goes on).
        case invalidPeriod(value: String)
        /// `spec.paused` is already true without our `paused-at`: someone else paused it. We neither pause (it is
        /// paused) nor mark it ours, since a mark would make us resume a pause we did not start.
        case pausedByOther
    }

    /// Whether a Deployment we paused must be resumed now.
    public enum Resume: Sendable, Hashable {
        /// No `paused-at` of ours: never resumed by us.
        case notOurs
        /// Resume now: the period is over, or the period annotation was removed or is invalid, or `paused-at` is
        /// unreadable (left as it is, the Deployment would stay paused forever: Reloader's issue #1016).
        case due
        /// Resume at this Unix second.
        case notYet(dueAt: Int64)
    }

    public static func plan(
        kind: WorkloadKind, object: JSONValue, keys: AnnotationKeys, now unixSeconds: Int64
    ) -> Plan {
        let annotations = object[path: ["metadata", "annotations"]]?.stringMapValue ?? [:]
        guard let value = annotations[keys.pausePeriod] else { return .none }
        guard kind == .deployment else { return .unsupportedKind(value: value) }
        guard let period = parsePeriod(value) else { return .invalidPeriod(value: value) }
        if let ours = annotations[keys.pausedAt], RFC3339Time.parse(ours) != nil {
            return .pause(period: period, pausedAt: ours, isNew: false)
        }
        if object[path: ["spec", "paused"]]?.boolValue == true, annotations[keys.pausedAt] == nil {
            return .pausedByOther
        }
        return .pause(period: period, pausedAt: RFC3339Time.format(unixSeconds: unixSeconds), isNew: true)
    }

    /// Decides from a Deployment's metadata annotations (as read, or as the reverse index keeps them).
    public static func resume(
        annotations: [String: String], keys: AnnotationKeys, now unixSeconds: Int64
    ) -> Resume {
        guard let pausedAt = annotations[keys.pausedAt] else { return .notOurs }
        guard let start = RFC3339Time.parse(pausedAt), let value = annotations[keys.pausePeriod],
            let period = parsePeriod(value)
        else { return .due }
        let dueAt = start + seconds(roundingUp: period)
        return unixSeconds >= dueAt ? .due : .notYet(dueAt: dueAt)
    }

    /// A Go duration that is not negative.
    static func parsePeriod(_ value: String) -> Duration? {
        guard let period = try? GoDuration.parse(value), period >= .zero else { return nil }
        return period
    }

    /// Whole seconds, a fraction counting as one more: `paused-at` has second precision, so the resume is never
    /// early.
    static func seconds(roundingUp duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds + (attoseconds > 0 ? 1 : 0)
    }
}
