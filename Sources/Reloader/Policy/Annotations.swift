/// Every annotation key of Reloader that reloader reads or writes (contract §2), written once here. The keys a
/// flag can rename live in `AnnotationKeys`; the rest are fixed. Pure values.
public enum Annotations {
    /// Written by us on the pod template by the annotations strategy (contract §5.2); no rename flag.
    public static let lastReloadedFrom = "reloader.stakater.com/last-reloaded-from"
    /// Argo Rollout metadata: `rollout` (default) or `restart`; no rename flag.
    public static let rolloutStrategy = "reloader.stakater.com/rollout-strategy"
    /// Put by us on a Job created from a CronJob, as `kubectl create job --from` does.
    public static let cronJobInstantiate = "cronjob.kubernetes.io/instantiate"

    /// Go's `strconv.ParseBool`, which Reloader applies to the auto and typed-auto values: `1 t T TRUE true
    /// True` are true, `0 f F FALSE false False` false, anything else nil. Reloader discards the parse error, so
    /// an invalid value (e.g. `yes`) acts as **false**, yet it is still a *present* value: it does not count as
    /// absent for `--auto-reload-all`, which needs both values empty (`common.ShouldReload`). Only an absent key or
    /// an empty string is absent.
    public static func parseBool(_ value: String) -> Bool? {
        switch value {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    /// The entries of a comma list (reload and exclude annotations), each trimmed of spaces as Go's
    /// `strings.TrimSpace` does. Empty entries are kept: Reloader compiles them too (`^$` never matches a name).
    public static func commaList(_ value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.trimmingCharacters(in: " \t\n\r\u{0B}\u{0C}"))
        }
    }

    /// `search`, `match` and `ignore` count only with exactly `"true"` (Reloader compares the string).
    public static func isExactlyTrue(_ value: String?) -> Bool { value == "true" }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}
