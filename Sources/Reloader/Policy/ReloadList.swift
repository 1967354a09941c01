/// A named reload list (`configmap.reloader.stakater.com/reload: "app-.*, db"`): each trimmed entry is an anchored
/// regex `^entry$` matched against the config name (contract §2, C28–C30). Reloader compiles entries with Go's
/// RE2; we use Swift Regex, which accepts the same syntax for what reload lists use in practice (literals, `.`,
/// `*`, `+`, classes, groups, alternation). Pure.
public struct ReloadList: Sendable {
    /// An entry that does not compile; the caller logs it naming the workload, and the entry is skipped.
    public struct InvalidEntry: Sendable, Hashable, CustomStringConvertible {
        public var entry: String
        public var reason: String
        public var description: String { "invalid regex \"\(entry)\" in reload annotation: \(reason)" }
    }

    public let entries: [String]

    public init(_ annotationValue: String) {
        entries = Annotations.commaList(annotationValue)
    }

    /// Whether an entry matches `name`, and the entries found invalid on the way. Like Reloader, stops at the
    /// first match, so invalid entries after it are not reported.
    public func match(_ name: String) -> (matches: Bool, invalidEntries: [InvalidEntry]) {
        var invalid: [InvalidEntry] = []
        for entry in entries {
            let regex: Regex<AnyRegexOutput>
            do {
                regex = try Regex("^" + entry + "$")
            } catch {
                invalid.append(InvalidEntry(entry: entry, reason: "\(error)"))
                continue
            }
            // A search, as Go's `Regexp.Match`: with `a|b` the anchors bind to the alternatives, as in Reloader.
            if (try? regex.firstMatch(in: name)) != nil { return (true, invalid) }
        }
        return (false, invalid)
    }
}
