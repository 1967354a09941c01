import Synchronization

/// Holds the TLS context new handshakes use. The one lock of the hot path: each accepted connection reads the
/// current context once; a rotation replaces it. Open connections keep the context they started with.
public final class CertificateStore: Sendable {
    private let current: Mutex<TLSContext>

    public init(_ context: TLSContext) {
        current = Mutex(context)
    }

    public var context: TLSContext {
        current.withLock { $0 }
    }

    public func replace(with context: TLSContext) {
        current.withLock { $0 = context }
    }
}
