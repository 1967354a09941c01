internal import COpenSSL
import Foundation

/// Owns one `SSL_CTX` built from a PEM certificate chain and key. It never changes after `init`; a certificate
/// rotation builds a new context and swaps it in (see `CertificateReloader`). Connections made from it keep it
/// alive through OpenSSL's own reference count (`SSL_new` takes one), so swapping never breaks open connections.
public final class TLSContext {
    let context: OpaquePointer
    /// The leaf certificate's notAfter, Unix seconds.
    public let notAfter: Double?

    /// - Parameters: `certificatePath`/`keyPath` only name the files in errors.
    public init(chainPEM: [UInt8], keyPEM: [UInt8], certificatePath: String, keyPath: String) throws(TLSError) {
        // Built completely before any stored property is set: a class initializer that throws after full
        // initialization runs deinit, which would free the context a second time.
        (context, notAfter) = try Self.makeContext(
            chainPEM: chainPEM, keyPEM: keyPEM, certificatePath: certificatePath, keyPath: keyPath)
    }

    private static func makeContext(
        chainPEM: [UInt8], keyPEM: [UInt8], certificatePath: String, keyPath: String
    )
        throws(TLSError) -> (OpaquePointer, Double?)
    {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .contextCreationFailed(reason: OpenSSLErrors.drain())
        }
        var ok = false
        defer { if !ok { SSL_CTX_free(context) } }

        // TLS 1.2 minimum; TLS 1.2 suites limited to forward-secret AEADs (Mozilla "intermediate").
        guard copenssl_SSL_CTX_set_min_proto_version(context, Int32(copenssl_TLS1_2_VERSION())) == 1,
            SSL_CTX_set_cipher_list(
                context,
                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                    + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") == 1
        else { throw .contextCreationFailed(reason: OpenSSLErrors.drain()) }
        _ = copenssl_SSL_CTX_set_options(
            context,
            copenssl_SSL_OP_NO_COMPRESSION() | copenssl_SSL_OP_NO_RENEGOTIATION()
                | copenssl_SSL_OP_CIPHER_SERVER_PREFERENCE())
        // Non-blocking writes: allow partial writes and a different buffer address on retry.
        _ = copenssl_SSL_CTX_set_mode(
            context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))

