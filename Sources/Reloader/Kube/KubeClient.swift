import Foundation
public import Logging

/// The Kubernetes API client: typed verbs (see `KubeClient+Verbs.swift`) over one request loop that applies the
/// client-side rate limit, authenticates, sends through an `HTTPTransport`, retries by `RetryPolicy`, counts every
/// attempt and decodes errors into `KubeClientError`. Calls block the calling thread (the transport is blocking).
///
/// Thread-safe: every stored property is immutable or owns its own lock (the rate limiter, the token source).
public final class KubeClient: Sendable {
    public struct Options: Sendable {
        /// `--kube-api-qps` and `--kube-api-burst`, with the flags' defaults (contract §7.2: 50/100; issue #4 named
        /// 20/40, but the contract is what users configure, so there is one default: the flag's).
        public var qps: Double
        public var burst: Int
        public var retry: RetryPolicy
        /// Deadline of one attempt, connection included.
        public var requestTimeout: Duration
        /// How often a token file is re-read even if it looks unchanged.
        public var tokenRereadInterval: Duration

        public init(
            qps: Double = 50, burst: Int = 100, retry: RetryPolicy = RetryPolicy(),
            requestTimeout: Duration = .seconds(30), tokenRereadInterval: Duration = .seconds(60)
        ) {
            self.qps = qps
            self.burst = burst
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.tokenRereadInterval = tokenRereadInterval
        }
    }

    public let configuration: KubeConfiguration
    let options: Options
    private let transport: any HTTPTransport
    let logger: Logger
    private let observer: any KubeRequestObserver
    private let limiter: RateLimiter
    private let tokenSource: BearerTokenSource?
    private let sleep: @Sendable (Duration) -> Void
    private let random: @Sendable () -> Double

    /// - Parameters:
    ///   - sleep: how the client waits (rate limit, backoff); tests pass a recorder that returns at once.
    ///   - random: the jitter source, a fraction in [0, 1).
    public init(
        configuration: KubeConfiguration, transport: any HTTPTransport, logger: Logger, options: Options = Options(),
        observer: any KubeRequestObserver = NoKubeRequestObserver(),
        sleep: @escaping @Sendable (Duration) -> Void = KubeClient.threadSleep,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.options = options
        self.observer = observer
        self.sleep = sleep
        self.random = random
        limiter = RateLimiter(qps: options.qps, burst: options.burst, sleep: sleep)
        if case .tokenFile(let path) = configuration.credentials {
            tokenSource = BearerTokenSource(path: path, rereadInterval: options.tokenRereadInterval)
        } else {
            tokenSource = nil
        }
    }

    public static let threadSleep: @Sendable (Duration) -> Void = { duration in
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        Thread.sleep(forTimeInterval: seconds)
    }

    /// Sends one API request until it succeeds (2xx) or may not be retried, and returns the 2xx response.
    func execute(
        verb: String, method: String, path: ResourcePath, query: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, contentType: String? = nil
    ) throws(KubeClientError) -> TransportResponse {
        let queryText = ResourcePath.query(query)
        let url = configuration.server + path.urlPath + (queryText.isEmpty ? "" : "?" + queryText)
        let request = "\(verb) \(path.urlPath)"
        let clock = ContinuousClock()
        let start = clock.now
        var retry = 0
        var reauthenticated = false
        while true {
            limiter.acquire()
            var headers: [(name: String, value: String)] = [("Accept", "application/json")]
            if let contentType { headers.append(("Content-Type", contentType)) }
            switch configuration.credentials {
            case .none: break
            case .token(let token): headers.append(("Authorization", "Bearer \(token)"))
            case .tokenFile:
                do throws(BearerTokenSource.Failure) {
                    if let token = try tokenSource?.token() { headers.append(("Authorization", "Bearer \(token)")) }
                } catch {
                    guard case .unreadable(let path, let reason) = error else { break }
                    throw .credentialsUnavailable(request: request, reason: "token file \(path): \(reason)")
                }
            }
            let attemptStart = clock.now
            let result = transport.send(
                TransportRequest(
                    method: method, url: url, headers: headers, body: body ?? [], timeout: options.requestTimeout,
                    tls: configuration.tls))
            let outcome: RetryPolicy.Outcome
            let failure: KubeClientError
            switch result {
            case .success(let response):
                observer.requestFinished(verb: verb, code: response.status, duration: clock.now - attemptStart)
                if (200..<300).contains(response.status) { return response }
                if response.status == 401, let tokenSource, !reauthenticated {
                    // The token may have rotated since it was read: re-read it and try once more at once.
                    reauthenticated = true
                    tokenSource.invalidate()
                    logger.notice(
                        "kube API answered 401, re-reading the token file", metadata: ["kube.request": "\(request)"])
                    continue
                }
                let error = KubeAPIError.decode(status: response.status, body: response.body)
                failure = error.isConflict ? .conflict(error, request: request) : .api(error, request: request)
                outcome = .status(
                    response.status, retryAfter: RetryPolicy.parseRetryAfter(response.headers["retry-after"]))
            case .failure(let error):
                observer.requestFinished(verb: verb, code: 0, duration: clock.now - attemptStart)
                failure = .transport(error, request: request, attempts: retry + 1)
                outcome = .transport(error.kind)
            }
            retry += 1
            guard
                let delay = options.retry.delay(
                    before: retry, after: outcome, method: method, elapsed: clock.now - start, random: random)
            else { throw failure }
            logger.notice(
                "retrying kube API request",
                metadata: [
                    "kube.request": "\(request)", "kube.outcome": "\(outcome)", "kube.retry": "\(retry)",
                    "kube.delay_ms": "\(delay / .milliseconds(1))",
                ])
            if delay > .zero { sleep(delay) }
        }
    }

    /// Sends a request and parses the 2xx body as JSON.
    func executeJSON(
        verb: String, method: String, path: ResourcePath, query: [(name: String, value: String)] = [],
        body: JSONValue? = nil, contentType: String? = nil
    ) throws(KubeClientError) -> JSONValue {
        let response = try execute(
            verb: verb, method: method, path: path, query: query, body: body?.serialized(), contentType: contentType)
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw .invalidResponse(request: "\(verb) \(path.urlPath)", reason: "\(error)")
        }
    }
}
