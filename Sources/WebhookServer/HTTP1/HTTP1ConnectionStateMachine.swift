/// The HTTP/1.1 side of one connection: buffers bytes, frames requests (Content-Length or chunked), enforces the
/// size limits and read deadlines, and answers pipelined requests in order. Pure: it returns actions and the
/// driver (`Connection`) performs them, so every rule here is tested without a socket.
struct HTTP1ConnectionStateMachine {
    enum Action: Equatable {
        /// Nothing to do until more bytes arrive.
        case readMore
        /// Send `HTTP/1.1 100 Continue` (RFC 9110 §10.1.1), then read the body.
        case sendContinue
        /// Run the handler and write its answer; call `responseQueued(now:)` afterwards.
        case dispatch(HTTPRequest, closeAfter: Bool)
        /// Write this error answer, then close (the stream position is no longer trustworthy).
        case respondAndClose(HTTPResponse)
        /// Close without answering (deadline passed, peer gone, or draining and idle).
        case close
    }

    private enum State {
        /// Between requests (`started` is when the first byte of the next one arrived, if any).
        case head(started: ContinuousClock.Instant?)
        case body(HTTP1Head, remaining: Int)
        case chunked(HTTP1Head, ChunkedDecoder)
        /// A request was dispatched; its response is not yet queued.
        case awaitingResponse(closeAfter: Bool)
        case closed
    }

    let limits: ServerLimits
    private var state: State = .head(started: nil)
    private var buffer: [UInt8] = []
    /// Start of unconsumed bytes in `buffer`.
    private var start = 0
    /// Where the search for the end of the head resumes.
    private var scanned = 0
    private var body: [UInt8] = []
    private var lastActivity: ContinuousClock.Instant
    private var continueSent = false
    private(set) var isDraining = false

    init(limits: ServerLimits, now: ContinuousClock.Instant) {
        self.limits = limits
        self.lastActivity = now
    }

    /// True between requests with nothing buffered: safe to close when draining.
    var isIdle: Bool {
        if case .head(started: nil) = state { return start == buffer.count }
        return false
    }

    /// When `deadlinePassed(now:)` must next be called.
    var nextDeadline: ContinuousClock.Instant? {
        switch state {
        case .head(started: nil): lastActivity.advanced(by: limits.idleTimeout)
        case .head(started: let started?): started.advanced(by: limits.headerTimeout)
        case .body, .chunked: lastActivity.advanced(by: limits.bodyStallTimeout)
        case .awaitingResponse, .closed: nil
        }
    }

