import Foundation
import Testing

@testable import WebhookServer

/// Property-based tests of the HTTP/1.1 connection state machine: generated valid requests must round-trip
/// through any segmentation, and mutated or random bytes must only ever produce documented outcomes. The seed is
/// fixed so a failure reproduces; `HTTP1_PROPERTY_SEED` explores other seeds and `HTTP1_PROPERTY_SCALE`
/// multiplies the iteration counts (scripts/fuzz.sh and long local runs).
@Suite struct HTTP1ParserPropertyTests {
    static let t0 = ContinuousClock.now
    static let limits: ServerLimits = {
        var limits = ServerLimits()
        limits.maxHeaderBytes = 4096
        limits.maxBodyBytes = 4096
        return limits
    }()
    static let seed: UInt64 =
        ProcessInfo.processInfo.environment["HTTP1_PROPERTY_SEED"].flatMap { UInt64($0) }
        ?? 0x5EED_F0CA_CC1A_0001
    static let scale: Int = ProcessInfo.processInfo.environment["HTTP1_PROPERTY_SCALE"].flatMap { Int($0) } ?? 1

    @Test("generated valid requests, pipelined and split anywhere, dispatch exactly as generated, in order")
    func roundTrip() {
        var rng = SplitMix64(seed: Self.seed)
        for iteration in 0..<(250 * Self.scale) {
            let count = rng.int(in: 1...5)
            let stream = (0..<count).map { index in
                GeneratedRequest.random(using: &rng, last: index == count - 1, index: index)
            }
            var bytes: [UInt8] = []
            for request in stream {
                if rng.int(in: 0...9) == 0 {
                    bytes += Array(repeating: [0x0D, 0x0A], count: rng.int(in: 1...2)).flatMap { $0 }
                }
                bytes += request.serialised
            }
            let pieces = rng.split(bytes)
            let run = Driver.run(pieces)
            let context =
                "seed \(Self.seed) iteration \(iteration): \(String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription)"
            guard run.dispatched.count == stream.count else {
                Issue.record(
                    "dispatched \(run.dispatched.count) of \(stream.count), ended with \(run.outcome); \(context)")
                return
            }
            for (got, want) in zip(run.dispatched, stream) {
                #expect(got.request.method == want.method, "\(context)")
                #expect(got.request.path == want.path, "\(context)")
                #expect(got.request.query == want.query, "\(context)")
                #expect(got.request.version == want.version, "\(context)")
                #expect(got.request.headers == want.expectedHeaders, "\(context)")
                #expect(got.request.body == want.body, "\(context)")
                #expect(got.closeAfter == want.closes, "\(context)")
            }
            let expectedEnd: Driver.Outcome = stream.last!.closes ? .closed : .waiting
            #expect(run.outcome == expectedEnd, "\(context)")
            if !run.violations.isEmpty { Issue.record("\(run.violations) \(context)"); return }
        }
    }

    @Test("mutated valid requests never crash and only produce documented actions")
    func mutatedRequests() {
        var rng = SplitMix64(seed: Self.seed ^ 0x1)
        var accepted = 0
        var rejected = 0
        for iteration in 0..<(1000 * Self.scale) {
            var bytes: [UInt8] = []
            for index in 0..<rng.int(in: 1...3) {
                bytes += GeneratedRequest.random(using: &rng, last: false, index: index).serialised
            }
            for _ in 0..<rng.int(in: 1...4) { Mutator.mutate(&bytes, using: &rng) }
            let run = Driver.run(rng.split(bytes))
            if case .failed = run.outcome { rejected += 1 } else { accepted += 1 }
            if !run.violations.isEmpty {
                Issue.record(
                    "iteration \(iteration) seed \(Self.seed): \(run.violations) for \(String(decoding: bytes, as: UTF8.self).debugDescription)"
                )
                return
            }
        }
        // Both sides must be exercised, or the mutations are too weak (or too strong) to test anything.
        #expect(accepted > 100 && rejected > 100, "accepted \(accepted), rejected \(rejected)")
    }

