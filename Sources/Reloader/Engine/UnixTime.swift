import Foundation

/// The wall clock in whole Unix seconds, the unit of every time reloader writes into objects (`paused-at`,
/// Argo `restartAt`, `observedAt`). Types that need time take a `now` closure defaulting to this, so tests pass
/// their own.
public enum UnixTime {
    public static let now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    /// With the fraction, for metrics (`reloader_last_resync_timestamp_seconds`).
    public static let exact: @Sendable () -> Double = { Date().timeIntervalSince1970 }
}