    mutating func received(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) -> Action {
        guard !bytes.isEmpty else { return .readMore }
        if case .closed = state { return .close }
        lastActivity = now
        var bytes = bytes
        // Body bytes with nothing buffered before them go straight into the body: one copy fewer per byte,
        // which is most of the work for a megabyte review.
        if case .body(let head, let remaining) = state, start == buffer.count {
            let direct = min(remaining, bytes.count)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<direct]))
            bytes = UnsafeRawBufferPointer(rebasing: bytes[direct...])
            if direct == remaining { return dispatch(head, leftover: bytes) }
            state = .body(head, remaining: remaining - direct)
            return continueIfExpected(head)
        }
        buffer.append(contentsOf: bytes)
        if case .head(started: nil) = state { state = .head(started: now) }
        return advance(now: now)
    }

    /// Convenience for tests.
    mutating func received(_ bytes: [UInt8], now: ContinuousClock.Instant) -> Action {
        bytes.withUnsafeBytes { received($0, now: now) }
    }

    /// The dispatched request's response is queued: continue with any pipelined bytes.
    mutating func responseQueued(now: ContinuousClock.Instant) -> Action {
        guard case .awaitingResponse(let closeAfter) = state else { return .readMore }
        if closeAfter {
            state = .closed
            return .close
        }
        lastActivity = now
        compact()
        state = .head(started: start < buffer.count ? now : nil)
        return advance(now: now)
    }

    mutating func deadlinePassed(now: ContinuousClock.Instant) -> Action {
        guard let deadline = nextDeadline, now >= deadline else { return .readMore }
        state = .closed
        return .close
    }

    /// The peer closed its side: nothing more will arrive.
    mutating func peerClosed() -> Action {
        if case .awaitingResponse = state { return .readMore }
        state = .closed
        return .close
    }

    /// Graceful shutdown: close now if idle, else finish the request in progress and close after its answer.
    mutating func beginDraining() -> Action {
        isDraining = true
        if isIdle {
            state = .closed
            return .close
        }
        if case .awaitingResponse = state { state = .awaitingResponse(closeAfter: true) }
        return .readMore
    }

    // MARK: - Framing

    private mutating func advance(now: ContinuousClock.Instant) -> Action {
        while true {
            switch state {
            case .head:
                // RFC 9112 §2.2: ignore empty lines before a request line.
                while start + 1 < buffer.count, buffer[start] == 0x0D, buffer[start + 1] == 0x0A { start += 2 }
                if start == buffer.count {
                    state = .head(started: nil)
                    return .readMore
                }
                guard let end = headEnd() else {
                    // Up to 3 bytes of the final CRLFCRLF may already be here: only a head known to be over the
                    // limit is refused, so the outcome does not depend on how TCP split the bytes.
                    if buffer.count - start - 3 > limits.maxHeaderBytes {
                        return fail(431, "request header section exceeds \(limits.maxHeaderBytes) bytes")
                    }
                    return .readMore
                }
                guard end - start <= limits.maxHeaderBytes else {
                    return fail(431, "request header section exceeds \(limits.maxHeaderBytes) bytes")
                }
                let head: HTTP1Head
                do {
                    head = try HTTP1Head.parse(buffer[start..<end])
                } catch {
                    return fail(error.status, error.reason)
                }
                start = end + 4
                scanned = start
                continueSent = false
                body = []
                switch head.framing {
                case .none:
                    return dispatch(head)
                case .contentLength(let length):
                    guard length <= limits.maxBodyBytes else {
                        return fail(413, "request body of \(length) bytes exceeds \(limits.maxBodyBytes)")
                    }
                    if length == 0 { return dispatch(head) }
                    body.reserveCapacity(length)
                    state = .body(head, remaining: length)
                case .chunked:
                    state = .chunked(head, ChunkedDecoder())
                }
            case .body(let head, let remaining):
                let available = min(remaining, buffer.count - start)
                body.append(contentsOf: buffer[start..<start + available])
                start += available
                if available == remaining { return dispatch(head) }
                state = .body(head, remaining: remaining - available)
                compact()
                return continueIfExpected(head)
            case .chunked(let head, var decoder):
                let result = decoder.decode(buffer, from: &start, into: &body, limits: limits)
                switch result {
                case .needMore:
                    state = .chunked(head, decoder)
                    compact()
                    return continueIfExpected(head)
                case .complete:
                    return dispatch(head)
                case .failed(let status, let reason):
                    return fail(status, reason)
                }
            case .awaitingResponse:
                return .readMore
            case .closed:
                return .close
            }
        }
    }

    private mutating func continueIfExpected(_ head: HTTP1Head) -> Action {
        guard head.expectsContinue, !continueSent else { return .readMore }
        continueSent = true
        return .sendContinue
    }

    /// Completes a body that arrived directly; pipelined bytes after it are kept for the next request.
    private mutating func dispatch(_ head: HTTP1Head, leftover: UnsafeRawBufferPointer) -> Action {
        compact()
        buffer.append(contentsOf: leftover)
        return dispatch(head)
    }

    private mutating func dispatch(_ head: HTTP1Head) -> Action {
        let (path, query) = HTTPRequest.splitTarget(head.target)
        let request = HTTPRequest(
            method: head.method, path: path, query: query, version: head.version, headers: head.headers, body: body)
        body = []
        let closeAfter = !head.keepAlive || isDraining
        state = .awaitingResponse(closeAfter: closeAfter)
        return .dispatch(request, closeAfter: closeAfter)
    }

    private mutating func fail(_ status: Int, _ reason: String) -> Action {
        state = .closed
        buffer = []
        start = 0
        var response = HTTPResponse.error(status, reason)
        response.headers.add(name: "connection", value: "close")
        return .respondAndClose(response)
    }

    /// Finds the CRLFCRLF ending the head, resuming where the last search stopped.
    private mutating func headEnd() -> Int? {
        var index = max(start, scanned - 3)
        let count = buffer.count
        while index + 3 < count {
            if buffer[index + 3] == 0x0A, buffer[index + 2] == 0x0D, buffer[index + 1] == 0x0A, buffer[index] == 0x0D {
                return index
            }
            index += 1
        }
        scanned = max(start, count)
        return nil
    }

    /// Drops consumed bytes once they dominate the buffer, so a long pipelined stream does not grow it.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            scanned = 0
            start = 0
        } else if start > 64 * 1024 {
            buffer.removeFirst(start)
            scanned = max(0, scanned - start)
            start = 0
        }
    }
}
