internal import CNghttp2

/// Owns one nghttp2 server session. Not thread-safe: one connection's event-loop thread uses it.
///
/// Socket-free: the connection driver feeds decrypted bytes to `receive(_:)` and writes whatever
/// `takeOutput()` returns. Requests are buffered per stream and handed to `handler` synchronously once
/// their END_STREAM arrives; the response is queued at once and serialised by the next `takeOutput()`.
final class HTTP2Session {
    /// RFC 9113 §6.9.2 starts every stream at 64 KiB; a 4 MiB admission review would then wait a round trip
    /// per 64 KiB. 1 MiB per stream lets a max-size body arrive in a few windows.
    static let streamWindowSize: Int32 = 1 << 20
    /// The connection window is shared by all streams, so it is larger than one stream's. nghttp2 sends
    /// WINDOW_UPDATE by itself as received DATA is consumed, so this is a throughput knob, not a cap.
    static let connectionWindowSize: Int32 = 8 << 20
    /// Connection-specific fields are forbidden in HTTP/2 (RFC 9113 §8.2.2); `content-length` is set by us.
    static let droppedResponseFields: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length",
    ]

    private let session: OpaquePointer
    private let handler: any HTTPHandler
    private let limits: ServerLimits
    private let observer: any ServerObserver
    private let clock = ContinuousClock()
    private var streams: [Int32: HTTP2StreamState] = [:]
    /// Request body bytes held across unanswered streams (bounded by `limits.maxBufferedBodyBytesPerConnection`).
    private(set) var bufferedBodyBytes = 0
    /// The first fatal error; once set the session is finished and reads nothing more.
    private(set) var failure: HTTP2Error?

    init(handler: any HTTPHandler, limits: ServerLimits, observer: any ServerObserver) throws(HTTP2Error) {
        self.handler = handler
        self.limits = limits
        self.observer = observer

        var callbacks: OpaquePointer?
        var rv = nghttp2_session_callbacks_new(&callbacks)
        guard rv == 0, let callbacks else { throw .library(step: "nghttp2_session_callbacks_new", rv) }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSent)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)

        // The session never outlives self (deleted in deinit), so user_data holds self unretained.
        var created: OpaquePointer?
        rv = nghttp2_session_server_new(&created, callbacks, nil)
        guard rv == 0, let created else { throw .library(step: "nghttp2_session_server_new", rv) }
        session = created
        nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())

        var settings = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: UInt32(clamping: limits.maxConcurrentStreams)),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: UInt32(clamping: limits.maxHeaderBytes)),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(Self.streamWindowSize)),
        ]
        rv = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        guard rv == 0 else { throw .library(step: "nghttp2_submit_settings", rv) }
        rv = nghttp2_session_set_local_window_size(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Self.connectionWindowSize)
        guard rv == 0 else { throw .library(step: "nghttp2_session_set_local_window_size", rv) }
    }

    deinit {
        // nghttp2_session_del invokes no callbacks, so it cannot reach self while it is being torn down.
        nghttp2_session_del(session)
    }

    /// Feeds bytes received from the peer (after TLS). Runs `handler` synchronously for every request
    /// whose END_STREAM arrived, and queues its response. Returns false when the session hit a fatal
    /// protocol error (the driver then flushes `takeOutput()` and closes).
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard failure == nil else { return false }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        let consumed = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        guard consumed >= 0 else {
            let code = Int32(truncatingIfNeeded: consumed)
            failure = .receiveFailed(code: code, reason: HTTP2Error.reason(code))
            // RFC 9113 §3.4/§5.4.1: a connection error is answered with GOAWAY(PROTOCOL_ERROR) where possible.
            // Best effort: the driver closes either way, so a failure to queue it changes nothing.
            _ = nghttp2_session_terminate_session(session, NGHTTP2_PROTOCOL_ERROR.rawValue)
            return false
        }
        return true
    }

    /// Everything nghttp2 wants to send now (server SETTINGS first, responses, GOAWAY...), or [] if none.
    func takeOutput() -> [UInt8] {
        var output: [UInt8] = []
        while true {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            if count < 0 {
                let code = Int32(truncatingIfNeeded: count)
                if failure == nil { failure = .sendFailed(code: code, reason: HTTP2Error.reason(code)) }
                break
            }
            guard count > 0, let chunk else { break }
            output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: count))
        }
        return output
    }

    /// Graceful stop: GOAWAY with the last processed stream id; streams already open still finish
    /// (RFC 9113 §6.8). nghttp2 ignores streams the peer opens after it.
    func goAway() {
        let lastStream = nghttp2_session_get_last_proc_stream_id(session)
        let rv = nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStream, NGHTTP2_NO_ERROR.rawValue, nil, 0)
        if rv != 0, failure == nil, nghttp2_is_fatal(rv) != 0 {
            failure = .sendFailed(code: rv, reason: HTTP2Error.reason(rv))
        }
    }

    /// True when nghttp2 wants neither to read nor to write (after GOAWAY, all done): the driver closes.
    var isFinished: Bool {
        failure != nil || (nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0)
    }

    /// True while a stream has started (headers received) and its response is not fully queued.
    var hasOpenStreams: Bool {
        streams.values.contains { !$0.isResponseQueued }
    }

    /// Streams whose state is still held; tests use it to check that closing a stream frees its buffers.
    var trackedStreamCount: Int { streams.count }

    // MARK: - Events from the thunks below (all run inside nghttp2_session_mem_recv / mem_send)

    fileprivate func streamStarted(_ id: Int32) {
        streams[id] = HTTP2StreamState(startedAt: clock.now)
    }

    fileprivate func fieldReceived(_ id: Int32, name: String, value: String, byteCount: Int) {
        streams[id]?.receivedField(
            name: name, value: value, byteCount: byteCount, maxHeaderBytes: limits.maxHeaderBytes)
    }

    /// Returns an nghttp2 status code for the callback.
    fileprivate func dataReceived(_ id: Int32, _ chunk: UnsafeRawBufferPointer) -> Int32 {
        // Scalars only: a copy of the stream state held across the append would make it copy the whole body.
        guard streams[id]?.rejection == nil, streams[id]?.isAnswered == false else { return 0 }
        let before = streams[id]?.body.count ?? 0
        if bufferedBodyBytes + chunk.count > limits.maxBufferedBodyBytesPerConnection {
            bufferedBodyBytes -= before
            streams[id]?.rejectForConnectionBudget()
            return answer(id)
        }
        let rejected = streams[id]?.receivedData(chunk, maxBodyBytes: limits.maxBodyBytes) == true
        bufferedBodyBytes += (streams[id]?.body.count ?? 0) - before
        guard rejected else { return 0 }
        // Answer 413 now instead of buffering the rest; the stream is reset once the answer is out.
        return answer(id)
    }

    fileprivate func headersReceived(_ id: Int32, endStream: Bool) -> Int32 {
        streams[id]?.receivedEndOfHeaders(maxBodyBytes: limits.maxBodyBytes)
        guard let state = streams[id] else { return 0 }
        if endStream || state.rejection != nil { return answer(id) }
        return 0
    }

    fileprivate func endStreamReceived(_ id: Int32) -> Int32 {
        answer(id)
    }

    /// After the last frame of a rejected stream's answer: the peer may still be sending a body we do not
    /// want, so reset the stream with NO_ERROR (RFC 9113 §8.1: a complete response before the request ends).
    fileprivate func responseEnded(_ id: Int32) -> Int32 {
        guard streams[id]?.rejection != nil, nghttp2_session_get_stream_remote_close(session, id) == 0 else {
            return 0
        }
        let rv = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_NO_ERROR.rawValue)
        return nghttp2_is_fatal(rv) != 0 ? NGHTTP2_ERR_CALLBACK_FAILURE.rawValue : 0
    }

    fileprivate func streamClosed(_ id: Int32) {
        if let state = streams.removeValue(forKey: id) { bufferedBodyBytes -= state.body.count }
    }

    /// Copies the next part of a response body into nghttp2's frame buffer; sets EOF at the end.
    fileprivate func readResponseBody(
        _ id: Int32, into buffer: UnsafeMutableRawBufferPointer, flags: inout UInt32
    )
        -> Int
    {
        guard let state = streams[id] else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        let count = min(buffer.count, state.responseBody.count - state.responseOffset)
        if count > 0 {
            state.responseBody.withUnsafeBytes { body in
                buffer.copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: body[state.responseOffset..<state.responseOffset + count]))
            }
        }
        streams[id]?.responseOffset += count
        if state.responseOffset + count == state.responseBody.count {
            flags |= NGHTTP2_DATA_FLAG_EOF.rawValue
            streams[id]?.isResponseQueued = true
            streams[id]?.responseBody = []
        }
        return count
    }

    /// Runs the handler (or builds the rejection) for a stream and submits the response, once per stream.
    private func answer(_ id: Int32) -> Int32 {
        guard let state = streams[id], !state.isAnswered else { return 0 }
        streams[id]?.isAnswered = true
        let method = state.method ?? ""
        let response: HTTPResponse
        if let rejection = state.rejectionResponse(limits: limits) {
            response = rejection
        } else if let request = state.request(body: streams[id]?.takeBody() ?? []) {
            bufferedBodyBytes -= request.body.count
            response = handler.handle(request)
            // Fault injection: fail the session, so the connection closes with no answer on any stream.
            if response.isDropConnection { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
        } else {
            response = .error(400, "request lacks :method or :path")
        }
        // RFC 9110 §9.3.2: a HEAD response carries the GET headers (content-length included) but no body.
        let sendsBody = method != "HEAD" && !response.body.isEmpty
        streams[id]?.responseBody = sendsBody ? response.body : []
        streams[id]?.isResponseQueued = !sendsBody
        let rv = submit(response, on: id, sendsBody: sendsBody)
        observer.requestCompleted(
            method: method, path: state.pathForMetrics, status: response.status, version: .http2,
            duration: clock.now - state.startedAt)
        if rv == 0 { return 0 }
        if nghttp2_is_fatal(rv) != 0 { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
        // The stream is gone or already answered at the protocol level; reset it so the peer is not left waiting.
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_INTERNAL_ERROR.rawValue)
        return 0
    }

    private func submit(_ response: HTTPResponse, on id: Int32, sendsBody: Bool) -> Int32 {
        var fields: [(String, String)] = [(":status", String(response.status))]
        for field in response.headers where !Self.droppedResponseFields.contains(field.name) {
            fields.append((field.name, field.value))
        }
        fields.append(("content-length", String(response.body.count)))
        return withHeaderFields(fields) { nva in
            guard sendsBody else {
                return nghttp2_submit_response(session, id, nva.baseAddress, nva.count, nil)
            }
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: readBody)
            return nghttp2_submit_response(session, id, nva.baseAddress, nva.count, &provider)
        }
    }
}

