internal import CCurl
import WebhookServer

/// Owns one libcurl easy handle (`CURL*`) and the error buffer curl writes into. The handle keeps its connection
/// cache across `perform` calls, which is how keep-alive (and one HTTP/2 connection) is reused; every call resets
/// the options first (`curl_easy_reset` keeps live connections and the TLS session cache).
///
/// Not thread-safe: libcurl allows an easy handle to be used by one thread at a time. `CurlTransport` hands each
/// handle to one caller at a time through its pool.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: curl writes a NUL-terminated message here; it must outlive every `perform`.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// nil when curl cannot allocate a handle (out of memory).
    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Performs one exchange. `userAgent` and `maximumResponseBytes` come from the transport's configuration.
    func perform(
        _ request: TransportRequest, userAgent: String, maximumResponseBytes: Int
    )
        -> Result<TransportResponse, TransportError>
    {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let accumulator = ResponseAccumulator(limit: maximumResponseBytes)
        // C holds this pointer only until curl_easy_perform returns; released right after it.
        let context = Unmanaged.passRetained(accumulator).toOpaque()
        defer { Unmanaged<ResponseAccumulator>.fromOpaque(context).release() }

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        // curl adds `Expect: 100-continue` to large bodies; the API server answers without it.
        headerList = curl_slist_append(headerList, "Expect:")

        var failedOption: CURLoption? = nil
        func set(_ option: CURLoption, _ code: CURLcode) {
            if code != CURLE_OK, failedOption == nil { failedOption = option }
        }
        set(CURLOPT_ERRORBUFFER, ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        set(CURLOPT_URL, ccurl_easy_setopt_string(handle, CURLOPT_URL, request.url))
        set(CURLOPT_PROTOCOLS_STR, ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(CURLOPT_NOSIGNAL, ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        // Never follow a redirect: a 3xx comes back as the response (alert sinks refuse redirects, contract §10).
        set(CURLOPT_FOLLOWLOCATION, ccurl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(CURLOPT_HTTP_VERSION, ccurl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        set(CURLOPT_TCP_KEEPALIVE, ccurl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        let timeoutMilliseconds = max(1, Int(request.timeout / .milliseconds(1)))
        set(CURLOPT_TIMEOUT_MS, ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds))
        set(CURLOPT_USERAGENT, ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, userAgent))
        set(CURLOPT_HTTPHEADER, ccurl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList))
        set(CURLOPT_HEADERDATA, ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        set(CURLOPT_WRITEDATA, ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        set(CURLOPT_HEADERFUNCTION, ccurl_easy_setopt_header_callback(handle, curlHeaderThunk))
        set(CURLOPT_WRITEFUNCTION, ccurl_easy_setopt_write_callback(handle, curlWriteThunk))
        applyTLS(request.tls, set)
        if let proxy = request.proxy {
            set(CURLOPT_PROXY, ccurl_easy_setopt_string(handle, CURLOPT_PROXY, proxy))
        }

        let method = request.method.uppercased()
        if method == "GET" {
            set(CURLOPT_HTTPGET, ccurl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))
        } else if method == "HEAD" {
            set(CURLOPT_NOBODY, ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, 1))
        } else if method != "POST" || request.body.isEmpty {
            set(CURLOPT_CUSTOMREQUEST, ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method))
        }
        if let failedOption {
            return .failure(
                TransportError(kind: .other, url: request.url, detail: "curl option \(failedOption.rawValue) rejected"))
        }

        let code: CURLcode = request.body.withUnsafeBytes { body in
            if method != "GET", method != "HEAD", !request.body.isEmpty || method == "POST" {
                // POSTFIELDS makes curl send the body (with the custom method, if one is set); the bytes stay valid
                // until perform returns because we are inside withUnsafeBytes.
                _ = ccurl_easy_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                _ = ccurl_easy_setopt_pointer(
                    handle, CURLOPT_POSTFIELDS,
                    UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(errorBuffer)))
            }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            return .failure(transportError(code, url: request.url, accumulator: accumulator))
        }

        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var version = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version)
        let httpVersion: HTTPVersion =
            switch version {
            case Int(CURL_HTTP_VERSION_1_0): .http1_0
            case Int(CURL_HTTP_VERSION_2_0): .http2
            default: .http1_1
            }
        return .success(
            TransportResponse(
                status: status, headers: accumulator.headers, body: accumulator.body, httpVersion: httpVersion))
    }

    private func applyTLS(_ tls: TLSClientSettings, _ set: (CURLoption, CURLcode) -> Void) {
        if tls.insecureSkipVerify {
            set(CURLOPT_SSL_VERIFYPEER, ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0))
            set(CURLOPT_SSL_VERIFYHOST, ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if let ca = tls.caPEM {
            set(CURLOPT_CAINFO_BLOB, setBlob(CURLOPT_CAINFO_BLOB, ca))
            // Debian's libcurl also has a default CA directory; a configured CA must be the only trust anchor.
            set(CURLOPT_CAPATH, ccurl_easy_setopt_pointer(handle, CURLOPT_CAPATH, nil))
        }
        if let certificate = tls.clientCertificatePEM {
            set(CURLOPT_SSLCERT_BLOB, setBlob(CURLOPT_SSLCERT_BLOB, certificate))
            set(CURLOPT_SSLCERTTYPE, ccurl_easy_setopt_string(handle, CURLOPT_SSLCERTTYPE, "PEM"))
        }
        if let key = tls.clientKeyPEM {
            set(CURLOPT_SSLKEY_BLOB, setBlob(CURLOPT_SSLKEY_BLOB, key))
            set(CURLOPT_SSLKEYTYPE, ccurl_easy_setopt_string(handle, CURLOPT_SSLKEYTYPE, "PEM"))
        }
    }

    /// Passes bytes as a `curl_blob` with CURL_BLOB_COPY: curl copies them before returning, so the Swift array
    /// only has to live for this call.
    private func setBlob(_ option: CURLoption, _ bytes: [UInt8]) -> CURLcode {
        var copy = bytes
        return copy.withUnsafeMutableBytes { raw in
            var blob = curl_blob(data: raw.baseAddress, len: raw.count, flags: UInt32(CURL_BLOB_COPY))
            return withUnsafeMutablePointer(to: &blob) { ccurl_easy_setopt_pointer(handle, option, $0) }
        }
    }

    private func transportError(_ code: CURLcode, url: String, accumulator: ResponseAccumulator) -> TransportError {
        let buffered = String(cString: errorBuffer)
        var detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        detail += " (curl error \(code.rawValue))"
        let kind: TransportError.Kind
        switch code {
        case CURLE_COULDNT_CONNECT: kind = .connectionRefused
        case CURLE_OPERATION_TIMEDOUT: kind = .timedOut
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            kind = .connectionReset
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
            kind = .tlsFailure
        case CURLE_WRITE_ERROR where accumulator.exceededLimit:
            kind = .other
            detail = "response larger than \(accumulator.limit) bytes"
        default: kind = .other
        }
        return TransportError(kind: kind, url: url, detail: detail)
    }
}

