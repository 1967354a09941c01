internal import CLinux
import Glibc
import Logging

/// The imperative shell of one accepted connection: performs the TLS handshake, picks HTTP/1.1 or HTTP/2 from
/// ALPN, moves bytes between the socket and the protocol engine, and carries out the engine's actions. It decides
/// nothing about HTTP itself. Owned and driven by exactly one `EventLoop` thread.
final class Connection {
    enum Phase {
        case handshaking
        case http1
        case http2
        /// After an error answer: our side is shut (FIN sent), input is read and dropped until the peer closes or
        /// `until` passes. Closing with unread input would send a RST, which can destroy the answer in flight
        /// before the client reads it (the "lingering close" of nginx and Go).
        case lingering(until: ContinuousClock.Instant, discarded: Int)
        case closed
    }

    /// How long, and how many bytes, a lingering close waits for the peer.
    static let lingerTime: Duration = .seconds(2)
    static let lingerBytes = 8 * 1024 * 1024

    let fd: Int32
    private let transport: Transport
    private var phase: Phase
    /// Stored apart from `phase` so it mutates in place (an enum payload would copy its buffers on every event).
    private var machine: HTTP1ConnectionStateMachine
    private var session: HTTP2Session?
    private let shared: ServerShared
    private let acceptedAt: ContinuousClock.Instant
    private var lastActivity: ContinuousClock.Instant
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    /// Set when the connection must close once `outbound` is flushed.
    private var closeWhenFlushed = false
    /// With `closeWhenFlushed`: linger (see `Phase.lingering`) instead of closing at once.
    private var lingerWhenFlushed = false
    /// epoll events currently registered.
    var interest: UInt32 = EPOLLIN.rawValue
    private var isDraining = false

    init(fd: Int32, transport: Transport, shared: ServerShared, now: ContinuousClock.Instant) {
        self.fd = fd
        self.transport = transport
        self.shared = shared
        self.acceptedAt = now
        self.lastActivity = now
        self.machine = HTTP1ConnectionStateMachine(limits: shared.limits, now: now)
        if case .tls = transport {
            phase = .handshaking
        } else {
            phase = .http1
        }
    }

    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    /// True while requests are read (not handshaking, lingering or closed).
    private var isServing: Bool {
        switch phase {
        case .http1, .http2: true
        case .handshaking, .lingering, .closed: false
        }
    }

    var nextDeadline: ContinuousClock.Instant? {
        switch phase {
        case .handshaking:
            return acceptedAt.advanced(by: shared.limits.handshakeTimeout)
        case .http1:
            return machine.nextDeadline
        case .http2:
            guard let session else { return nil }
            let limit = session.hasOpenStreams ? shared.limits.bodyStallTimeout : shared.limits.idleTimeout
            return lastActivity.advanced(by: limit)
        case .lingering(let until, _):
            return until
        case .closed:
            return nil
        }
    }

    // MARK: - Events from the loop

    func readable(now: ContinuousClock.Instant, scratch: UnsafeMutableRawBufferPointer) {
        if outboundOffset < outbound.count {
            // Backpressure: answers are still queued; read again once they are written.
            flush()
            if outboundOffset < outbound.count { return }
        }
        switch phase {
        case .handshaking: handshake(now: now, scratch: scratch)
        case .http1, .http2: readLoop(now: now, scratch: scratch)
        case .lingering: discardInput(scratch: scratch)
        case .closed: return
        }
    }

    func writable(now: ContinuousClock.Instant, scratch: UnsafeMutableRawBufferPointer) {
        if case .handshaking = phase {
            handshake(now: now, scratch: scratch)
            return
        }
        flush()
        if case .lingering = phase {
            discardInput(scratch: scratch)
        } else if isServing, outboundOffset >= outbound.count {
            // Drained: bytes may be waiting inside OpenSSL's buffer, which epoll cannot see.
            readLoop(now: now, scratch: scratch)
        }
    }

