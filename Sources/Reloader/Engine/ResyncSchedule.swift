/// When the next resync starts: every `period` jittered ±10% (contract §7.2), so replicas started together do
/// not list in step; after a failed pass sooner, with exponential backoff from `retryBase`, never later than half
/// a period. Pure: the random fraction comes in as an argument.
public struct ResyncSchedule: Sendable, Hashable {
    /// `--resync-period`
    public var period: Duration
    /// The jitter as a fraction of the delay: 0.1 is ±10%.
    public var jitter: Double
    /// The wait after the first failure; doubled after each further one.
    public var retryBase: Duration

    public init(period: Duration = .seconds(300), jitter: Double = 0.1, retryBase: Duration = .seconds(2)) {
        self.period = period
        self.jitter = jitter
        self.retryBase = retryBase
    }

    /// The delay before the next pass. `consecutiveFailures`: 0 after a successful pass. `random`: a fraction in
    /// [0, 1).
    public func delay(afterFailures consecutiveFailures: Int, random: Double) -> Duration {
        let base: Duration
        if consecutiveFailures <= 0 {
            base = period
        } else {
            let exponent = min(consecutiveFailures - 1, 30)
            base = min(retryBase * (1 << exponent), period / 2)
        }
        let fraction = min(max(random, 0), 1)
        return base * (1 - jitter + 2 * jitter * fraction)
    }
}
