import Prometheus
import Testing

@testable import Reloader

/// The pure parts of the API client: URL building, Status decoding, the token bucket, the retry schedule.
@Suite("Kube client pure parts")
struct KubePureTests {
    @Test(
        "resource paths build core and group URLs",
        arguments: [
            (ResourcePath(resource: "configmaps", namespace: "payments"), "/api/v1/namespaces/payments/configmaps"),
            (ResourcePath(resource: "namespaces", name: "kube-system"), "/api/v1/namespaces/kube-system"),
            (
                ResourcePath(
                    group: "apps", version: "v1", resource: "deployments", namespace: "a", name: "web",
                    subresource: "scale"), "/apis/apps/v1/namespaces/a/deployments/web/scale"
            ),
            (ResourcePath(group: "apps", version: "v1", resource: "deployments"), "/apis/apps/v1/deployments"),
            (
                ResourcePath(
                    group: "argoproj.io", version: "v1alpha1", resource: "rollouts", namespace: "n", name: "a b/c"),
                "/apis/argoproj.io/v1alpha1/namespaces/n/rollouts/a%20b%2Fc"
            ),
            (ResourcePath(resource: "secrets", subresource: "ignored-without-name"), "/api/v1/secrets"),
        ])
    func urlPaths(path: ResourcePath, expected: String) {
        #expect(path.urlPath == expected)
    }

    @Test(
        "each workload kind has its API path, in one place",
        arguments: [
            (WorkloadKind.deployment, "/apis/apps/v1/namespaces/shop/deployments/web"),
            (.daemonSet, "/apis/apps/v1/namespaces/shop/daemonsets/web"),
            (.statefulSet, "/apis/apps/v1/namespaces/shop/statefulsets/web"),
            (.cronJob, "/apis/batch/v1/namespaces/shop/cronjobs/web"),
            (.job, "/apis/batch/v1/namespaces/shop/jobs/web"),
            (.rollout, "/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web"),
            (.deploymentConfig, "/apis/apps.openshift.io/v1/namespaces/shop/deploymentconfigs/web"),
        ])
    func workloadPaths(kind: WorkloadKind, expected: String) {
        let path = ResourcePath(workload: WorkloadRef(kind: kind, namespace: "shop", name: "web"))
        #expect(path.urlPath == expected)
        #expect(ResourcePath(collectionOf: kind, namespace: "shop").named("web") == path)
    }

