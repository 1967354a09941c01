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

        var json: JSONValue {
            let milliseconds = Double(duration.components.seconds) * 1000
                + Double(duration.components.attoseconds) / 1e15
            return [
                "time": .string(RFC3339.format(time)), "method": .string(method), "path": .string(path),
                "query": .string(query ?? ""), "status": .number(String(status)),
                "durationMs": .number(String(format: "%.3f", milliseconds)),
                "userAgent": .string(userAgent ?? ""),
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

    public var all: [Entry] { entries.withLock { $0 } }

    public func clear() { entries.withLock { $0.removeAll() } }
}
