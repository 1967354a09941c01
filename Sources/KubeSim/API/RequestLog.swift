public import Foundation
public import Reloader
import Synchronization

/// The requests kube-sim answered, oldest first, for API-cost measurements (`GET /sim/requests`). Keeps the last
/// `capacity` entries. Thread-safe (one mutex).
public final class RequestLog: Sendable {
    public struct Entry: Sendable, Equatable {
        public var time: Date
        public var method: String
        public var path: String
        public var query: String?
        /// 0 for a dropped connection (fault injection).
        public var status: Int
        public var duration: Duration
        public var userAgent: String?
        /// The last 4 characters of the bearer token (`Authorization: Bearer ...`), so tests can tell which token a
        /// client sent (token file rotation) without the log holding the token.
        public var tokenSuffix: String? = nil

        var json: JSONValue {
            let milliseconds =
                Double(duration.components.seconds) * 1000
                + Double(duration.components.attoseconds) / 1e15
            return [
                "time": .string(RFC3339.format(time)), "method": .string(method), "path": .string(path),
                "query": .string(query ?? ""), "status": .number(String(status)),
                "durationMs": .number(String(format: "%.3f", milliseconds)),
                "userAgent": .string(userAgent ?? ""), "tokenSuffix": .string(tokenSuffix ?? ""),
            ]
        }
    }

    private let entries = Mutex<[Entry]>([])
    private let capacity: Int

    public init(capacity: Int = 100_000) { self.capacity = capacity }

    func append(_ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeFirst(entries.count - capacity + 1) }
            entries.append(entry)
        }
    }

    /// The last 4 characters of the token in an `Authorization: Bearer` header; nil without one.
    static func tokenSuffix(authorization: String?) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : String(token.suffix(4))
    }

    public var all: [Entry] { entries.withLock { $0 } }

    public func clear() { entries.withLock { $0.removeAll() } }
}
