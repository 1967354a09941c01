import Foundation

public struct ConditionTimedOut: Error, CustomStringConvertible {
    public let what: String

    public init(what: String) { self.what = what }

    public var description: String { "timed out waiting for: \(what)" }
}

/// Polls `condition` until it holds or `timeout` passes; fails naming what never happened. Never use sleep to
/// synchronise: this is the one waiting primitive of the tests.
public func waitUntil(
    timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    if try await condition() { return }
    throw ConditionTimedOut(what: what)
}

/// `waitUntil` for a synchronous test that must keep its thread: an async test resumes after each poll only when
/// the cooperative pool has a thread free, which under the parallel suite can take seconds (too late for a test
/// that must act while something else is still in progress).
public func waitUntilBlocking(timeout: Duration = .seconds(10), _ what: String, _ condition: () throws -> Bool) throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: 0.002)
    }
    if try condition() { return }
    throw ConditionTimedOut(what: what)
}
