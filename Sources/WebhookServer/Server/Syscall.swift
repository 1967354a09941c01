internal import CLinux
import Glibc

/// The one place that retries EINTR, and the socket set-up calls the server needs. A failing call becomes a
/// `ServerError.system` naming the call and errno's text.
enum Syscall {
    /// Runs `call` until it does not fail with EINTR; returns its result (-1 with errno set on failure).
    @inline(__always)
    static func retryingInterrupts<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    static func check<T: BinaryInteger>(_ what: String, _ call: () -> T) throws(ServerError) -> T {
        let result = retryingInterrupts(call)
        if result == -1 { throw .system(call: what, reason: String(cString: strerror(errno))) }
        return result
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32 = 1) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    static func close(_ fd: Int32) {
        // close(2) must not be retried on EINTR on Linux: the descriptor is released either way.
        _ = Glibc.close(fd)
    }
}

/// Errors setting up or running a listener.
public enum ServerError: Error, Equatable, CustomStringConvertible {
    case invalidAddress(String, reason: String)
    case system(call: String, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let address, let reason): "invalid listen address \"\(address)\": \(reason)"
        case .system(let call, let reason): "\(call) failed: \(reason)"
        }
    }
}