        let notAfter = try useCertificateChain(chainPEM, in: context, path: certificatePath)
        try usePrivateKey(keyPEM, in: context, path: keyPath)
        guard SSL_CTX_check_private_key(context) == 1 else {
            _ = OpenSSLErrors.drain()
            throw .keyDoesNotMatchCertificate(certificatePath: certificatePath, keyPath: keyPath)
        }
        SSL_CTX_set_alpn_select_cb(context, alpnSelect, nil)
        ok = true
        return (context, notAfter)
    }

    /// Reads both files and builds a context.
    public convenience init(certificatePath: String, keyPath: String) throws(TLSError) {
        let chain = try Self.read(certificatePath)
        let key = try Self.read(keyPath)
        try self.init(chainPEM: chain, keyPEM: key, certificatePath: certificatePath, keyPath: keyPath)
    }

    deinit { SSL_CTX_free(context) }

    static func read(_ path: String) throws(TLSError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Loads the leaf and any intermediates from PEM; returns the leaf's notAfter.
    private static func useCertificateChain(
        _ pem: [UInt8], in context: OpaquePointer, path: String
    ) throws(TLSError)
        -> Double?
    {
        guard let bio = makeBIO(pem) else { throw .invalidCertificate(path: path, reason: "cannot allocate") }
        defer { BIO_free(bio) }
        guard let leaf = PEM_read_bio_X509_AUX(bio, nil, nil, nil) else {
            throw .invalidCertificate(path: path, reason: "no PEM certificate: \(OpenSSLErrors.drain())")
        }
        defer { copenssl_X509_free(leaf) }
        guard SSL_CTX_use_certificate(context, leaf) == 1 else {
            throw .invalidCertificate(path: path, reason: OpenSSLErrors.drain())
        }
        while let intermediate = PEM_read_bio_X509(bio, nil, nil, nil) {
            // add0 takes ownership of `intermediate` on success.
            if SSL_CTX_ctrl(context, SSL_CTRL_EXTRA_CHAIN_CERT, 0, UnsafeMutableRawPointer(intermediate)) != 1 {
                copenssl_X509_free(intermediate)
                throw .invalidCertificate(path: path, reason: OpenSSLErrors.drain())
            }
        }
        ERR_clear_error()  // the loop ends on a "no start line" error, which is expected
        return notAfter(of: leaf)
    }

    private static func usePrivateKey(_ pem: [UInt8], in context: OpaquePointer, path: String) throws(TLSError) {
        guard let bio = makeBIO(pem) else { throw .invalidPrivateKey(path: path, reason: "cannot allocate") }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw .invalidPrivateKey(path: path, reason: "no PEM private key: \(OpenSSLErrors.drain())")
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(context, key) == 1 else {
            throw .invalidPrivateKey(path: path, reason: OpenSSLErrors.drain())
        }
    }

    private static func makeBIO(_ bytes: [UInt8]) -> OpaquePointer? {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return BIO_new(BIO_s_mem()) }
            // BIO_new_mem_buf is read-only over our buffer; copy into a writable memory BIO instead so the
            // BIO owns its bytes and outlives this closure.
            guard let bio = BIO_new(BIO_s_mem()) else { return nil }
            guard BIO_write(bio, base, Int32(raw.count)) == Int32(raw.count) else {
                BIO_free(bio)
                return nil
            }
            return bio
        }
    }

    private static func notAfter(of certificate: OpaquePointer) -> Double? {
        guard let time = X509_get0_notAfter(certificate) else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { return nil }
        return Double(timegm(&tm))
    }

    /// Makes a server-side connection on an accepted, non-blocking socket.
    func makeConnection(socket: Int32) throws(TLSError) -> TLSConnection {
        guard let ssl = SSL_new(context) else { throw .connectionSetupFailed(reason: OpenSSLErrors.drain()) }
        guard SSL_set_fd(ssl, socket) == 1 else {
            SSL_free(ssl)
            throw .connectionSetupFailed(reason: OpenSSLErrors.drain())
        }
        SSL_set_accept_state(ssl)
        return TLSConnection(ssl: ssl)
    }
}

// Sendable because OpenSSL allows a configured SSL_CTX to be shared across threads and we never mutate it
// after init.
extension TLSContext: @unchecked Sendable {}

/// ALPN (RFC 7301): prefer h2, else http/1.1; a client offering neither gets no ALPN and speaks HTTP/1.1.
private let serverProtocols: [UInt8] = [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8)

private func alpnSelect(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
    return serverProtocolsPointer.withMemoryRebound(to: UInt8.self, capacity: serverProtocols.count) { server in
        var selected: UnsafeMutablePointer<UInt8>? = nil
        var selectedLength: UInt8 = 0
        let result = SSL_select_next_proto(
            &selected, &selectedLength, server, UInt32(serverProtocols.count), offered, offeredLength)
        guard result == OPENSSL_NPN_NEGOTIATED, let selected else { return SSL_TLSEXT_ERR_NOACK }
        out.pointee = UnsafePointer(selected)
        outLength.pointee = selectedLength
        return SSL_TLSEXT_ERR_OK
    }
}

/// A process-lifetime copy of `serverProtocols`: ALPN's answer must point into memory that outlives the callback.
/// Written once at initialisation, then only read, so sharing it across threads is safe.
nonisolated(unsafe) private let serverProtocolsPointer: UnsafeMutableRawPointer = {
    let pointer = UnsafeMutableRawPointer.allocate(byteCount: serverProtocols.count, alignment: 1)
    pointer.copyMemory(from: serverProtocols, byteCount: serverProtocols.count)
    return pointer
}()

/// OpenSSL's thread-local error queue as one line.
enum OpenSSLErrors {
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(
                String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}
