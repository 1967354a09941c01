/// What the server reports about itself, for metrics. Called from event-loop threads, so implementations must
/// be thread-safe and cheap. WebhookServer knows nothing of Prometheus; the Reloader library implements this.
public protocol ServerObserver: Sendable {
    func requestCompleted(method: String, path: String, status: Int, version: HTTPVersion, duration: Duration)
    func connectionOpened()
    func connectionClosed()
    func connectionRejected(reason: ConnectionRejection)
    func tlsHandshakeFailed()
    func certificateReloaded(succeeded: Bool, notAfter: Double?)
}

public enum ConnectionRejection: String, Sendable {
    case connectionLimit = "connection_limit"
    case shuttingDown = "shutting_down"
}

/// An observer that ignores everything.
public struct NoServerObserver: ServerObserver {
    public init() {}
    public func requestCompleted(method: String, path: String, status: Int, version: HTTPVersion, duration: Duration) {}
    public func connectionOpened() {}
    public func connectionClosed() {}
    public func connectionRejected(reason: ConnectionRejection) {}
    public func tlsHandshakeFailed() {}
    public func certificateReloaded(succeeded: Bool, notAfter: Double?) {}
}
