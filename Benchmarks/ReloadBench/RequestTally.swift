import Foundation
import KubeSim

/// Requests from kube-sim's log counted by verb and resource (`get configmaps`, `list deployments`,
/// `patch deployments`), as the API server's audit log would name them: GET of a named object is `get`, GET of a
/// collection `list` (or `watch` with `watch=true`), PATCH `patch`, PUT `update`, POST `create`, DELETE `delete`.
/// A pure value.
struct RequestTally: Sendable {
    private(set) var counts: [String: Int] = [:]
    private(set) var total = 0
    /// Responses that were not 2xx (a 409 or 429 retried, say), so a count that includes them says so.
    private(set) var failures = 0
    /// The first and last request's times, for the span the requests took.
    private(set) var first: Date?
    private(set) var last: Date?

    init(_ entries: [RequestLog.Entry]) {
        for entry in entries {
            counts[Self.key(method: entry.method, path: entry.path, query: entry.query), default: 0] += 1
            total += 1
            if !(200..<300).contains(entry.status) { failures += 1 }
            first = min(first ?? entry.time, entry.time)
            last = max(last ?? entry.time, entry.time)
        }
    }

    func count(_ key: String) -> Int { counts[key] ?? 0 }

    /// `verb resource` pairs by count, most first, then by name: `3× get configmaps, 1× patch deployments`.
    var breakdown: String {
        guard !counts.isEmpty else { return "none" }
        return counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\(grouped($0.value))× \($0.key)" }.joined(separator: ", ")
    }

    /// `verb resource` for one request; `<method> <path>` when the path is not a resource path.
    static func key(method: String, path: String, query: String?) -> String {
        guard let target = ResponseBytes.target(of: path) else { return "\(method.lowercased()) \(path)" }
        let isWatch = (query ?? "").split(separator: "&").contains { $0 == "watch=true" || $0 == "watch=1" }
        let verb: String
        switch method.uppercased() {
        case "GET": verb = target.name != nil ? "get" : (isWatch ? "watch" : "list")
        case "PATCH": verb = "patch"
        case "PUT": verb = "update"
        case "POST": verb = "create"
        case "DELETE": verb = "delete"
        default: verb = method.lowercased()
        }
        return "\(verb) \(target.resource)"
    }

    /// One CSV line per request, for the raw output.
    static func csv(_ entries: [RequestLog.Entry]) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var text = "time,method,path,query,status,duration_ms,user_agent\n"
        for entry in entries {
            let milliseconds = seconds(entry.duration) * 1000
            let fields = [
                formatter.string(from: entry.time), entry.method, entry.path, entry.query ?? "", String(entry.status),
                String(format: "%.3f", milliseconds), entry.userAgent ?? "",
            ]
            text += fields.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
        }
        return text
    }
}