/// Collects one response's header fields and body while curl_easy_perform runs. Touched only by the thread that
/// runs perform (curl calls back on it).
private final class ResponseAccumulator {
    let limit: Int
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    var exceededLimit = false

    init(limit: Int) { self.limit = limit }

    func header(_ line: UnsafeBufferPointer<UInt8>) {
        var length = line.count
        while length > 0, line[length - 1] == 0x0D || line[length - 1] == 0x0A { length -= 1 }
        // Bytes, not Characters: Swift treats "\r\n" as one Character.
        let text = String(decoding: UnsafeBufferPointer(rebasing: line[..<length]), as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            headers = HTTPHeaders()  // a new response head (after a 100 Continue): forget the interim one
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = String(text[..<colon])
        let value = text[text.index(after: colon)...].trimmingASCIIWhitespace()
        headers.add(name: name, value: value)
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard body.count + bytes.count <= limit else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }
}

/// CURLOPT_HEADERFUNCTION: one header line per call. Returning anything but `size * count` aborts the transfer.
fileprivate let curlHeaderThunk:
    @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        bytes, size, count, context in
        guard let bytes, let context else { return 0 }
        let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            accumulator.header(UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

/// CURLOPT_WRITEFUNCTION: a chunk of the body. Returning less than `size * count` aborts with CURLE_WRITE_ERROR,
/// which is how an oversized response is refused.
fileprivate let curlWriteThunk:
    @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        bytes, size, count, context in
        guard let context else { return 0 }
        let length = size * count
        guard let bytes else { return 0 }
        let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
        let accepted = bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            accumulator.append(UnsafeBufferPointer(start: $0, count: length))
        }
        return accepted ? length : 0
    }

// A curl easy handle must be used from one thread at a time.
@available(*, unavailable) extension CurlEasyHandle: Sendable {}
