internal import CLinux
import Glibc
import Logging
import Synchronization

/// One thread, one epoll set: owns a listening socket (shared with the other loops through SO_REUSEPORT) and the
/// connections it accepted. Handlers run on this thread, so they must be quick (see HTTPHandler).
/// Other threads talk to it only through `requestDrain(deadline:)`, which sets a flag and wakes it.
final class EventLoop {
    private let epoll: Int32
    private let wake: Int32
    private var listener: Int32?
    private var connections: [Int32: Connection] = [:]
    private let shared: ServerShared
    private let drainDeadline = Mutex<ContinuousClock.Instant?>(nil)
    private var draining: ContinuousClock.Instant?
    private let scratch: UnsafeMutableRawBufferPointer

    init(listener: Int32, shared: ServerShared) throws(ServerError) {
        self.shared = shared
        self.listener = listener
        epoll = try Syscall.check("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        wake = try Syscall.check("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        add(listener, events: EPOLLIN.rawValue)
        add(wake, events: EPOLLIN.rawValue)
    }

    deinit {
        if let listener { Syscall.close(listener) }
        for fd in connections.keys { Syscall.close(fd) }
        Syscall.close(wake)
        Syscall.close(epoll)
        scratch.deallocate()
    }

    /// Thread-safe: asks the loop to stop accepting and to finish within `deadline`.
    func requestDrain(deadline: ContinuousClock.Instant) {
        drainDeadline.withLock { $0 = deadline }
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    /// Runs until drained.
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var lastSweep = ContinuousClock.now
        while true {
            let timeout: Int32 = draining == nil ? 250 : 50
            let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
            let now = ContinuousClock.now
            if count < 0 && errno != EINTR {
                shared.logger.critical("epoll_wait failed", metadata: ["errno": "\(errno)"])
                return
            }
            for index in 0..<max(0, Int(count)) {
                let fd = events[index].data.fd
                let flags = events[index].events
                if fd == wake {
                    var value: UInt64 = 0
                    _ = read(wake, &value, 8)
                    if let deadline = drainDeadline.withLock({ $0 }), draining == nil {
                        startDraining(deadline, now: now)
                    }
                } else if fd == listener {
                    acceptAll(now: now)
                } else if let connection = connections[fd] {
                    if flags & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                        connection.readable(now: now, scratch: scratch)
                    }
                    if flags & EPOLLOUT.rawValue != 0, !connection.isClosed {
                        connection.writable(now: now, scratch: scratch)
                    }
                    settle(connection)
                }
            }
            if now - lastSweep >= .milliseconds(250) || draining != nil {
                lastSweep = now
                sweep(now: now)
            }
            if let draining {
                if connections.isEmpty { return }
                if now >= draining {
                    shared.logger.warning(
                        "grace period over; closing connections", metadata: ["connections": "\(connections.count)"])
                    for connection in Array(connections.values) {
                        connection.close()
                        settle(connection)
                    }
                    return
                }
            }
        }
    }

    private func startDraining(_ deadline: ContinuousClock.Instant, now: ContinuousClock.Instant) {
        draining = deadline
        if let listener {
            _ = epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
            Syscall.close(listener)
            self.listener = nil
        }
        for connection in Array(connections.values) {
            connection.beginDraining(now: now)
            settle(connection)
        }
    }

    private func acceptAll(now: ContinuousClock.Instant) {
        guard let listener else { return }
        while true {
            let fd = Syscall.retryingInterrupts {
                clinux_accept4(listener, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            }
            if fd < 0 {
                if errno == EMFILE || errno == ENFILE {
                    shared.logger.error("out of file descriptors; refusing connections")
                }
                return
            }
            let open = shared.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
            if open > shared.limits.maxConnections {
                shared.openConnections.wrappingSubtract(1, ordering: .relaxed)
                shared.observer.connectionRejected(reason: .connectionLimit)
                Syscall.close(fd)
                continue
            }
            Syscall.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY)
            let transport: Transport
            if let certificates = shared.certificates {
                do {
                    transport = .tls(try certificates.context.makeConnection(socket: fd))
                } catch {
                    shared.logger.error("cannot set up TLS for a connection", metadata: ["error": "\(error)"])
                    shared.openConnections.wrappingSubtract(1, ordering: .relaxed)
                    Syscall.close(fd)
                    continue
                }
            } else {
                transport = .plain
            }
            let connection = Connection(fd: fd, transport: transport, shared: shared, now: now)
            connections[fd] = connection
            shared.observer.connectionOpened()
            add(fd, events: EPOLLIN.rawValue)
            connection.interest = EPOLLIN.rawValue
        }
    }

    /// After an event: forget a closed connection, or update its epoll interest.
    private func settle(_ connection: Connection) {
        if connection.isClosed {
            _ = epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fd, nil)
            Syscall.close(connection.fd)
            connections[connection.fd] = nil
            registered[connection.fd] = nil
            shared.openConnections.wrappingSubtract(1, ordering: .relaxed)
            shared.observer.connectionClosed()
            return
        }
        let wanted = connection.interest
        if wanted != registered[connection.fd] {
            var event = epoll_event(events: wanted, data: epoll_data_t(fd: connection.fd))
            _ = epoll_ctl(epoll, EPOLL_CTL_MOD, connection.fd, &event)
            registered[connection.fd] = wanted
        }
    }

    private var registered: [Int32: UInt32] = [:]

    private func sweep(now: ContinuousClock.Instant) {
        for connection in Array(connections.values) {
            if let deadline = connection.nextDeadline, now >= deadline {
                connection.deadlineCheck(now: now)
                settle(connection)
            }
        }
    }

    private func add(_ fd: Int32, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(fd: fd))
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
        registered[fd] = events
    }
}

// Used by one thread at a time: created on the starting thread, then handed to its own loop thread for good.
extension EventLoop: @unchecked Sendable {}
