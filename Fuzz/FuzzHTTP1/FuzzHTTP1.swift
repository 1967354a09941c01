// libFuzzer entry for the HTTP/1.1 connection state machine. Built by scripts/fuzz.sh with
// `swiftc -sanitize=fuzzer,address` together with the parser's sources (one module, so internal types are
// visible); not a SwiftPM target, so `swift build` never sees it. Any violated invariant traps, which libFuzzer
// reports as a crash and saves the input.

/// Small limits so the fuzzer reaches them with short inputs.
let fuzzLimits: ServerLimits = {
    var limits = ServerLimits()
    limits.maxHeaderBytes = 1024
    limits.maxBodyBytes = 2048
    return limits
}()

struct Outcome: Equatable {
    var dispatched: [HTTPRequest] = []
    var closeAfter: [Bool] = []
    /// nil: still reading; 0: closed after a response; otherwise the error status.
    var end: Int?
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

func framingIsSafe(_ headers: HTTPHeaders) -> Bool {
    let lengths = headers.values("content-length").flatMap {
        $0.split(separator: ",", omittingEmptySubsequences: false)
    }
    .map { $0.trimmingSpaces() }
    let encodings = headers.values("transfer-encoding")
    if !lengths.isEmpty && !encodings.isEmpty { return false }
    if Set(lengths).count > 1 { return false }
    if !encodings.isEmpty
        && encodings.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingSpaces().lowercased() }).filter({
            !$0.isEmpty
        }) != ["chunked"]
    {
        return false
    }
    return true
}

func run(_ bytes: [UInt8], pieceSizes: (Int) -> Int) -> Outcome {
    let now = ContinuousClock.now
    var machine = HTTP1ConnectionStateMachine(limits: fuzzLimits, now: now)
    var outcome = Outcome()
    var index = 0
    var piece = 0
    reading: while index < bytes.count {
        let size = min(max(1, pieceSizes(piece)), bytes.count - index)
        piece += 1
        var action = machine.received(Array(bytes[index..<index + size]), now: now)
        index += size
        while true {
            switch action {
            case .readMore, .sendContinue:
                continue reading
            case .dispatch(let request, let closeAfter):
                check(request.body.count <= fuzzLimits.maxBodyBytes, "body of \(request.body.count) bytes dispatched")
                check(framingIsSafe(request.headers), "smuggling-shaped framing dispatched: \(request.headers.fields)")
                check(
                    !request.method.isEmpty && request.method.utf8.allSatisfy(isTokenCharacter),
                    "bad method \(request.method)")
                for (name, value) in request.headers {
                    check(
                        !name.isEmpty && name.utf8.allSatisfy(isTokenCharacter),
                        "bad header name \(name.debugDescription)")
                    check(
                        !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }),
                        "bad header value \(value.debugDescription)")
                }
                if let length = request.headers["content-length"], !length.contains(",") {
                    check(
                        Int(length) == request.body.count,
                        "body of \(request.body.count) bytes under Content-Length \(length)")
                }
                outcome.dispatched.append(request)
                outcome.closeAfter.append(closeAfter)
                action = machine.responseQueued(now: now)
                if closeAfter {
                    check(action == .close, "closeAfter, then \(action)")
                    outcome.end = 0
                    break reading
                }
            case .respondAndClose(let response):
                check([400, 413, 431, 501, 505].contains(response.status), "undocumented status \(response.status)")
                outcome.end = response.status
                break reading
            case .close:
                fatalError("close while reading")
            }
        }
    }
    if outcome.end != nil {
        check(
            machine.received(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: now) == .close, "input after close")
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = run(bytes) { _ in Int.max }
    // The outcome must not depend on how TCP segmented the stream.
    let single = run(bytes) { _ in 1 }
    check(whole == single, "whole \(whole) but byte by byte \(single)")
    let seed = bytes.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
    let irregular = run(bytes) { piece in Int(truncatingIfNeeded: (seed >> UInt64(piece % 60)) & 0x3F) + 1 }
    check(whole == irregular, "whole \(whole) but in irregular pieces \(irregular)")
    return 0
}
