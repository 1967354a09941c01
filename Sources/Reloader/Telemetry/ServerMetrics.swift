public import Prometheus
public import WebhookServer

/// The WebhookServer's `ServerObserver`, backed by a Prometheus registry that other Reloader components may add
/// their metrics to. Called from every event-loop thread: all state lives in swift-prometheus's metric types,
/// which are atomics or locked boxes, and this class only holds `let`s, so it is Sendable without locks of its own.
///
/// Label values come from the request, so every one is mapped into a fixed set first (unknown paths become
/// `other`, unknown methods `OTHER`): a scanner walking random paths must not grow the registry without bound.
public final class ServerMetrics: ServerObserver {
    /// The paths either listener serves; anything else is reported as `other`.
    public static let knownPaths: Set<String> = ["/validate", "/metrics", "/healthz", "/readyz", "/live"]
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    /// An admission answer takes well under a millisecond; kube-apiserver's webhook timeout is at most 30 s but
    /// we aim for far less, so the buckets run from 100 µs to 1 s.
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1),
    ]

    public let registry: PrometheusCollectorRegistry
    private let durations: [String: DurationHistogram]
    private let openConnections: Gauge
    private let rejections: [ConnectionRejection: Counter]
    private let tlsHandshakeFailures: Counter
    private let certificateReloadSuccesses: Counter
    private let certificateReloadFailures: Counter
    private let certificateNotAfter: Gauge
    /// The one label set nearly every request has (an admission review answered 200), looked up once: the
    /// registry's look-up takes a lock and hashes the label strings, 4% of a request's CPU under load.
    private let validatedOK: Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var durations: [String: DurationHistogram] = [:]
        for path in Self.knownPaths.union(["other"]) {
            durations[path] = registry.makeDurationHistogram(
                descriptor: Self.requestDuration, labels: [("path", path)], buckets: Self.durationBuckets)
        }
        self.durations = durations
        openConnections = registry.makeGauge(
            descriptor: Self.descriptor("reloader_open_connections", "Connections currently open."))
        let rejected = Self.descriptor(
            "reloader_rejected_connections_total", "Connections closed at accept, by reason.")
        rejections = [
            .connectionLimit: registry.makeCounter(
                descriptor: rejected, labels: [("reason", ConnectionRejection.connectionLimit.rawValue)]),
            .shuttingDown: registry.makeCounter(
                descriptor: rejected, labels: [("reason", ConnectionRejection.shuttingDown.rawValue)]),
        ]
        tlsHandshakeFailures = registry.makeCounter(
            descriptor: Self.descriptor("reloader_tls_handshake_failures_total", "TLS handshakes that failed."))
        let reloads = Self.descriptor(
            "reloader_certificate_reloads_total", "Serving certificate reloads from disk, by result.")
        certificateReloadSuccesses = registry.makeCounter(descriptor: reloads, labels: [("result", "success")])
        certificateReloadFailures = registry.makeCounter(descriptor: reloads, labels: [("result", "failure")])
        validatedOK = registry.makeCounter(
            descriptor: Self.requests, labels: [("path", "/validate"), ("code", "200"), ("method", "POST")])
        certificateNotAfter = registry.makeGauge(
            descriptor: Self.descriptor(
                "reloader_serving_certificate_not_after_seconds",
                "Expiry of the serving certificate in use, as Unix time."))
    }

    // MARK: ServerObserver

    public func requestCompleted(method: String, path: String, status: Int, version: HTTPVersion, duration: Duration) {
        if status == 200, path == "/validate", method == "POST" {
            validatedOK.increment()
            durations["/validate"]?.record(duration)
            return
        }
        let path = Self.pathLabel(path)
        let labels = [("path", path), ("code", Self.codeLabel(status)), ("method", Self.methodLabel(method))]
        // The registry returns the existing counter for a known label set; the sets are bounded (see above).
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        durations[path]?.record(duration)
    }

    public func connectionOpened() { openConnections.increment() }
    public func connectionClosed() { openConnections.decrement() }
    public func connectionRejected(reason: ConnectionRejection) { rejections[reason]?.increment() }
    public func tlsHandshakeFailed() { tlsHandshakeFailures.increment() }

    public func certificateReloaded(succeeded: Bool, notAfter: Double?) {
        (succeeded ? certificateReloadSuccesses : certificateReloadFailures).increment()
        if let notAfter { certificateNotAfter.set(notAfter) }
    }

    // MARK: Exposition

    /// The registry in the Prometheus text format (version 0.0.4).
    public func render() -> String {
        String(decoding: renderBytes(), as: UTF8.self)
    }

    public func renderBytes() -> [UInt8] {
        // A fresh buffer per call: `emit(into:)` leaves the buffer's thread safety to the caller.
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }

    // MARK: Labels

    static func pathLabel(_ path: String) -> String { knownPaths.contains(path) ? path : "other" }
    static func methodLabel(_ method: String) -> String { knownMethods.contains(method) ? method : "OTHER" }
    static func codeLabel(_ status: Int) -> String { (100...599).contains(status) ? String(status) : "other" }

    // MARK: Descriptors

    private static var requests: MetricNameDescriptor {
        descriptor("reloader_http_requests_total", "HTTP requests answered, by path, status code and method.")
    }

    private static var requestDuration: MetricNameDescriptor {
        descriptor("reloader_http_request_duration_seconds", "Time from a complete request to its response, by path.")
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
