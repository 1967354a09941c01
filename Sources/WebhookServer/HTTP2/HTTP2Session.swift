// Temporary stand-in until the nghttp2 session lands (same API); refuses every HTTP/2 connection.
final class HTTP2Session {
    init(handler: any HTTPHandler, limits: ServerLimits, observer: any ServerObserver) throws(HTTP2Error) {
        throw .unavailable
    }
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool { false }
    func takeOutput() -> [UInt8] { [] }
    func goAway() {}
    var isFinished: Bool { true }
    var hasOpenStreams: Bool { false }
}
enum HTTP2Error: Error { case unavailable }
