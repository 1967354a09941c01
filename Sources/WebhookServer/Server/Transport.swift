internal import CLinux
import Glibc

/// The byte stream under a connection: TLS over the socket, or the plain socket (metrics listener).
/// Results use `TLSIOResult`'s cases for both so the driver has one vocabulary.
enum Transport {
    case tls(TLSConnection)
    case plain

    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        switch self {
        case .tls(let connection): return connection.read(into: buffer)
        case .plain:
            let count = Syscall.retryingInterrupts { Glibc.read(fd, buffer.baseAddress, buffer.count) }
            if count > 0 { return .done(count) }
            if count == 0 { return .closed }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .wantRead }
            if errno == ECONNRESET { return .closed }
            return .failed(String(cString: strerror(errno)))
        }
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        switch self {
        case .tls(let connection): return connection.write(bytes)
        case .plain:
            let count = Syscall.retryingInterrupts { send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
            if count >= 0 { return .done(count) }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .wantWrite }
            if errno == EPIPE || errno == ECONNRESET { return .closed }
            return .failed(String(cString: strerror(errno)))
        }
    }
}