    @Test("writes carry dryRun and fieldManager when asked; patch types map one to one")
    func writeQuery() {
        #expect(KubeClient.writeQuery(false, nil).isEmpty)
        #expect(
            KubeClient.writeQuery(true, "reloader").map { "\($0.name)=\($0.value)" } == [
                "dryRun=All", "fieldManager=reloader",
            ])
        for type in [ReloadAction.PatchType.strategicMerge, .merge, .json] {
            #expect(KubeClient.PatchType(type).rawValue == type.contentType)
        }
    }

    @Test("query values are percent-encoded")
    func query() {
        let options = KubeClient.ListOptions(
            labelSelector: "app in (a,b),tier!=db", fieldSelector: "metadata.name=x", limit: 500,
            continueToken: "eyJ2Ijoi+/=")
        #expect(
            ResourcePath.query(options.query)
                == "labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Dx&limit=500"
                + "&continue=eyJ2Ijoi%2B%2F%3D")
        #expect(ResourcePath.query(KubeClient.ListOptions().query) == "")
    }

    @Test("a metav1 Status body decodes into code, reason and message")
    func statusBody() {
        let body =
            #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"configmaps \"x\" not found","reason":"NotFound","code":404}"#
        let error = KubeAPIError.decode(status: 404, body: Array(body.utf8))
        #expect(error == KubeAPIError(code: 404, reason: "NotFound", message: "configmaps \"x\" not found"))
        #expect(error.isNotFound)
        let expired = KubeAPIError.decode(
            status: 410, body: Array(#"{"kind":"Status","reason":"Expired","message":"too old","code":410}"#.utf8))
        #expect(expired.isExpired && expired.reason == "Expired")
    }

    @Test("a plain-text body keeps its text and gets a reason from the code")
    func plainText() {
        let error = KubeAPIError.decode(status: 429, body: Array("Too many requests, please try again later.\n".utf8))
        #expect(
            error
                == KubeAPIError(
                    code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later."))
        let long = KubeAPIError.decode(status: 502, body: [UInt8](repeating: UInt8(ascii: "x"), count: 5000))
        #expect(long.message.count == KubeAPIError.maximumMessageLength + 1)
        #expect(long.reason == "Unknown")
        let json = KubeAPIError.decode(status: 500, body: Array(#"{"error":"boom"}"#.utf8))
        #expect(json.reason == "InternalError" && json.message == #"{"error":"boom"}"#)
    }

    @Test("409 AlreadyExists is not a conflict")
    func alreadyExists() {
        #expect(KubeAPIError(code: 409, reason: "AlreadyExists", message: "").isAlreadyExists)
        #expect(!KubeAPIError(code: 409, reason: "AlreadyExists", message: "").isConflict)
        #expect(KubeAPIError(code: 409, reason: "Conflict", message: "").isConflict)
    }

    @Test("the token bucket allows a burst, then spaces requests at 1/qps")
    func tokenBucket() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(qps: 10, burst: 3, now: start)
        #expect((0..<3).map { _ in bucket.reserve(now: start) } == [.zero, .zero, .zero])
        #expect(bucket.reserve(now: start) == .milliseconds(100))
        #expect(bucket.reserve(now: start) == .milliseconds(200))
        // One second later the two reserved tokens are paid back and the bucket holds 8 → capped at burst 3.
        let later = start.advanced(by: .seconds(2))
        #expect((0..<3).map { _ in bucket.reserve(now: later) } == [.zero, .zero, .zero])
        #expect(bucket.reserve(now: later.advanced(by: .milliseconds(50))) == .milliseconds(50))
        var unlimited = TokenBucket(qps: 0, burst: 1, now: start)
        #expect((0..<100).allSatisfy { _ in unlimited.reserve(now: start) == .zero })
    }

    @Test(
        "retryable outcomes by method",
        arguments: [
            (RetryPolicy.Outcome.status(503, retryAfter: nil), "GET", true),
            (.status(500, retryAfter: nil), "PATCH", true),
            (.status(501, retryAfter: nil), "GET", false),
            (.status(404, retryAfter: nil), "GET", false),
            (.status(409, retryAfter: nil), "PUT", false),
            (.status(429, retryAfter: nil), "POST", true),
            (.status(503, retryAfter: nil), "POST", false),
            (.transport(.connectionRefused), "POST", true),
            (.transport(.connectionReset), "POST", false),
            (.transport(.connectionReset), "DELETE", true),
            (.transport(.timedOut), "GET", true),
            (.transport(.tlsFailure), "GET", false),
        ])
    func retryable(outcome: RetryPolicy.Outcome, method: String, expected: Bool) {
        #expect(RetryPolicy.isRetryable(outcome, method: method) == expected)
    }

    @Test("backoff grows exponentially under a cap, with full jitter")
    func backoffSchedule() {
        let policy = RetryPolicy(
            maximumRetries: 10, budget: .seconds(1000), baseDelay: .milliseconds(100), maximumDelay: .seconds(2))
        #expect(
            (1...7).map { policy.backoffCeiling(retry: $0) } == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
                .seconds(2), .seconds(2),
            ])
        let outcome = RetryPolicy.Outcome.status(503, retryAfter: nil)
        for retry in 1...10 {
            let low = policy.delay(before: retry, after: outcome, method: "GET", elapsed: .zero, random: { 0 })
            let high = policy.delay(before: retry, after: outcome, method: "GET", elapsed: .zero, random: { 0.999 })
            #expect(low == .zero)
            #expect(high! <= policy.backoffCeiling(retry: retry))
        }
        #expect(policy.delay(before: 11, after: outcome, method: "GET", elapsed: .zero, random: { 0.5 }) == nil)
        // The total budget stops retries whose wait would end past it.
        #expect(
            policy.delay(before: 1, after: outcome, method: "GET", elapsed: .seconds(999.99), random: { 0.5 }) == nil)
    }

    @Test("Retry-After is honoured up to the cap")
    func retryAfterHonoured() {
        let policy = RetryPolicy(maximumRetryAfter: .seconds(5))
        let honoured = policy.delay(
            before: 1, after: .status(429, retryAfter: .seconds(2)), method: "GET", elapsed: .zero, random: { 0 })
        #expect(honoured == .seconds(2))
        let capped = policy.delay(
            before: 1, after: .status(429, retryAfter: .seconds(120)), method: "GET", elapsed: .zero, random: { 0 })
        #expect(capped == .seconds(5))
    }

    @Test(
        "Retry-After parsing",
        arguments: [
            ("1", Duration.seconds(1)), (" 30 ", .seconds(30)), ("0", .zero), ("-1", nil), ("1.5", nil),
            ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("", nil), ("99999999999999999999", .seconds(999_999_999)),
        ])
    func retryAfterParsing(text: String, expected: Duration?) {
        #expect(RetryPolicy.parseRetryAfter(text) == expected)
    }

    @Test("request metrics count by verb and code")
    func metrics() {
        let registry = PrometheusCollectorRegistry()
        let metrics = KubeRequestMetrics(registry: registry)
        metrics.requestFinished(verb: "patch", code: 200, duration: .milliseconds(3))
        metrics.requestFinished(verb: "patch", code: 200, duration: .milliseconds(3))
        metrics.requestFinished(verb: "list", code: 0, duration: .milliseconds(3))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.contains(#"reloader_kube_api_requests_total{verb="patch",code="200"} 2"#))
        #expect(text.contains(#"reloader_kube_api_requests_total{verb="list",code="<error>"} 1"#))
    }
}
