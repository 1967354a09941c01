/// Parses one HTTP/1.x request head (request line and header fields, without the final empty line) as RFC 9112
/// describes it, strictly: anything a lenient parser might read differently from a proxy in front of us (obs-fold,
/// whitespace before the colon, bare CR or LF, conflicting framing headers) is refused, because those differences
/// are what request smuggling exploits. Pure.
struct HTTP1Head: Equatable {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: BodyFraming
    var keepAlive: Bool
    var expectsContinue: Bool

    enum BodyFraming: Equatable {
        case none
        case contentLength(Int)
        case chunked
    }

    struct Failure: Error, Equatable {
        var status: Int
        var reason: String
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws(Failure) -> HTTP1Head {
        var lines = split(bytes)
        guard !lines.isEmpty else { throw Failure(status: 400, reason: "empty request head") }
        let requestLine = lines.removeFirst()
        let (method, target, version) = try parseRequestLine(requestLine)

        var headers = HTTPHeaders()
        for line in lines {
            guard let first = line.first else { continue }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                throw Failure(status: 400, reason: "obsolete header line folding is not accepted")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw Failure(status: 400, reason: "header line without a colon")
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else {
                throw Failure(status: 400, reason: "invalid header field name")
            }
            var value = line[line.index(after: colon)...]
            while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
            while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw Failure(status: 400, reason: "invalid character in header field value")
            }
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }

        let framing = try framing(headers, version: version)
        if version == .http1_1 {
            let hosts = headers.values("host")
            guard hosts.count == 1 else {
                throw Failure(status: 400, reason: hosts.isEmpty ? "missing Host header" : "more than one Host header")
            }
        }
        let connection = headers.values("connection").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpaces().lowercased() }
        let keepAlive =
            version == .http1_1 ? !connection.contains("close") : connection.contains("keep-alive")
        let expectsContinue =
            version == .http1_1 && headers["expect"]?.trimmingSpaces().lowercased() == "100-continue"
        return HTTP1Head(
            method: method, target: target, version: version, headers: headers, framing: framing,
            keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    /// Splits on CRLF only; a bare CR or LF left inside a line is rejected by the field checks.
    private static func split(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x0D, index + 1 < bytes.endIndex, bytes[index + 1] == 0x0A {
                lines.append(bytes[lineStart..<index])
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        if lineStart < bytes.endIndex { lines.append(bytes[lineStart..<bytes.endIndex]) }
        return lines
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(Failure) -> (String, String, HTTPVersion) {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw Failure(status: 400, reason: "malformed request line") }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(isTokenCharacter) else {
            throw Failure(status: 400, reason: "invalid method")
        }
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Failure(status: 400, reason: "invalid request target")
        }
        let versionText = String(decoding: version, as: UTF8.self)
        let parsedVersion: HTTPVersion
        switch versionText {
        case "HTTP/1.1": parsedVersion = .http1_1
        case "HTTP/1.0": parsedVersion = .http1_0
        default:
            if versionText.hasPrefix("HTTP/"), versionText.count == 8 {
                throw Failure(status: 505, reason: "HTTP version \(versionText) is not supported")
            }
            throw Failure(status: 400, reason: "malformed HTTP version")
        }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), parsedVersion)
    }

    /// RFC 9112 §6.1–6.3: both Content-Length and Transfer-Encoding, or differing lengths, are refused (and the
    /// connection closed by the caller) instead of guessing which one a proxy used.
    private static func framing(_ headers: HTTPHeaders, version: HTTPVersion) throws(Failure) -> BodyFraming {
        let transferEncodings = headers.values("transfer-encoding")
        let lengths = headers.values("content-length").flatMap {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        .map { $0.trimmingSpaces() }
        if !transferEncodings.isEmpty {
            guard lengths.isEmpty else {
                throw Failure(status: 400, reason: "both Content-Length and Transfer-Encoding are present")
            }
            guard version == .http1_1 else {
                throw Failure(status: 400, reason: "Transfer-Encoding in an HTTP/1.0 request")
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map {
                $0.trimmingSpaces().lowercased()
            }
            guard codings == ["chunked"] else {
                throw Failure(status: 501, reason: "only Transfer-Encoding: chunked is supported")
            }
            return .chunked
        }
        guard let first = lengths.first else { return .none }
        guard lengths.allSatisfy({ $0 == first }) else {
            throw Failure(status: 400, reason: "conflicting Content-Length values")
        }
        guard !first.isEmpty, first.count <= 18, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = Int(first)
        else { throw Failure(status: 400, reason: "invalid Content-Length") }
        return .contentLength(length)
    }
}

/// RFC 9110 §5.6.2 tchar.
@inline(__always)
func isTokenCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
        UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let f = slice.first, f == " " || f == "\t" { slice = slice.dropFirst() }
        while let l = slice.last, l == " " || l == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
