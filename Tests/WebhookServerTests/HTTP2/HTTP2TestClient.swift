internal import CNghttp2

@testable import WebhookServer

/// An in-process nghttp2 client session, the independent peer of `HTTP2Session` in unit tests. No sockets:
/// `exchange(with:)` pumps bytes between the two until neither has anything to send. Not thread-safe.
final class HTTP2TestClient {
    struct Response {
        var status: Int?
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        /// The error code of the stream's close (0 is NO_ERROR); nil while the stream is open.
        var closeCode: UInt32?

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    private let session: OpaquePointer
    private(set) var responses: [Int32: Response] = [:]
    private var requestBodies: [Int32: (bytes: [UInt8], offset: Int)] = [:]
    /// The error code of the server's GOAWAY, once one arrives.
    private(set) var goAwayCode: UInt32?
    var receivedGoAway: Bool { goAwayCode != nil }

    init() {
        var callbacks: OpaquePointer?
        precondition(nghttp2_session_callbacks_new(&callbacks) == 0, "nghttp2 callbacks allocation")
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks, clientOnHeader)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, clientOnData)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, clientOnClose)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, clientOnFrame)
        // Lets tests send header blocks past nghttp2's 64 KiB default, to probe the server's limits.
        var option: OpaquePointer?
        precondition(nghttp2_option_new(&option) == 0, "nghttp2 option allocation")
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_max_send_header_block_length(option, 1 << 20)
        var created: OpaquePointer?
        precondition(nghttp2_session_client_new2(&created, callbacks, nil, option) == 0, "nghttp2 client session")
        session = created!
        nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())
        precondition(nghttp2_submit_settings(session, 0, nil, 0) == 0, "client SETTINGS")
    }

    deinit { nghttp2_session_del(session) }

    /// Queues a request and returns its stream id. `body` is sent as DATA frames, END_STREAM on the last one.
    @discardableResult
    func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) -> Int32 {
        let fields =
            [(":method", method), (":scheme", "https"), (":authority", "localhost"), (":path", target)]
            + headers
        let parts = fields.flatMap { [Array($0.0.utf8), Array($0.1.utf8)] }
        let pointers = parts.map { part -> UnsafeMutablePointer<UInt8> in
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(part.count, 1))
            copy.initialize(from: part, count: part.count)
            return copy
        }
        defer { for pointer in pointers { pointer.deallocate() } }
        let nva = stride(from: 0, to: parts.count, by: 2).map { index in
            nghttp2_nv(
                name: pointers[index], value: pointers[index + 1], namelen: parts[index].count,
                valuelen: parts[index + 1].count, flags: 0)
        }
        let id: Int32
        if let body {
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: clientReadBody)
            id = nghttp2_submit_request(session, nil, nva, nva.count, &provider, nil)
            if id > 0 { requestBodies[id] = (body, 0) }
        } else {
            id = nghttp2_submit_request(session, nil, nva, nva.count, nil, nil)
        }
        precondition(id > 0, "nghttp2_submit_request failed: \(id)")
        responses[id] = Response()
        return id
    }

    /// Cancels a stream (RST_STREAM CANCEL), as a client that gave up would.
    func reset(_ id: Int32) {
        precondition(nghttp2_submit_rst_stream(session, 0, id, NGHTTP2_CANCEL.rawValue) == 0, "client RST_STREAM")
    }

    /// What the client wants to send now.
    func takeOutput() -> [UInt8] {
        var output: [UInt8] = []
        while true {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            guard count > 0, let chunk else { break }
            output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: count))
        }
        return output
    }

    /// Feeds server bytes; false on a fatal client-side error.
    func receive(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { nghttp2_session_mem_recv(session, $0.baseAddress, $0.count) >= 0 }
    }

    /// Pumps bytes both ways until both sides are quiet (bounded, so a livelock fails instead of hanging).
    /// Returns false if the server's `receive` reported a fatal error.
    @discardableResult
    func exchange(with server: HTTP2Session, rounds: Int = 10_000) -> Bool {
        for _ in 0..<rounds {
            let toServer = takeOutput()
            if !toServer.isEmpty {
                guard toServer.withUnsafeBytes({ server.receive($0) }) else { return false }
            }
            let toClient = server.takeOutput()
            if !toClient.isEmpty { _ = receive(toClient) }
            if toServer.isEmpty && toClient.isEmpty { return true }
        }
        return true
    }

    fileprivate func headerReceived(_ id: Int32, name: String, value: String) {
        if name == ":status" {
            responses[id, default: Response()].status = Int(value)
        } else {
            responses[id, default: Response()].headers.append((name, value))
        }
    }

    fileprivate func dataReceived(_ id: Int32, _ data: UnsafeBufferPointer<UInt8>) {
        responses[id, default: Response()].body.append(contentsOf: data)
    }

    fileprivate func closed(_ id: Int32, code: UInt32) {
        responses[id, default: Response()].closeCode = code
        requestBodies[id] = nil
    }

    fileprivate func goAwayReceived(code: UInt32) { goAwayCode = code }

    fileprivate func readBody(
        _ id: Int32, into buffer: UnsafeMutablePointer<UInt8>, length: Int, flags: inout UInt32
    )
        -> Int
    {
        guard let pending = requestBodies[id] else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        let count = min(length, pending.bytes.count - pending.offset)
        pending.bytes.withUnsafeBufferPointer { bytes in
            if count > 0, let base = bytes.baseAddress { buffer.update(from: base + pending.offset, count: count) }
        }
        requestBodies[id]?.offset += count
        if pending.offset + count == pending.bytes.count { flags |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        return count
    }
}

private func client(_ userData: UnsafeMutableRawPointer?) -> HTTP2TestClient? {
    userData.map { Unmanaged<HTTP2TestClient>.fromOpaque($0).takeUnretainedValue() }
}

private func clientOnHeader(
    _: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ name: UnsafePointer<UInt8>?, _ nameLength: Int,
    _ value: UnsafePointer<UInt8>?, _ valueLength: Int, _: UInt8, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let name, let value, let owner = client(userData) else { return 0 }
    owner.headerReceived(
        frame.pointee.hd.stream_id,
        name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
        value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self))
    return 0
}

private func clientOnData(
    _: OpaquePointer?, _: UInt8, _ id: Int32, _ data: UnsafePointer<UInt8>?, _ length: Int,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let data, let owner = client(userData) else { return 0 }
    owner.dataReceived(id, UnsafeBufferPointer(start: data, count: length))
    return 0
}

private func clientOnClose(
    _: OpaquePointer?, _ id: Int32, _ code: UInt32, _ userData: UnsafeMutableRawPointer?
)
    -> Int32
{
    client(userData)?.closed(id, code: code)
    return 0
}

private func clientOnFrame(
    _: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let owner = client(userData) else { return 0 }
    if frame.pointee.hd.type == UInt8(NGHTTP2_GOAWAY.rawValue) {
        owner.goAwayReceived(code: frame.pointee.goaway.error_code)
    }
    return 0
}

private func clientReadBody(
    _: OpaquePointer?, _ id: Int32, _ buffer: UnsafeMutablePointer<UInt8>?, _ length: Int,
    _ flags: UnsafeMutablePointer<UInt32>?, _: UnsafeMutablePointer<nghttp2_data_source>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let flags, let owner = client(userData) else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
    return owner.readBody(id, into: buffer, length: length, flags: &flags.pointee)
}
