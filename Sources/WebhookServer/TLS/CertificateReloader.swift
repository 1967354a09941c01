internal import CLinux
import Foundation
import Glibc
public import Logging
import Synchronization

/// Watches the serving certificate and key files and swaps a new `TLSContext` into the `CertificateStore` when
/// their contents change. It handles the Kubernetes Secret-volume layout (`tls.crt -> ..data/tls.crt`, with
/// `..data` an atomically swapped symlink to a timestamped directory) because it compares file *contents*, read
/// through the symlinks, rather than trusting events on one inode. inotify on the parent directories wakes it at
/// once; a poll every `pollInterval` catches whatever inotify misses (network filesystems, a watch lost to a
/// directory swap). A pair that does not load (unparsable, key not matching) is logged, naming the file, and the
/// old pair keeps serving. Runs on its own thread; thread-safe to stop.
public final class CertificateReloader: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let store: CertificateStore
    private let observer: any ServerObserver
    private let logger: Logger
    private let pollInterval: Duration
    private let state: LockedState

    /// Loads the pair once (throwing if it is bad: start-up must fail loudly) and returns the reloader and store.
    public init(
        certificatePath: String, keyPath: String, observer: any ServerObserver = NoServerObserver(), logger: Logger,
        pollInterval: Duration = .seconds(1)
    ) throws(TLSError) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.observer = observer
        self.logger = logger
        self.pollInterval = pollInterval
        let chain = try TLSContext.read(certificatePath)
        let key = try TLSContext.read(keyPath)
        let context = try TLSContext(chainPEM: chain, keyPEM: key, certificatePath: certificatePath, keyPath: keyPath)
        self.store = CertificateStore(context)
        self.state = LockedState(Fingerprint(chain: chain, key: key))
        observer.certificateReloaded(succeeded: true, notAfter: context.notAfter)
    }

    public var certificates: CertificateStore { store }

    /// Starts the watch thread.
    public func start() {
        let thread = Thread { [self] in self.watch() }
        thread.name = "certificate-reloader"
        thread.start()
    }

    public func stop() {
        state.stop()
    }

    /// Reads the files and swaps in a new context if they changed and load. Returns true when a swap happened.
    @discardableResult
    public func checkNow() -> Bool {
        guard let (chain, key) = readConsistentPair() else { return false }
        let fingerprint = Fingerprint(chain: chain, key: key)
        guard state.isNew(fingerprint) else { return false }
        do {
            let context = try TLSContext(
                chainPEM: chain, keyPEM: key, certificatePath: certificatePath, keyPath: keyPath)
            store.replace(with: context)
            state.accept(fingerprint)
            observer.certificateReloaded(succeeded: true, notAfter: context.notAfter)
            logger.info(
                "serving certificate reloaded",
                metadata: ["certificate": "\(certificatePath)", "notAfter": "\(context.notAfter.map { Int($0) } ?? 0)"])
            return true
        } catch {
            // Remember the bad pair so it is reported once, not on every poll.
            state.reject(fingerprint)
            observer.certificateReloaded(succeeded: false, notAfter: nil)
            logger.error(
                "new serving certificate rejected; keeping the previous one", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Both files as one pair. They are read one after the other, so a `..data` swap in between would pair the
    /// old certificate with the new key (a mismatch, or even a valid but unintended pair); reading the certificate
    /// again proves no swap happened in between, and a swap seen is simply read again. nil: a file is missing or
    /// unreadable (briefly, mid-rotation); the next event or poll tries again.
    private func readConsistentPair() -> (chain: [UInt8], key: [UInt8])? {
        for _ in 0..<5 {
            do {
                let chain = try TLSContext.read(certificatePath)
                let key = try TLSContext.read(keyPath)
                if try TLSContext.read(certificatePath) == chain { return (chain, key) }
            } catch {
                return nil
            }
        }
        return nil
    }

    private func watch() {
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if inotify >= 0 {
            let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_ATTRIB | IN_MODIFY)
            for directory in Set([certificatePath, keyPath].map { ($0 as NSString).deletingLastPathComponent }) {
                _ = inotify_add_watch(inotify, directory.isEmpty ? "." : directory, mask)
            }
        } else {
            logger.warning("inotify unavailable; polling certificate files only")
        }
        defer { if inotify >= 0 { Syscall.close(inotify) } }
        let pollMilliseconds = Int32(
            pollInterval.components.seconds * 1000 + pollInterval.components.attoseconds / 1_000_000_000_000_000)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !state.isStopped {
            if inotify >= 0 {
                var descriptor = pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, max(10, pollMilliseconds))
                while read(inotify, &buffer, buffer.count) > 0 {}
            } else {
                usleep(UInt32(max(10, pollMilliseconds)) * 1000)
            }
            if state.isStopped { return }
            checkNow()
        }
    }
}

/// Identifies a pair by content; SHA-free because equality of bytes is what matters and the files are small.
struct Fingerprint: Equatable, Sendable {
    var chain: [UInt8]
    var key: [UInt8]
}

final class LockedState: Sendable {
    private struct Inner {
        var current: Fingerprint
        var rejected: Fingerprint?
        var stopped = false
    }
    private let inner: Mutex<Inner>

    init(_ current: Fingerprint) { inner = Mutex(Inner(current: current)) }

    func isNew(_ fingerprint: Fingerprint) -> Bool {
        inner.withLock { $0.current != fingerprint && $0.rejected != fingerprint }
    }
    func accept(_ fingerprint: Fingerprint) {
        inner.withLock {
            $0.current = fingerprint; $0.rejected = nil
        }
    }
    func reject(_ fingerprint: Fingerprint) { inner.withLock { $0.rejected = fingerprint } }
    func stop() { inner.withLock { $0.stopped = true } }
    var isStopped: Bool { inner.withLock { $0.stopped } }
}