// Tied to the thread of the connection that owns it (see the type's header).
@available(*, unavailable) extension HTTP2Session: Sendable {}

extension HTTP2Error {
    fileprivate static func library(step: String, _ code: Int32) -> HTTP2Error {
        .setupFailed(step: step, code: code, reason: reason(code))
    }

    fileprivate static func reason(_ code: Int32) -> String {
        String(cString: nghttp2_strerror(code))
    }
}

/// Lays out header fields as nghttp2_nv in one contiguous buffer for the duration of `body`;
/// nghttp2 copies names and values while submitting, so nothing outlives the call.
private func withHeaderFields(
    _ fields: [(String, String)], _ body: (UnsafeBufferPointer<nghttp2_nv>) -> Int32
) -> Int32 {
    var storage: [UInt8] = []
    var spans: [(name: Range<Int>, value: Range<Int>)] = []
    for (name, value) in fields {
        let nameStart = storage.count
        storage.append(contentsOf: name.utf8)
        let valueStart = storage.count
        storage.append(contentsOf: value.utf8)
        spans.append((nameStart..<valueStart, valueStart..<storage.count))
    }
    storage.append(0)  // never empty, so baseAddress is non-nil
    return storage.withUnsafeMutableBufferPointer { bytes in
        guard let base = bytes.baseAddress else { return NGHTTP2_ERR_NOMEM.rawValue }
        let nva = spans.map { span in
            nghttp2_nv(
                name: base + span.name.lowerBound, value: base + span.value.lowerBound,
                namelen: span.name.count, valuelen: span.value.count, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
        }
        return nva.withUnsafeBufferPointer(body)
    }
}

// MARK: - C callbacks. Each checks its pointers, recovers the session from user_data and returns
// nghttp2's status code; none throws, blocks or logs.

private func session(from userData: UnsafeMutableRawPointer?) -> HTTP2Session? {
    userData.map { Unmanaged<HTTP2Session>.fromOpaque($0).takeUnretainedValue() }
}

private func isRequestHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Bool {
    frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue)
        && frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST
}

