/// What one HTTP/2 request stream has received so far, and what the session owes it. Owned by
/// `HTTP2Session` (one entry per open stream, dropped on stream close); pure bookkeeping, no nghttp2 types,
/// not thread-safe.
struct HTTP2StreamState {
    /// Why the stream is answered with an error instead of reaching the handler.
    enum Rejection: Equatable {
        case headersTooLarge
        case bodyTooLarge
        case connectionBudgetExceeded
    }

    /// RFC 7541 §4.1: a header field's size is its name and value lengths plus 32 bytes of overhead.
    /// SETTINGS_MAX_HEADER_LIST_SIZE is defined with the same arithmetic (RFC 9113 §6.5.2).
    static let fieldOverhead = 32

    let startedAt: ContinuousClock.Instant
    private(set) var method: String?
    private(set) var target: String?
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    private(set) var headerBytes = 0
    private(set) var rejection: Rejection?
    /// Set once a response is handed to nghttp2; later events for the stream (more DATA, END_STREAM) are ignored.
    var isAnswered = false
    /// The response body the data provider copies from, and how much of it nghttp2 already took.
    var responseBody: [UInt8] = []
    var responseOffset = 0
    /// True once the data provider has reported EOF (or there was no body): nothing more to queue.
    var isResponseQueued = false

    init(startedAt: ContinuousClock.Instant) {
        self.startedAt = startedAt
    }

    /// Records one request header field. Past `maxHeaderBytes` the fields are no longer kept, only counted:
    /// nghttp2 must still decode them to keep the HPACK table in step with the peer.
    mutating func receivedField(name: String, value: String, byteCount: Int, maxHeaderBytes: Int) {
        headerBytes += byteCount + Self.fieldOverhead
        if headerBytes > maxHeaderBytes {
            if rejection == nil { rejection = .headersTooLarge }
            headers = HTTPHeaders()
            return
        }
        guard rejection == nil else { return }
        switch name {
        case ":method": method = value
        case ":path": target = value
        // :scheme and :authority: nghttp2 has validated them and handlers route on the path alone.
        case _ where name.hasPrefix(":"): break
        default: headers.add(name: name, value: value)
        }
    }

    /// At the end of the header block: a declared `content-length` over the limit is refused before any DATA.
    mutating func receivedEndOfHeaders(maxBodyBytes: Int) {
        guard rejection == nil, let declared = headers["content-length"].flatMap({ Int($0) }) else { return }
        if declared > maxBodyBytes { rejection = .bodyTooLarge }
    }

    /// Appends a DATA chunk unless it takes the body over `maxBodyBytes`; then the body is dropped and the
    /// stream rejected. Returns true when this chunk caused the rejection (the caller answers 413 now).
    mutating func receivedData(_ chunk: UnsafeRawBufferPointer, maxBodyBytes: Int) -> Bool {
        guard rejection == nil, !isAnswered else { return false }
        if body.count + chunk.count > maxBodyBytes {
            rejection = .bodyTooLarge
            body = []
            return true
        }
        body.append(contentsOf: chunk)
        return false
    }

    /// Rejects the stream because the connection buffers too much already; drops what it buffered.
    mutating func rejectForConnectionBudget() {
        guard rejection == nil else { return }
        rejection = .connectionBudgetExceeded
        body = []
    }

    /// Hands the buffered body over (to the request), so the stream no longer holds it.
    mutating func takeBody() -> [UInt8] {
        defer { body = [] }
        return body
    }

    /// The request as a handler sees it; nil when the stream was rejected or lacks :method/:path
    /// (nghttp2 validates pseudo-headers, so the latter does not happen in practice).
    func request(body: [UInt8]) -> HTTPRequest? {
        guard rejection == nil, let method, let target else { return nil }
        let (path, query) = HTTPRequest.splitTarget(target)
        return HTTPRequest(method: method, path: path, query: query, version: .http2, headers: headers, body: body)
    }

    /// The error response for a rejected stream.
    func rejectionResponse(limits: ServerLimits) -> HTTPResponse? {
        switch rejection {
        case .headersTooLarge: .error(431, "request header fields exceed \(limits.maxHeaderBytes) bytes")
        case .bodyTooLarge: .error(413, "request body exceeds \(limits.maxBodyBytes) bytes")
        case .connectionBudgetExceeded:
            .error(
                503,
                "this connection buffers \(limits.maxBufferedBodyBytesPerConnection) bytes of bodies already; retry")
        case nil: nil
        }
    }

    /// The path reported to the observer, without the query.
    var pathForMetrics: String {
        target.map { HTTPRequest.splitTarget($0).path } ?? ""
    }
}
