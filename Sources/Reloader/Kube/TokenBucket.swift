import Synchronization

/// A token bucket (client-go's `flowcontrol.NewTokenBucketRateLimiter`): `qps` tokens a second up to `burst`
/// stored, one token per request. `reserve(now:)` always takes a token, letting the balance go negative, and
/// returns how long the caller must wait before sending, so requests are spaced at 1/qps once the burst is spent.
/// Pure: time comes in as `now`.
public struct TokenBucket: Sendable, Equatable {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var last: ContinuousClock.Instant

    /// Starts full, as client-go's limiter does.
    public init(qps: Double, burst: Int, now: ContinuousClock.Instant) {
        self.qps = qps
        self.burst = max(1, burst)
        tokens = Double(self.burst)
        last = now
    }

    /// Takes one token and returns the wait before it may be used (zero when one was available).
    /// `qps <= 0` disables limiting.
    public mutating func reserve(now: ContinuousClock.Instant) -> Duration {
        guard qps > 0 else { return .zero }
        if now > last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            tokens = min(Double(burst), tokens + seconds * qps)
            last = now
        }
        tokens -= 1
        guard tokens < 0 else { return .zero }
        let nanoseconds = (-tokens / qps * 1e9).rounded(.up)
        return .nanoseconds(Int64(nanoseconds))
    }
}

/// The shared client-side rate limit of one `KubeClient`. Thread-safe: the bucket sits behind one `Mutex`, held
/// only to reserve a token; the wait happens outside it, on the caller's thread.
final class RateLimiter: Sendable {
    private let bucket: Mutex<TokenBucket>
    private let sleep: @Sendable (Duration) -> Void

    init(qps: Double, burst: Int, sleep: @escaping @Sendable (Duration) -> Void) {
        bucket = Mutex(TokenBucket(qps: qps, burst: burst, now: .now))
        self.sleep = sleep
    }

    /// Blocks until the caller may send one request; returns the time waited.
    @discardableResult
    func acquire() -> Duration {
        let wait = bucket.withLock { $0.reserve(now: .now) }
        if wait > .zero { sleep(wait) }
        return wait
    }
}
