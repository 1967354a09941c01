/// The limits every connection enforces. Defaults follow the contract with kube-apiserver.
public struct ServerLimits: Sendable, Equatable {
    /// Request line plus header fields; over it the answer is 431 (HTTP/1.1) or 431 on the stream (HTTP/2).
    public var maxHeaderBytes: Int = 16 * 1024
    /// A 1 MiB Secret appears twice (object and oldObject), base64-encoded, in an UPDATE review: 4 MiB holds it.
    public var maxBodyBytes: Int = 4 * 1024 * 1024
    /// From the first byte of a request to the end of its header section (slowloris bound).
    public var headerTimeout: Duration = .seconds(10)
    /// The longest a started body may go without a byte arriving.
    public var bodyStallTimeout: Duration = .seconds(10)
    /// TLS handshake bound.
    public var handshakeTimeout: Duration = .seconds(10)
    /// kube-apiserver keeps idle connections 90 s; closing before it races with its reuse, so wait longer.
    public var idleTimeout: Duration = .seconds(120)
    /// Open-connection cap per server (all event loops together).
    public var maxConnections: Int = 1024
    /// HTTP/2: request bodies buffered at once across one connection's streams. Flow-control windows refill as
    /// bytes are consumed, so without this bound one client could hold maxConcurrentStreams x maxBodyBytes.
    /// Streams that would exceed it are answered 503 (retryable).
    public var maxBufferedBodyBytesPerConnection: Int = 16 * 1024 * 1024
    /// HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS.
    public var maxConcurrentStreams: Int = 100

    public init() {}
}
