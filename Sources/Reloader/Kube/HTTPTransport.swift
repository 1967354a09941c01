public import WebhookServer

/// Sends one HTTP request and returns the complete response: the seam between everything that talks HTTP to a
/// peer (the Kubernetes API client, kube-sim's webhook dispatch) and libcurl. Implementations must be safe to call
/// from many threads at once; a call blocks its thread until the response or the error.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) -> Result<TransportResponse, TransportError>
}

/// How the client side of TLS is set up for one request. PEM material is passed in memory, never as file paths,
/// so a rotated token or CA never races a file read inside libcurl.
public struct TLSClientSettings: Sendable, Equatable {
    /// The CA bundle to trust instead of the system store; nil trusts the system store.
    public var caPEM: [UInt8]?
    /// Skips server certificate and host name verification (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipVerify: Bool
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?

    public init(
        caPEM: [UInt8]? = nil, insecureSkipVerify: Bool = false, clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil
    ) {
        self.caPEM = caPEM
        self.insecureSkipVerify = insecureSkipVerify
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }
}

/// One request: the full URL, header fields (names as given), the body and a deadline for the whole exchange.
public struct TransportRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var timeout: Duration
    public var tls: TLSClientSettings
    /// The proxy to send the request through (`http://host:port`; an `https://` URL is tunnelled with CONNECT).
    /// nil leaves the choice to the transport (libcurl honours `http_proxy`/`https_proxy`/`no_proxy`).
    public var proxy: String?

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30), tls: TLSClientSettings = TLSClientSettings(), proxy: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.tls = tls
        self.proxy = proxy
    }
}

/// One complete response of any status: a 500 is a response, not a `TransportError`.
public struct TransportResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var httpVersion: HTTPVersion

    public init(
        status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], httpVersion: HTTPVersion = .http1_1
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }
}

/// Why no response arrived. `detail` is the library's own error text (curl's error buffer), for logs.
public struct TransportError: Error, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Nothing was sent: the TCP connection was never made. Safe to retry any request.
        case connectionRefused = "connection refused"
        /// The connection broke after the request may have been sent.
        case connectionReset = "connection reset"
        case timedOut = "timed out"
        /// The TLS handshake failed, the peer's certificate was not trusted, or our own certificate/key was bad.
        case tlsFailure = "TLS failure"
        /// A response too large, a malformed URL, a resolver failure, anything else.
        case other = "transport failure"
    }

    public var kind: Kind
    public var url: String
    public var detail: String

    public init(kind: Kind, url: String, detail: String) {
        self.kind = kind
        self.url = url
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue) for \(url): \(detail)" }
}
