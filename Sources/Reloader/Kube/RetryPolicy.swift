/// When a failed API request is sent again, and after how long: exponential backoff with full jitter (AWS
/// Architecture Blog, "Exponential Backoff And Jitter"), a bound on attempts and on total time, and the server's
/// `Retry-After` honoured for 429/503 up to a cap. Pure: randomness and elapsed time come in as arguments.
///
/// What is retried: 5xx except 501 (Not Implemented will not change), 429, and transport failures, for the
/// idempotent verbs (GET, PUT, PATCH, DELETE: sending them twice has the effect of sending once, and a PUT
/// carries a resourceVersion so a repeat is a 409, not a double write). POST (create) is retried only when the
/// connection was refused, i.e. nothing was sent, and on 429, which API Priority and Fairness answers before
/// the request is processed (client-go retries 429 for every verb too).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts after the first one.
    public var maximumRetries: Int
    /// Total time from the first attempt after which no retry starts.
    public var budget: Duration
    public var baseDelay: Duration
    public var maximumDelay: Duration
    /// A larger `Retry-After` is cut to this.
    public var maximumRetryAfter: Duration

    public init(
        maximumRetries: Int = 5, budget: Duration = .seconds(30), baseDelay: Duration = .milliseconds(200),
        maximumDelay: Duration = .seconds(10), maximumRetryAfter: Duration = .seconds(30)
    ) {
        self.maximumRetries = maximumRetries
        self.budget = budget
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// What ended one attempt.
    public enum Outcome: Sendable, Equatable {
        case status(Int, retryAfter: Duration?)
        case transport(TransportError.Kind)
    }

    /// Whether `outcome` may be retried for `method` at all, ignoring the bounds.
    public static func isRetryable(_ outcome: Outcome, method: String) -> Bool {
        let idempotent = method != "POST"
        switch outcome {
        case .status(429, _): return true
        case .status(501, _): return false
        case .status(let code, _): return idempotent && (500...599).contains(code)
        case .transport(.connectionRefused): return true
        case .transport(.tlsFailure), .transport(.other): return false
        case .transport(.connectionReset), .transport(.timedOut): return idempotent
        }
    }

    /// The delay before retry number `retry` (1 for the first retry), or nil to stop. `elapsed` is the time since
    /// the first attempt; `random` draws a fraction in [0, 1) for the jitter.
    public func delay(
        before retry: Int, after outcome: Outcome, method: String, elapsed: Duration, random: () -> Double
    ) -> Duration? {
        guard retry <= maximumRetries, Self.isRetryable(outcome, method: method) else { return nil }
        let wait: Duration
        if case .status(_, let retryAfter?) = outcome {
            wait = min(retryAfter, maximumRetryAfter)
        } else {
            wait = backoffCeiling(retry: retry) * random()
        }
        guard elapsed + wait <= budget else { return nil }
        return wait
    }

    /// The upper end of the jitter range: base · 2^(retry-1), capped.
    public func backoffCeiling(retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = baseDelay * (1 << exponent)
        return min(ceiling, maximumDelay)
    }

    /// `Retry-After` in delay-seconds (RFC 9110 §10.2.3); nil when absent or not a non-negative integer.
    // TODO(#4): honour Retry-After HTTP-dates, not only seconds; the API server sends seconds.
    public static func parseRetryAfter(_ value: String?) -> Duration? {
        guard let value else { return nil }
        var text = Substring(value)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let seconds = Int(text.prefix(9))
        else { return nil }
        return .seconds(text.count > 9 ? 999_999_999 : seconds)
    }
}