    @Test("random bytes never crash and only produce documented actions")
    func randomBytes() {
        var rng = SplitMix64(seed: Self.seed ^ 0x2)
        let alphabet = Array(
            "GET POST / HTTP/1.1\r\n:Host: x Content-Length Transfer-Encoding chunked 0123456789abcdef;".utf8)
        for iteration in 0..<(500 * Self.scale) {
            let count = rng.int(in: 0...600)
            let biased = rng.bool()
            let bytes = (0..<count).map { _ in biased ? alphabet[rng.int(in: 0...(alphabet.count - 1))] : rng.byte() }
            let run = Driver.run(rng.split(bytes))
            if !run.violations.isEmpty {
                Issue.record("iteration \(iteration) seed \(Self.seed): \(run.violations) for \(bytes)")
                return
            }
        }
    }

    @Test("smuggling-shaped framing injected into valid requests is never dispatched")
    func smugglingNeverDispatched() {
        var rng = SplitMix64(seed: Self.seed ^ 0x3)
        for iteration in 0..<(400 * Self.scale) {
            var request = GeneratedRequest.random(using: &rng, last: false, index: 0)
            let shape = Smuggling.allCases[rng.int(in: 0...(Smuggling.allCases.count - 1))]
            request.extraHeaders = shape.headers(using: &rng)
            var bytes = request.serialised
            if rng.bool() { Mutator.mutate(&bytes, using: &rng) }
            let run = Driver.run(rng.split(bytes))
            // Driver.run flags any dispatched request whose own headers are smuggling-shaped.
            if !run.violations.isEmpty {
                Issue.record(
                    "iteration \(iteration) \(shape): \(run.violations) for \(String(decoding: bytes, as: UTF8.self).debugDescription)"
                )
                return
            }
        }
    }
}

// MARK: - Driver and invariants

/// Feeds pieces to a machine the way `Connection` does and checks the invariants after every action.
enum Driver {
    enum Outcome: Equatable {
        /// Waiting for more bytes (between requests or inside one).
        case waiting
        /// Closed after a response with `closeAfter`.
        case closed
        /// Answered with an error and closed.
        case failed(status: Int)
    }

    struct Run {
        var dispatched: [(request: HTTPRequest, closeAfter: Bool)] = []
        var outcome: Outcome = .waiting
        var violations: [String] = []
    }

    static let errorStatuses: Set<Int> = [400, 413, 431, 501, 505]

    static func run(_ pieces: [[UInt8]], limits: ServerLimits = HTTP1ParserPropertyTests.limits) -> Run {
        let t0 = HTTP1ParserPropertyTests.t0
        var machine = HTTP1ConnectionStateMachine(limits: limits, now: t0)
        var run = Run()
        var largestRead = 0
        pieces: for piece in pieces {
            largestRead = max(largestRead, piece.count)
            var action = machine.received(piece, now: t0)
            while true {
                check(machine, limits: limits, largestRead: largestRead, into: &run)
                switch action {
                case .readMore:
                    continue pieces
                case .sendContinue:
                    continue pieces
                case .dispatch(let request, let closeAfter):
                    run.dispatched.append((request, closeAfter))
                    if request.body.count > limits.maxBodyBytes {
                        run.violations.append("dispatched a body of \(request.body.count) bytes")
                    }
                    if !framingHeadersAreSafe(request.headers) {
                        run.violations.append("dispatched smuggling-shaped framing \(request.headers.fields)")
                    }
                    if !fieldsAreClean(request) {
                        run.violations.append("dispatched a field with CR, LF or NUL: \(request)")
                    }
                    if let length = request.headers["content-length"],
                        Int(length.trimmingSpaces()) != request.body.count,
                        !length.contains(",")
                    {
                        run.violations.append("body of \(request.body.count) bytes under Content-Length \(length)")
                    }
                    action = machine.responseQueued(now: t0)
                    if closeAfter {
                        if action != .close { run.violations.append("closeAfter dispatch then \(action)") }
                        run.outcome = .closed
                        break pieces
                    }
                case .respondAndClose(let response):
                    if !errorStatuses.contains(response.status) {
                        run.violations.append("undocumented status \(response.status)")
                    }
                    if response.headers["connection"] != "close" {
                        run.violations.append("error answer without Connection: close")
                    }
                    run.outcome = .failed(status: response.status)
                    break pieces
                case .close:
                    run.violations.append("close while reading")
                    run.outcome = .closed
                    break pieces
                }
            }
        }
        if run.outcome != .waiting {
            let after = machine.received(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: t0)
            if after != .close { run.violations.append("input after the close gave \(after)") }
        }
        return run
    }

