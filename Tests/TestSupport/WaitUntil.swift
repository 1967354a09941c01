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
