import Foundation
import Glibc
public import Logging

/// An HTTP/1.1 + HTTP/2 server on plain sockets, over TLS when given a `CertificateStore`, plain otherwise.
///
/// Threads, not Dispatch: `eventLoopCount` threads each run an epoll loop over their own SO_REUSEPORT listener
/// and the connections it accepted. Handlers are short and CPU-bound (decode a review, answer), so running them
/// on the loop thread avoids a hand-off per request; an epoll loop holds 1,024 idle keep-alive connections
/// without a thread (and its stack) each. Thread-safe: `start`, `shutdown` and `wait` may be called from any thread.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var address: ListenAddress
        public var limits: ServerLimits
        public var eventLoopCount: Int

        public init(address: ListenAddress, limits: ServerLimits = ServerLimits(), eventLoopCount: Int? = nil) {
            self.address = address
            self.limits = limits
            self.eventLoopCount = max(1, eventLoopCount ?? ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    /// The port actually bound (useful with port 0).
    public let port: Int
    public let address: ListenAddress
    private let loops: [EventLoop]
    private let finished = DispatchGroup()

    /// Binds the listening sockets at once, so a bad address or a busy port fails here, before `start`.
    public init(
        configuration: Configuration, handler: any HTTPHandler, certificates: CertificateStore?,
        observer: any ServerObserver = NoServerObserver(), logger: Logger
    ) throws(ServerError) {
        // OpenSSL writes with write(2), which raises SIGPIPE on a connection the peer already closed; the default
        // action would kill the process. Process-wide, as every server written in C or Go does.
        signal(SIGPIPE, SIG_IGN)
        let shared = ServerShared(
            handler: handler, limits: configuration.limits, observer: observer, logger: logger,
            certificates: certificates)
        var address = configuration.address
        var loops: [EventLoop] = []
        do throws(ServerError) {
            let first = try address.listen(reusePort: true)
            address.port = ListenAddress.boundPort(of: first)
            loops.append(try EventLoop(listener: first, shared: shared))
            for _ in 1..<configuration.eventLoopCount {
                loops.append(try EventLoop(listener: try address.listen(reusePort: true), shared: shared))
            }
        } catch {
            throw error
        }
        self.port = address.port
        self.address = address
        self.loops = loops
    }

    /// Starts one thread per event loop and returns.
    public func start() {
        for (index, loop) in loops.enumerated() {
            finished.enter()
            let thread = Thread { [finished] in
                loop.run()
                finished.leave()
            }
            thread.name = "http-loop-\(port)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Stops accepting, closes idle connections, lets requests in progress finish, and force-closes whatever is
    /// left when `gracePeriod` ends. Returns at once; `wait()` blocks until the loops have stopped.
    public func shutdown(gracePeriod: Duration) {
        let deadline = ContinuousClock.now.advanced(by: gracePeriod)
        for loop in loops { loop.requestDrain(deadline: deadline) }
    }

    /// Blocks until every loop has stopped.
    public func wait() {
        finished.wait()
    }
}