private func hasEndStream(_ frame: UnsafePointer<nghttp2_frame>) -> Bool {
    frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
}

private func onBeginHeaders(
    _: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = session(from: userData) else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
    if isRequestHeaders(frame) { owner.streamStarted(frame.pointee.hd.stream_id) }
    return 0
}

private func onHeader(
    _: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ name: UnsafePointer<UInt8>?, _ nameLength: Int,
    _ value: UnsafePointer<UInt8>?, _ valueLength: Int, _: UInt8, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = session(from: userData) else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
    // Trailers are not passed to handlers; nghttp2 has validated them.
    guard isRequestHeaders(frame) else { return 0 }
    let nameString = String(
        decoding: UnsafeBufferPointer(start: name, count: name == nil ? 0 : nameLength), as: UTF8.self)
    let valueString = String(
        decoding: UnsafeBufferPointer(start: value, count: value == nil ? 0 : valueLength), as: UTF8.self)
    owner.fieldReceived(
        frame.pointee.hd.stream_id, name: nameString, value: valueString, byteCount: nameLength + valueLength)
    return 0
}

private func onDataChunk(
    _: OpaquePointer?, _: UInt8, _ streamID: Int32, _ data: UnsafePointer<UInt8>?, _ length: Int,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let owner = session(from: userData) else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
    guard let data, length > 0 else { return 0 }
    return owner.dataReceived(streamID, UnsafeRawBufferPointer(start: data, count: length))
}