    /// The buffered bytes (unconsumed input plus the body collected so far) stay within the limits plus one read;
    /// read through reflection so the machine needs no test-only API.
    static func check(
        _ machine: HTTP1ConnectionStateMachine, limits: ServerLimits, largestRead: Int, into run: inout Run
    ) {
        var buffer = 0
        var start = 0
        var body = 0
        for child in Mirror(reflecting: machine).children {
            switch child.label {
            case "buffer": buffer = (child.value as? [UInt8])?.count ?? 0
            case "start": start = child.value as? Int ?? 0
            case "body": body = (child.value as? [UInt8])?.count ?? 0
            default: break
            }
        }
        let held = buffer - start + body
        if held > limits.maxHeaderBytes + limits.maxBodyBytes + largestRead {
            run.violations.append("holds \(held) bytes")
        }
        if start > buffer { run.violations.append("start \(start) beyond buffer \(buffer)") }
    }

    /// No Content-Length together with Transfer-Encoding, and no two different Content-Lengths.
    static func framingHeadersAreSafe(_ headers: HTTPHeaders) -> Bool {
        let lengths = headers.values("content-length").flatMap {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        .map { $0.trimmingSpaces() }
        let encodings = headers.values("transfer-encoding")
        if !lengths.isEmpty && !encodings.isEmpty { return false }
        if Set(lengths).count > 1 { return false }
        if !encodings.isEmpty,
            encodings.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingSpaces().lowercased() }).filter({
                !$0.isEmpty
            }) != ["chunked"]
        {
            return false
        }
        return true
    }

    static func fieldsAreClean(_ request: HTTPRequest) -> Bool {
        let bad: Set<Character> = ["\r", "\n", "\0"]
        if request.method.isEmpty || !request.method.utf8.allSatisfy(isTokenCharacter) { return false }
        if (request.path + (request.query ?? "")).contains(where: { bad.contains($0) || $0 == " " }) { return false }
        for (name, value) in request.headers {
            if name.isEmpty || !name.utf8.allSatisfy(isTokenCharacter) { return false }
            if value.contains(where: { bad.contains($0) }) { return false }
        }
        return true
    }
}

// MARK: - Generators

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence on every platform.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func bool() -> Bool { Bool.random(using: &self) }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    mutating func pick<T>(_ values: [T]) -> T { values[int(in: 0...(values.count - 1))] }

    /// Splits `bytes` into pieces: mostly small, sometimes one byte at a time, sometimes whole.
    mutating func split(_ bytes: [UInt8]) -> [[UInt8]] {
        if bytes.isEmpty { return [] }
        let maxPiece = pick([1, 2, 7, 64, 512, bytes.count])
        var pieces: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = min(int(in: 1...max(1, maxPiece)), bytes.count - index)
            pieces.append(Array(bytes[index..<index + size]))
            index += size
        }
        return pieces
    }
}

struct GeneratedRequest {
    var method: String
    var path: String
    var query: String?
    var version: HTTPVersion
    /// Header lines as written (name case and whitespace included) and as the machine must report them.
    var headerLines: [String]
    var expectedHeaders: HTTPHeaders
    var body: [UInt8]
    var framedBody: [UInt8]
    var closes: Bool
    /// Added after the generated headers without changing `expectedHeaders` (smuggling tests).
    var extraHeaders: [String] = []

    static let tchar = Array("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let pchar = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@%")
    static let valueChars = Array(
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~é✓")
    static let reserved: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "expect"]

