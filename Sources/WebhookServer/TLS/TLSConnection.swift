internal import COpenSSL
import Glibc

/// The outcome of one non-blocking TLS operation. WANT_READ/WANT_WRITE are ordinary cases, not errors.
enum TLSIOResult: Equatable {
    case done(Int)
    case wantRead
    case wantWrite
    /// The peer closed (close_notify or EOF).
    case closed
    case failed(String)
}

/// Owns one `SSL` on a non-blocking socket. The socket itself is owned by the connection driver.
/// One event-loop thread uses it at a time.
final class TLSConnection {
    private let ssl: OpaquePointer

    init(ssl: OpaquePointer) { self.ssl = ssl }
    deinit { SSL_free(ssl) }

    func handshake() -> TLSIOResult {
        let result = SSL_do_handshake(ssl)
        return result == 1 ? .done(0) : classify(result)
    }

    /// The ALPN protocol agreed in the handshake, e.g. "h2", or nil.
    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        var count = 0
        let result = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count)
        return result == 1 ? .done(count) : classify(result)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        guard bytes.count > 0 else { return .done(0) }
        var count = 0
        let result = SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &count)
        return result == 1 ? .done(count) : classify(result)
    }

    /// Sends close_notify once, without waiting for the peer's.
    func shutdown() {
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    private func classify(_ result: Int32) -> TLSIOResult {
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let reason = errno == 0 ? "unexpected EOF" : String(cString: strerror(errno))
            let detail = OpenSSLErrors.drain()
            return errno == 0 || errno == ECONNRESET || errno == EPIPE
                ? .closed : .failed(reason + (detail.hasPrefix("unknown") ? "" : ": \(detail)"))
        default:
            return .failed(OpenSSLErrors.drain())
        }
    }
}

@available(*, unavailable) extension TLSConnection: Sendable {}
