public import Prometheus

/// Told about every HTTP request a `KubeClient` sends (each retry counts), for metrics. Called on the thread that
/// sent the request, from many threads at once: implementations must be thread-safe and quick.
public protocol KubeRequestObserver: Sendable {
    /// `verb` is the API verb (`get`, `list`, `create`, `update`, `patch`, `delete`); `code` the HTTP status, or 0
    /// when no response arrived.
    func requestFinished(verb: String, code: Int, duration: Duration)
}

public struct NoKubeRequestObserver: KubeRequestObserver {
    public init() {}
    public func requestFinished(verb: String, code: Int, duration: Duration) {}
}

/// Counts API requests into a Prometheus registry as `reloader_kube_api_requests_total{verb,code}` (client-go's
/// `rest_client_requests_total` uses the code label `<error>` for no response; so do we) and their durations as
/// `reloader_kube_api_request_duration_seconds{verb}`. Sendable: it holds only `let`s, and swift-prometheus's
/// metric types are thread-safe.
public final class KubeRequestMetrics: KubeRequestObserver {
    static let verbs: Set<String> = ["get", "list", "create", "update", "patch", "delete"]
    static let buckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30),
    ]

    private let registry: PrometheusCollectorRegistry
    private let durations: [String: DurationHistogram]

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let descriptor = MetricNameDescriptor(
            metricName: "reloader_kube_api_request_duration_seconds", unitName: "",
            helpText: "Time from sending a Kubernetes API request to its response, by verb.")
        var durations: [String: DurationHistogram] = [:]
        for verb in Self.verbs.union(["other"]) {
            durations[verb] = registry.makeDurationHistogram(
                descriptor: descriptor, labels: [("verb", verb)], buckets: Self.buckets)
        }
        self.durations = durations
    }

    public func requestFinished(verb: String, code: Int, duration: Duration) {
        let verb = Self.verbs.contains(verb) ? verb : "other"
        let code = code == 0 ? "<error>" : (100...599).contains(code) ? String(code) : "other"
        // The registry returns the existing counter for a known label set; verbs and codes are bounded sets.
        registry.makeCounter(descriptor: Self.requests, labels: [("verb", verb), ("code", code)]).increment()
        durations[verb]?.record(duration)
    }

    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "reloader_kube_api_requests_total", unitName: "",
            helpText: "Kubernetes API requests sent, by verb and HTTP status code (<error>: no response).")
    }
}
