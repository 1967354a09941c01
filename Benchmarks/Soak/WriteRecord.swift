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

    public init(
        time: Date, kind: Kind, config: ConfigRef, hash: String, persisted: Bool, status: Int, resourceVersion: Int?
    ) {
        self.time = time
        self.kind = kind
        self.config = config
        self.hash = hash
        self.persisted = persisted
        self.status = status
        self.resourceVersion = resourceVersion
    }

    /// One tab-separated line for the run's write log file.
    var line: String {
        [
            String(format: "%.3f", time.timeIntervalSince1970), kind.rawValue, config.description, hash,
            persisted ? "persisted" : "not-persisted", String(status), resourceVersion.map(String.init) ?? "-",
        ].joined(separator: "\t")
    }
}

/// The driver's log: records appended from the driver's workers, read once at the end. Thread-safe (one mutex).
final class WriteLog: Sendable {
    private let records = Mutex<[WriteRecord]>([])

    func append(_ record: WriteRecord) { records.withLock { $0.append(record) } }

    var all: [WriteRecord] { records.withLock { $0 } }

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