    var serialised: [UInt8] {
        let target = path + (query.map { "?" + $0 } ?? "")
        var text = "\(method) \(target) \(version.rawValue)\r\n"
        for line in headerLines + extraHeaders { text += line + "\r\n" }
        text += "\r\n"
        return Array(text.utf8) + framedBody
    }

    static func token(using rng: inout SplitMix64, length: ClosedRange<Int>) -> String {
        String((0..<rng.int(in: length)).map { _ in rng.pick(tchar) })
    }

    static func random(using rng: inout SplitMix64, last: Bool, index: Int) -> GeneratedRequest {
        let method =
            rng.int(in: 0...2) == 0
            ? token(using: &rng, length: 1...10) : rng.pick(["GET", "POST", "PUT", "DELETE", "PATCH"])
        let path =
            "/"
            + (0..<rng.int(in: 0...4)).map { _ in String((0..<rng.int(in: 0...12)).map { _ in rng.pick(pchar) }) }
            .joined(separator: "/")
        let query: String? =
            rng.int(in: 0...2) == 0
            ? nil
            : (0..<rng.int(in: 0...3)).map { _ in
                "\(token(using: &rng, length: 1...6))=\(String((0..<rng.int(in: 0...8)).map { _ in rng.pick(pchar + ["?", "/"]) }))"
            }
            .joined(separator: "&")
        let version: HTTPVersion = rng.int(in: 0...3) == 0 ? .http1_0 : .http1_1

        var lines: [String] = []
        var expected: [(String, String)] = []
        func add(_ name: String, _ value: String, rng: inout SplitMix64) {
            let written = String(name.map { rng.bool() ? Character($0.uppercased()) : Character($0.lowercased()) })
            let before = rng.pick(["", " ", "  ", "\t", " \t"])
            let after = rng.pick(["", "", " ", "\t "])
            lines.append("\(written):\(before)\(value)\(after)")
            expected.append((name.lowercased(), value))
        }
        for _ in 0..<rng.int(in: 0...20) {
            var name = token(using: &rng, length: 1...20)
            while reserved.contains(name.lowercased()) { name = token(using: &rng, length: 1...20) }
            var value = String((0..<rng.int(in: 0...40)).map { _ in rng.pick(valueChars) })
            while let f = value.first, f == " " || f == "\t" { value.removeFirst() }
            while let l = value.last, l == " " || l == "\t" { value.removeLast() }
            add(name, value, rng: &rng)
        }
        if version == .http1_1 || rng.bool() {
            let host = "h\(index).example:\(rng.int(in: 1...65535))"
            let position = rng.int(in: 0...lines.count)
            add("Host", host, rng: &rng)
            lines.insert(lines.removeLast(), at: position)
            expected.insert(expected.removeLast(), at: position)
        }
        let closes = last && rng.bool()
        if version == .http1_0 && !closes {
            add("Connection", rng.pick(["keep-alive", "Keep-Alive", "foo, keep-alive"]), rng: &rng)
        }
        if version == .http1_1 && closes {
            add("Connection", rng.pick(["close", "Close", "keep-alive, close"]), rng: &rng)
        }

        let body = (0..<rng.pick([0, 1, rng.int(in: 0...64), rng.int(in: 0...2000)])).map { _ in rng.byte() }
        var framed: [UInt8] = []
        let framing = version == .http1_1 ? rng.int(in: 0...2) : rng.int(in: 0...1)
        switch framing {
        case 0 where body.isEmpty:
            break
        case 2:
            add("Transfer-Encoding", rng.pick(["chunked", "Chunked", "CHUNKED"]), rng: &rng)
            framed = chunked(body, using: &rng)
        default:
            add("Content-Length", "\(body.count)", rng: &rng)
            framed = body
        }
        // Framing, Host and Connection lines land at random positions among the others.
        if lines.count > 1 {
            let order = Array(0..<lines.count).shuffled(using: &rng)
            lines = order.map { lines[$0] }
            expected = order.map { expected[$0] }
        }
        return GeneratedRequest(
            method: method, path: path, query: query, version: version, headerLines: lines,
            expectedHeaders: HTTPHeaders(expected), body: body, framedBody: framed, closes: closes)
    }

