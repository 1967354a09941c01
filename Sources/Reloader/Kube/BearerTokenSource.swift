import Foundation
import Synchronization

/// Holds the bearer token read from a file, re-reading it when the file's modification time changes, when
/// `rereadInterval` has passed since the last read, or after `invalidate()` (a 401). Projected service-account
/// tokens are rotated by the kubelet about hourly (a new file swapped in through the `..data` symlink), and
/// the old one stays valid only a while longer: the Kubernetes "Authenticating" docs ask clients to re-read.
///
/// Thread-safe: the state sits behind one `Mutex`, held while a file is checked or read (a small local file).
/// Never logs or describes the token.
final class BearerTokenSource: Sendable {
    enum Failure: Error, Equatable { case unreadable(path: String, reason: String) }

    private struct State {
        var token: String?
        var fileIdentity: FileIdentity?
        var lastRead: ContinuousClock.Instant?
        var mustReread = false
    }

    let path: String
    private let rereadInterval: Duration
    private let state = Mutex(State())

    init(path: String, rereadInterval: Duration = .seconds(60)) {
        self.path = path
        self.rereadInterval = rereadInterval
    }

    /// The current token. A failed re-read keeps the last good token (the kubelet may be mid-swap); only when
    /// no token was ever read is it an error.
    func token(now: ContinuousClock.Instant = .now) throws(Failure) -> String {
        let path = path, interval = rereadInterval
        let result: Result<String, Failure> = state.withLock { state in
            let identity = FileIdentity(path: path)
            let stale =
                state.token == nil || state.mustReread || identity != state.fileIdentity
                || state.lastRead.map { now - $0 >= interval } ?? true
            if stale {
                do {
                    let text = try String(contentsOfFile: path, encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    if !text.isEmpty {
                        state.token = text
                        state.fileIdentity = identity
                        state.lastRead = now
                        state.mustReread = false
                    }
                } catch {
                    if state.token == nil {
                        return .failure(.unreadable(path: path, reason: "\(error.localizedDescription)"))
                    }
                }
            }
            guard let token = state.token else { return .failure(.unreadable(path: path, reason: "the file is empty")) }
            return .success(token)
        }
        return try result.get()
    }

    /// What tells a rewritten file from the one read before: modification time alone can repeat within the
    /// kernel's timestamp granularity, but an atomic swap (the kubelet's, or a rename) also changes the inode.
    private struct FileIdentity: Equatable {
        var modified: Date?
        var inode: Int?
        var size: Int?

        init?(path: String) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            modified = attributes[.modificationDate] as? Date
            inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue
            size = (attributes[.size] as? NSNumber)?.intValue
        }
    }

    /// Forces a re-read on the next `token()` (the server answered 401 to the current one).
    func invalidate() { state.withLock { $0.mustReread = true } }
}
