public import Foundation

extension LeaderElectionStateMachine {
    /// Who competes and how fast: the holder identity and the three timings of contract §7.1, checked as
    /// client-go's `NewLeaderElector` checks them.
    public struct Options: Sendable, Hashable {
        /// `POD_NAME`: the `holderIdentity` this replica writes.
        public let identity: String
        /// `--leader-election-lease-duration`: how long a standby waits, after it last saw the Lease change,
        /// before it takes the Lease over.
        public let leaseDuration: Duration
        /// `--leader-election-renew-deadline`: the holder steps down when it could not renew for this long.
        public let renewDeadline: Duration
        /// `--leader-election-retry-period`: how often the holder renews and a standby looks.
        public let retryPeriod: Duration

        /// client-go's `JitterFactor`: the retry period times this must stay under the renew deadline.
        public static let jitterFactor = 1.2

        public init(
            identity: String, leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
            retryPeriod: Duration = .seconds(2)
        ) throws(LeaderElectionError) {
            guard !identity.isEmpty else { throw .missingEnvironment(flag: .enableHA, variable: "POD_NAME") }
            // A Lease counts whole seconds, so a shorter duration would be written as an expired Lease.
            guard leaseDuration >= .seconds(1) else {
                throw .invalidTiming(flag: .leaderElectionLeaseDuration, reason: "must be at least 1s")
            }
            guard renewDeadline > .zero else {
                throw .invalidTiming(flag: .leaderElectionRenewDeadline, reason: "must be positive")
            }
            guard retryPeriod > .zero else {
                throw .invalidTiming(flag: .leaderElectionRetryPeriod, reason: "must be positive")
            }
            guard renewDeadline < leaseDuration else {
                throw .invalidTiming(
                    flag: .leaderElectionRenewDeadline,
                    reason: "must be shorter than \(ConfigurationFlag.leaderElectionLeaseDuration) (\(leaseDuration))")
            }
            guard retryPeriod * Self.jitterFactor < renewDeadline else {
                throw .invalidTiming(
                    flag: .leaderElectionRetryPeriod,
                    reason: "1.2 times it must be shorter than \(ConfigurationFlag.leaderElectionRenewDeadline) "
                        + "(\(renewDeadline))")
            }
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }

        /// `spec.leaseDurationSeconds`. client-go truncates to whole seconds; we round a fractional duration up,
        /// so a standby never waits less than the holder's own notion of the lease (whole seconds are unchanged).
        public var leaseDurationSeconds: Int {
            let (seconds, attoseconds) = leaseDuration.components
            return Int(seconds) + (attoseconds > 0 ? 1 : 0)
        }
    }

    /// One moment on both clocks: the monotonic instant for every deadline (immune to wall-clock steps), the wall
    /// time only for the Lease's `acquireTime` and `renewTime`.
    public struct Now: Sendable, Hashable {
        public var instant: ContinuousClock.Instant
        public var date: Date

        public init(instant: ContinuousClock.Instant, date: Date) {
            self.instant = instant
            self.date = date
        }

        public static func system() -> Now { Now(instant: ContinuousClock.now, date: Date()) }

        /// `self` moved on by `duration` on both clocks (for tests and fakes).
        public func advanced(by duration: Duration) -> Now {
            let (seconds, attoseconds) = duration.components
            return Now(
                instant: instant + duration,
                date: date.addingTimeInterval(Double(seconds) + Double(attoseconds) * 1e-18))
        }
    }
}
