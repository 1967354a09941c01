/// Why an HTTP/2 session could not be set up or had to stop. `reason` is nghttp2's own error string
/// (`nghttp2_strerror`), so a log line names what the library objected to.
enum HTTP2Error: Error, Equatable, CustomStringConvertible {
    /// Creating the nghttp2 session or queueing its first SETTINGS failed (`step` names the call).
    case setupFailed(step: String, code: Int32, reason: String)
    /// The peer's bytes broke the protocol beyond recovery (bad preface, flood, compression error...).
    case receiveFailed(code: Int32, reason: String)
    /// nghttp2 could not serialise what it wanted to send.
    case sendFailed(code: Int32, reason: String)

    var description: String {
        switch self {
        case .setupFailed(let step, let code, let reason): "HTTP/2 session setup failed at \(step): \(reason) (\(code))"
        case .receiveFailed(let code, let reason): "HTTP/2 peer data rejected: \(reason) (\(code))"
        case .sendFailed(let code, let reason): "HTTP/2 output failed: \(reason) (\(code))"
        }
    }
}
