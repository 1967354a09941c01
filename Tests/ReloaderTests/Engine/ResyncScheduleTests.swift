import Testing

@testable import Reloader

/// `ResyncSchedule`: the period jittered ±10% (contract §7.2), and the backoff after failed passes.
@Suite("ResyncSchedule")
struct ResyncScheduleTests {
    static let schedule = ResyncSchedule(period: .seconds(300), jitter: 0.1, retryBase: .seconds(2))

    @Test(
        "after a success: the period, from -10% to +10% as the random fraction goes from 0 to 1",
        arguments: [
            (0.0, Duration.seconds(270)), (0.5, .seconds(300)), (0.999_999, .seconds(330)),
        ])
    func jitteredPeriod(random: Double, expected: Duration) {
        let delay = Self.schedule.delay(afterFailures: 0, random: random)
        #expect(abs((delay - expected) / .milliseconds(1)) < 1)
    }

    @Test("after failures: 2 s, 4 s, 8 s, ... capped at half the period, always sooner than the period")
    func backoff() {
        let delays = (1...10).map { Self.schedule.delay(afterFailures: $0, random: 0.5) }
        #expect(delays.prefix(4) == [.seconds(2), .seconds(4), .seconds(8), .seconds(16)])
        #expect(delays.last == .seconds(150))
        #expect((1...64).allSatisfy { Self.schedule.delay(afterFailures: $0, random: 0.999) < .seconds(300) })
    }
}