    static func chunked(_ body: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        func sizeLine(_ size: Int, rng: inout SplitMix64) -> String {
            var hex = String(size, radix: 16, uppercase: rng.bool())
            if rng.int(in: 0...4) == 0 { hex = String(repeating: "0", count: rng.int(in: 1...3)) + hex }
            if rng.int(in: 0...3) == 0 {
                let name = token(using: &rng, length: 1...8)
                hex += rng.pick([
                    ";\(name)", ";\(name)=\(token(using: &rng, length: 1...8))", ";\(name)=\"q v\"", ";a;b=c",
                ])
            }
            return hex + "\r\n"
        }
        while index < body.count {
            let size = min(rng.pick([1, rng.int(in: 1...16), rng.int(in: 1...600)]), body.count - index)
            out += Array(sizeLine(size, rng: &rng).utf8) + body[index..<index + size] + [0x0D, 0x0A]
            index += size
        }
        out += Array(sizeLine(0, rng: &rng).utf8)
        for _ in 0..<rng.pick([0, 0, 1, 3]) {
            out += Array("\(token(using: &rng, length: 1...10)): \(token(using: &rng, length: 0...10))\r\n".utf8)
        }
        out += [0x0D, 0x0A]
        return out
    }
}

enum Smuggling: CaseIterable {
    case contentLengthAndChunked, chunkedAndContentLength, twoContentLengths, listedContentLengths, spacedEncoding

    func headers(using rng: inout SplitMix64) -> [String] {
        let a = rng.int(in: 0...100)
        let b = a + rng.int(in: 1...100)
        switch self {
        case .contentLengthAndChunked: return ["Content-Length: \(a)", "Transfer-Encoding: chunked"]
        case .chunkedAndContentLength: return ["transfer-encoding: chunked", "content-length: \(a)"]
        case .twoContentLengths: return ["Content-Length: \(a)", "Content-Length: \(b)"]
        case .listedContentLengths: return ["Content-Length: \(a), \(b)"]
        case .spacedEncoding: return ["Transfer-Encoding : chunked", "Content-Length: \(a)"]
        }
    }
}

enum Mutator {
    static let interesting: [[UInt8]] = [
        [0x0D], [0x0A], [0x00], [0x20], [0x3A], [0x0D, 0x0A], [0x09], [0x7F], [0xFF],
        Array("\r\n\r\n".utf8), Array("Content-Length: 3\r\n".utf8), Array("Transfer-Encoding: chunked\r\n".utf8),
        Array(",".utf8), Array("0\r\n\r\n".utf8), Array(";".utf8),
    ]

    static func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        guard !bytes.isEmpty else { bytes = rng.pick(interesting); return }
        let at = rng.int(in: 0...(bytes.count - 1))
        switch rng.int(in: 0...6) {
        case 0:
            bytes[at] ^= UInt8(1) << UInt8(rng.int(in: 0...7))
        case 1:
            bytes.insert(rng.byte(), at: at)
        case 2:
            bytes.removeSubrange(at..<min(bytes.count, at + rng.int(in: 1...8)))
        case 3:
            let end = min(bytes.count, at + rng.int(in: 1...32))
            let range = Array(bytes[at..<end])
            bytes.insert(contentsOf: range, at: rng.int(in: 0...bytes.count))
        case 4, 5:
            bytes.insert(contentsOf: rng.pick(interesting), at: at)
        default:
            // Swap two header lines (any two CRLF-terminated lines).
            var lines: [[UInt8]] = []
            var lineStart = 0
            for i in 0..<(bytes.count - 1) where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && i + 2 > lineStart {
                lines.append(Array(bytes[lineStart..<i + 2]))
                lineStart = i + 2
            }
            let rest = Array(bytes[lineStart...])
            guard lines.count > 2 else { return }
            lines.swapAt(rng.int(in: 1...(lines.count - 1)), rng.int(in: 1...(lines.count - 1)))
            bytes = lines.flatMap { $0 } + rest
        }
    }
}
