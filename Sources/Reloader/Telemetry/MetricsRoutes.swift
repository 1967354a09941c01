public import WebhookServer

/// The routes of the plain-HTTP metrics and probe listener (never the TLS webhook port): Prometheus scrapes
/// `/metrics`, the kubelet probes `/healthz`, `/live` and `/readyz`. Built once at startup.
public enum MetricsRoutes {
    /// Prometheus text exposition format 0.0.4.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// - Parameter isReady: whether this replica should receive admission traffic now; called on every probe, so
    ///   it must be cheap and thread-safe.
    /// - Parameter collectors: more exposition text, rendered at each scrape after the server's metrics.
    public static func makeRouter(
        metrics: ServerMetrics, collectors: [@Sendable () -> String] = [], isReady: @escaping @Sendable () -> Bool
    ) -> Router {
        var router = Router()
        router.add("GET", "/metrics") { _ in
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: metricsContentType)
            var body = metrics.renderBytes()
            for collector in collectors { body += Array(collector().utf8) }
            return HTTPResponse(status: 200, headers: headers, body: body)
        }
        router.add("GET", "/healthz") { _ in .text(200, "ok") }
        router.add("GET", "/live") { _ in .text(200, "alive") }
        router.add("GET", "/readyz") { _ in isReady() ? .text(200, "ready") : .text(503, "not ready") }
        return router
    }
}
