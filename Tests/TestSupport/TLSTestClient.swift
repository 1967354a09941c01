import COpenSSL
import Foundation
import Glibc

/// A blocking TLS (or plain) client over loopback for tests that need byte-level control: slow senders, smuggling
/// shapes, half-sent bodies. Not verified against the CA: these tests are about framing, not trust.
public final class TLSTestClient {
    public let fd: Int32
    private var context: OpaquePointer?
    private var ssl: OpaquePointer?
    public private(set) var negotiatedProtocol: String?

    public enum Failure: Error, CustomStringConvertible {
        case connect(String), handshake(String), io(String)
        public var description: String {
            switch self {
            case .connect(let s): "connect: \(s)"
            case .handshake(let s): "handshake: \(s)"
            case .io(let s): "io: \(s)"
            }
        }
    }

    /// Connects to 127.0.0.1:`port`; `tls: false` gives a plain TCP client. `alpn` e.g. ["http/1.1"].
    public init(port: Int, tls: Bool = true, alpn: [String] = ["http/1.1"], receiveTimeout: Double = 15) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw Failure.connect(reason)
        }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout.truncatingRemainder(dividingBy: 1)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard tls else { return }
        context = SSL_CTX_new(TLS_client_method())
        ssl = SSL_new(context)
        SSL_set_fd(ssl, fd)
        var wire: [UInt8] = []
        for name in alpn { wire.append(UInt8(name.utf8.count)); wire += Array(name.utf8) }
        if !wire.isEmpty { SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) }
        guard SSL_connect(ssl) == 1 else {
            let code = ERR_get_error()
            throw Failure.handshake(code == 0 ? "failed" : String(cString: ERR_error_string(code, nil)))
        }
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        if let data, length > 0 {
            negotiatedProtocol = String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
        }
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        if let context { SSL_CTX_free(context) }
        Glibc.close(fd)
    }

    /// The certificate's subject common name the server presented.
    public var peerCommonName: String? {
        guard let ssl, let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        var buffer = [CChar](repeating: 0, count: 256)
        X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, &buffer, 256)
        return String(cString: buffer)
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written: Int = bytes[offset...].withUnsafeBytes { raw in
                if let ssl { return Int(SSL_write(ssl, raw.baseAddress, Int32(raw.count))) }
                return Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure.io("write failed") }
            offset += written
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads whatever arrives next; [] means the peer closed (or the receive timeout passed: see `readAll`).
    public func receive(max: Int = 65536) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        let count: Int = buffer.withUnsafeMutableBytes { raw in
            if let ssl { return Int(SSL_read(ssl, raw.baseAddress, Int32(raw.count))) }
            return Glibc.recv(fd, raw.baseAddress, raw.count, 0)
        }
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    /// Reads until the peer closes or the receive timeout passes; returns the bytes and whether it closed.
    public func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        var all: [UInt8] = []
        while true {
            errno = 0
            let chunk = receive()
            if chunk.isEmpty { return (all, errno != EAGAIN && errno != EWOULDBLOCK) }
            all += chunk
        }
    }

    /// Reads one HTTP/1.1 response (head + Content-Length body).
    public func readResponse() throws -> (status: Int, headers: [String: String], body: String) {
        var data: [UInt8] = []
        while true {
            if let range = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? -1
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                        in: .whitespaces)
                }
                if status == 100 {
                    data.removeSubrange(..<range.upperBound)
                    continue
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                var body = Array(data[range.upperBound...])
                while body.count < length {
                    let chunk = receive()
                    if chunk.isEmpty { throw Failure.io("closed inside a body") }
                    body += chunk
                }
                pending = Array(body[length...])
                return (status, headers, String(decoding: body[..<length], as: UTF8.self))
            }
            let chunk = pending.isEmpty ? receive() : pending
            pending = []
            if chunk.isEmpty { throw Failure.io("closed before a response head") }
            data += chunk
        }
    }

    private var pending: [UInt8] = []

    /// Half-closes (TCP FIN), as a client that gives up on sending does.
    public func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }
}