private func onFrameReceived(
    _: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = session(from: userData) else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
    let id = frame.pointee.hd.stream_id
    if isRequestHeaders(frame) { return owner.headersReceived(id, endStream: hasEndStream(frame)) }
    let type = frame.pointee.hd.type
    let carriesStream = type == UInt8(NGHTTP2_DATA.rawValue) || type == UInt8(NGHTTP2_HEADERS.rawValue)
    if carriesStream && hasEndStream(frame) { return owner.endStreamReceived(id) }
    return 0
}

private func onFrameSent(
    _: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = session(from: userData) else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
    let type = frame.pointee.hd.type
    let carriesStream = type == UInt8(NGHTTP2_DATA.rawValue) || type == UInt8(NGHTTP2_HEADERS.rawValue)
    guard carriesStream && hasEndStream(frame) else { return 0 }
    return owner.responseEnded(frame.pointee.hd.stream_id)
}

private func onStreamClose(
    _: OpaquePointer?, _ streamID: Int32, _: UInt32, _ userData: UnsafeMutableRawPointer?
)
    -> Int32
{
    guard let owner = session(from: userData) else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
    owner.streamClosed(streamID)
    return 0
}

private func readBody(
    _: OpaquePointer?, _ streamID: Int32, _ buffer: UnsafeMutablePointer<UInt8>?, _ length: Int,
    _ flags: UnsafeMutablePointer<UInt32>?, _: UnsafeMutablePointer<nghttp2_data_source>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let flags, let owner = session(from: userData) else {
        return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
    }
    return owner.readResponseBody(
        streamID, into: UnsafeMutableRawBufferPointer(start: buffer, count: length), flags: &flags.pointee)
}
