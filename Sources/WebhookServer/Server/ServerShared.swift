import Logging
import Synchronization

/// What every event loop of one server shares: read-only configuration plus the connection count.
final class ServerShared: Sendable {
    let handler: any HTTPHandler
    let limits: ServerLimits
    let observer: any ServerObserver
    let logger: Logger
    /// nil for a plain-HTTP server.
    let certificates: CertificateStore?
    /// Open connections across all loops, checked against `limits.maxConnections` at accept.
    let openConnections = Atomic<Int>(0)

    init(
        handler: any HTTPHandler, limits: ServerLimits, observer: any ServerObserver, logger: Logger,
        certificates: CertificateStore?
    ) {
        self.handler = handler
        self.limits = limits
        self.observer = observer
        self.logger = logger
        self.certificates = certificates
    }
}
