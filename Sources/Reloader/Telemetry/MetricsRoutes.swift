public import WebhookServer

/// The routes of the plain-HTTP metrics and probe listener (never the TLS webhook port): Prometheus scrapes
/// `/metrics`, the kubelet probes `/healthz`, `/live` and `/readyz`. Built once at startup.
public enum MetricsRoutes {
    /// Prometheus text exposition format 0.0.4.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// - Parameter isReady: whether this replica should receive admission traffic now; called on every probe, so
    ///   it must be cheap and thread-safe.
    public static func makeRouter(metrics: ServerMetrics, isReady: @escaping @Sendable () -> Bool) -> Router {
        var router = Router()
        router.add("GET", "/metrics") { _ in
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: metricsContentType)
            return HTTPResponse(status: 200, headers: headers, body: metrics.renderBytes())
        }
        router.add("GET", "/healthz") { _ in .text(200, "ok") }
        router.add("GET", "/live") { _ in .text(200, "alive") }
        router.add("GET", "/readyz") { _ in isReady() ? .text(200, "ready") : .text(503, "not ready") }
        return router
    }
}
