import Foundation
import Glibc
import Synchronization

/// What a Kubernetes Service does for the webhook: kube-apiserver calls the Service's address and gets one ready
/// pod. A TCP forwarder on 127.0.0.1 hands each new connection to the next backend in round-robin order (as
/// kube-proxy balances connections, not requests), skipping a backend that refuses the connection; bytes are
/// copied both ways untouched, so TLS runs end to end between kube-sim and the replica. `setBackends` follows the
/// replicas' readiness, as an EndpointSlice does. One thread accepts; one thread per connection copies.
/// Thread-safe (one mutex).
final class ServiceForwarder: Sendable {
    private struct State {
        var backends: [Int] = []
        var next = 0
        var open: Set<Int32> = []
        var stopped = false
        var forwarded = 0
        var refused = 0
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex(State())

    init() throws(SoakError) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw .setup("forwarder: socket failed, errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket, 128) == 0 else {
            close(socket)
            throw .setup("forwarder: cannot listen on 127.0.0.1, errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        listener = socket
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "soak-forwarder"
        thread.start()
    }

    /// The ports of the ready replicas' webhook listeners.
    func setBackends(_ ports: [Int]) { state.withLock { $0.backends = ports } }

    /// Connections handed to a backend, and connection attempts a backend refused.
    var counts: (forwarded: Int, refused: Int) { state.withLock { ($0.forwarded, $0.refused) } }

    /// Stops accepting and closes every connection.
    func stop() {
        let open = state.withLock { state in
            state.stopped = true
            return state.open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for socket in open { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            guard let upstream = connectToBackend() else {
                close(client)
                continue
            }
            let stopped = state.withLock { state in
                state.open.formUnion([client, upstream])
                return state.stopped
            }
            if stopped {
                close(client)
                close(upstream)
                return
            }
            // As kube-proxy's forwarding does not delay segments, neither does this: without TCP_NODELAY a relayed
            // TLS record split in two waits for the receiver's delayed ACK (~40 ms) before its second half goes.
            for socket in [client, upstream] { Self.noDelay(socket) }
            let thread = Thread { [self] in pump(client, upstream) }
            thread.stackSize = 256 << 10
            thread.start()
        }
    }

    /// Tries each backend once, starting at the next in turn; nil when none accepts.
    private func connectToBackend() -> Int32? {
        let (backends, start) = state.withLock { state in
            defer { state.next &+= 1 }
            return (state.backends, state.next)
        }
        guard !backends.isEmpty else { return nil }
        for offset in 0..<backends.count {
            let port = backends[(start + offset) % backends.count]
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { return nil }
            var address = Self.loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if connected == 0 {
                state.withLock { $0.forwarded += 1 }
                return socket
            }
            close(socket)
            state.withLock { $0.refused += 1 }
        }
        return nil
    }

    /// Copies bytes both ways until either side closes, then closes both.
    private func pump(_ a: Int32, _ b: Int32) {
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 32 << 10)
        loop: while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, 1_000)
            if ready < 0 && errno != EINTR { break }
            if state.withLock({ $0.stopped }) { break }
            for (from, to) in [(0, 1), (1, 0)] where fds[from].revents != 0 {
                let count = read(fds[from].fd, &buffer, buffer.count)
                if count <= 0 { break loop }
                var sent = 0
                while sent < count {
                    let written = buffer.withUnsafeBytes { write(fds[to].fd, $0.baseAddress! + sent, count - sent) }
                    if written <= 0 { break loop }
                    sent += written
                }
            }
        }
        state.withLock { state in
            state.open.remove(a)
            state.open.remove(b)
        }
        close(a)
        close(b)
    }

    private static func noDelay(_ socket: Int32) {
        var yes: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
