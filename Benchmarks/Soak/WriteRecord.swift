public import Foundation
public import Reloader
import Synchronization

/// One write the driver made to a config, as the driver saw it: when it was sent, what kind of write, which
/// config, the content hash the config has if the write persisted (for a metadata-only write, the unchanged
/// content), and the API's answer: whether it persisted and at which resourceVersion (kube-sim's global revision,
/// so writes and rollouts are ordered exactly). A pure value; the oracle's input with kube-sim's rollout record.
public struct WriteRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A content change of one config.
        case data
        /// One of several content changes to the configs of one workload, sent back to back.
        case burst
        /// Labels and annotations only: the content hash does not change.
        case metadata
        /// A content change that the second webhook denies: never persisted.
        case denied
        /// A content change with `?dryRun=All`: never persisted.
        case dryRun = "dry-run"
    }

    public var time: Date
    public var kind: Kind
    public var config: ConfigRef
    public var hash: String
    public var persisted: Bool
    /// The HTTP status of the answer (0: no answer).
    public var status: Int
    /// The stored object's resourceVersion when persisted.
    public var resourceVersion: Int?
    /// From sending the write to its answer (or to giving up on one), in milliseconds.
    public var milliseconds: Double
    /// Why the write failed, as the client saw it (nil when it succeeded).
    public var error: String?

    public init(
        time: Date, kind: Kind, config: ConfigRef, hash: String, persisted: Bool, status: Int, resourceVersion: Int?,
        milliseconds: Double = 0, error: String? = nil
    ) {
        self.time = time
        self.kind = kind
        self.config = config
        self.hash = hash
        self.persisted = persisted
        self.status = status
        self.resourceVersion = resourceVersion
        self.milliseconds = milliseconds
        self.error = error
    }

    /// A write that got no answer at all (a transport error or a timeout): whether it persisted is unknown. The
    /// API answered every other write, persisted or not.
    public var isUnresolved: Bool { status == 0 && kind != .dryRun }

    /// One tab-separated line for the run's write log file.
    var line: String {
        [
            String(format: "%.3f", time.timeIntervalSince1970), kind.rawValue, config.description, hash,
            persisted ? "persisted" : "not-persisted", String(status), resourceVersion.map(String.init) ?? "-",
            String(format: "%.1f", milliseconds),
            error.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") } ?? "-",
        ].joined(separator: "\t")
    }
}

/// The driver's log: records appended from the driver's workers, read once at the end. Thread-safe (one mutex).
final class WriteLog: Sendable {
    private let records = Mutex<[WriteRecord]>([])

    func append(_ record: WriteRecord) { records.withLock { $0.append(record) } }

    var all: [WriteRecord] { records.withLock { $0 } }

    /// The 99th percentile and the maximum of the writes' durations, in milliseconds.
    var latency: (p99: Double, max: Double) {
        let sorted = all.map(\.milliseconds).sorted()
        guard let max = sorted.last else { return (0, 0) }
        return (sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))], max)
    }

    /// Writes by kind, and how many of them persisted.
    var counts: [WriteRecord.Kind: (sent: Int, persisted: Int)] {
        var result: [WriteRecord.Kind: (sent: Int, persisted: Int)] = [:]
        for record in all {
            var count = result[record.kind] ?? (0, 0)
            count.sent += 1
            if record.persisted { count.persisted += 1 }
            result[record.kind] = count
        }
        return result
    }
}