    func deadlineCheck(now: ContinuousClock.Instant) {
        guard let deadline = nextDeadline, now >= deadline else { return }
        switch phase {
        case .handshaking:
            shared.logger.debug("TLS handshake timed out", metadata: ["fd": "\(fd)"])
            close()
        case .lingering:
            close()
        case .http1:
            perform(machine.deadlinePassed(now: now), now: now)
        case .http2:
            guard let session else { return }
            session.goAway()
            queue(session.takeOutput())
            closeWhenFlushed = true
            flush()
            if !isClosed && !session.hasOpenStreams { close() }
        case .closed: return
        }
    }

    func beginDraining(now: ContinuousClock.Instant) {
        guard !isDraining else { return }
        isDraining = true
        switch phase {
        case .handshaking: close()
        case .lingering: return  // closes by itself within `lingerTime`
        case .http1:
            perform(machine.beginDraining(), now: now)
        case .http2:
            guard let session else { return }
            session.goAway()
            queue(session.takeOutput())
            flush()
            if !isClosed && !session.hasOpenStreams && outboundOffset >= outbound.count { close() }
        case .closed: return
        }
    }

    // MARK: - Handshake

    private func handshake(now: ContinuousClock.Instant, scratch: UnsafeMutableRawBufferPointer) {
        guard case .tls(let tls) = transport else { return }
        switch tls.handshake() {
        case .done:
            lastActivity = now
            if tls.negotiatedProtocol == "h2" {
                do {
                    let session = try HTTP2Session(
                        handler: shared.handler, limits: shared.limits, observer: shared.observer)
                    self.session = session
                    phase = .http2
                    queue(session.takeOutput())
                    flush()
                } catch {
                    shared.logger.error("cannot start HTTP/2 session", metadata: ["error": "\(error)"])
                    close()
                    return
                }
            } else {
                machine = HTTP1ConnectionStateMachine(limits: shared.limits, now: now)
                phase = .http1
            }
            if isDraining { beginDrainingAfterHandshake(now: now) }
            readLoop(now: now, scratch: scratch)
        case .wantRead: interest = EPOLLIN.rawValue
        case .wantWrite: interest = EPOLLOUT.rawValue
        case .closed: close()
        case .failed(let reason):
            shared.observer.tlsHandshakeFailed()
            if reason.contains("http request") {
                // A plain HTTP request on the TLS port: say so in plain text, as Go's net/http does.
                let answer =
                    "HTTP/1.0 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n"
                    + "Client sent an HTTP request to an HTTPS server.\n"
                _ = answer.utf8.withContiguousStorageIfAvailable {
                    send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                shared.logger.debug("TLS handshake failed", metadata: ["reason": "\(reason)"])
                startLingering(sendCloseNotify: false)
                return
            }
            shared.logger.debug("TLS handshake failed", metadata: ["reason": "\(reason)"])
            close()
        }
    }

    private func beginDrainingAfterHandshake(now: ContinuousClock.Instant) {
        isDraining = false
        beginDraining(now: now)
    }

    // MARK: - Reading

    private func readLoop(now: ContinuousClock.Instant, scratch: UnsafeMutableRawBufferPointer) {
        while isServing {
            if outboundOffset < outbound.count { return }  // wait for the answers to drain first
            let result = transport.read(fd, into: scratch)
            switch result {
            case .done(let count):
                lastActivity = now
                consume(UnsafeRawBufferPointer(rebasing: scratch[0..<count]), now: now)
            case .wantRead:
                return
            case .wantWrite:
                interest = EPOLLOUT.rawValue
                return
            case .closed:
                peerClosed(now: now)
                return
            case .failed(let reason):
                shared.logger.debug("connection read failed", metadata: ["reason": "\(reason)"])
                close()
                return
            }
        }
    }

    private func consume(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        switch phase {
        case .http1:
            perform(machine.received(bytes, now: now), now: now)
        case .http2:
            guard let session else { return }
            let healthy = session.receive(bytes)
            queue(session.takeOutput())
            if !healthy || session.isFinished { closeWhenFlushed = true }
            flush()
            if !isClosed, isDraining, !session.hasOpenStreams, outboundOffset >= outbound.count { close() }
        case .handshaking, .lingering, .closed:
            return
        }
    }

    private func peerClosed(now: ContinuousClock.Instant) {
        switch phase {
        case .http1:
            perform(machine.peerClosed(), now: now)
        default:
            close()
        }
    }

    /// Carries out HTTP/1 actions until the machine asks for more bytes.
    private func perform(_ first: HTTP1ConnectionStateMachine.Action, now: ContinuousClock.Instant) {
        var action = first
        while true {
            switch action {
            case .readMore:
                if outboundOffset < outbound.count { flush() }
                return
            case .sendContinue:
                queue(HTTP1ResponseWriter.continueResponse)
                flush()
                return
            case .dispatch(let request, let closeAfter):
                let started = ContinuousClock.now
                let response = shared.handler.handle(request)
                if response.isDropConnection {
                    close()
                    return
                }
                shared.observer.requestCompleted(
                    method: request.method, path: request.path, status: response.status, version: request.version,
                    duration: ContinuousClock.now - started)
                HTTP1ResponseWriter.serialize(
                    response, version: request.version, closeAfter: closeAfter, into: &outbound)
                action = machine.responseQueued(now: now)
            case .respondAndClose(let response):
                HTTP1ResponseWriter.serialize(response, version: .http1_1, closeAfter: true, into: &outbound)
                closeWhenFlushed = true
                lingerWhenFlushed = true
                flush()
                return
            case .close:
                if outboundOffset < outbound.count {
                    closeWhenFlushed = true
                    flush()
                } else {
                    close()
                }
                return
            }
            if outbound.count - outboundOffset > 256 * 1024 { flush() }
        }
    }

    // MARK: - Writing

    private func queue(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        outbound.append(contentsOf: bytes)
    }

    /// Writes as much of `outbound` as the socket takes now.
    private func flush() {
        while outboundOffset < outbound.count {
            let result = outbound.withUnsafeBytes { raw in
                transport.write(fd, UnsafeRawBufferPointer(rebasing: raw[outboundOffset...]))
            }
            switch result {
            case .done(let count): outboundOffset += count
            case .wantWrite, .wantRead:
                interest = EPOLLOUT.rawValue
                return
            case .closed, .failed:
                close()
                return
            }
        }
        outbound.removeAll(keepingCapacity: outbound.capacity <= 64 * 1024)
        outboundOffset = 0
        interest = EPOLLIN.rawValue
        if closeWhenFlushed {
            if lingerWhenFlushed { startLingering(sendCloseNotify: true) } else { close() }
        }
    }

    // MARK: - Lingering close

    private func startLingering(sendCloseNotify: Bool) {
        guard !isClosed else { return }
        if sendCloseNotify, case .tls(let tls) = transport { tls.shutdown() }
        Glibc.shutdown(fd, Int32(SHUT_WR))
        phase = .lingering(until: ContinuousClock.now.advanced(by: Self.lingerTime), discarded: 0)
        interest = EPOLLIN.rawValue
    }

    /// Reads and drops raw bytes (TLS records included: nothing more is decrypted) until EOF or the byte cap.
    private func discardInput(scratch: UnsafeMutableRawBufferPointer) {
        guard case .lingering(let until, var discarded) = phase else { return }
        while true {
            let count = Syscall.retryingInterrupts { Glibc.read(fd, scratch.baseAddress, scratch.count) }
            if count > 0 {
                discarded += count
                if discarded > Self.lingerBytes { break }
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                phase = .lingering(until: until, discarded: discarded)
                return
            }
            break  // EOF or error
        }
        phase = .closed
    }

    func close() {
        guard !isClosed else { return }
        phase = .closed
        if case .tls(let tls) = transport { tls.shutdown() }
        // The loop removes the descriptor from epoll and closes it, after seeing `isClosed`.
    }
}

@available(*, unavailable) extension Connection: Sendable {}
