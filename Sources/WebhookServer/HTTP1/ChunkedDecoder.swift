/// Decodes `Transfer-Encoding: chunked` (RFC 9112 §7.1) incrementally. Chunk extensions are skipped, trailer
/// fields are read and dropped. Size lines and trailers are bounded so a peer cannot make us buffer without limit.
struct ChunkedDecoder: Equatable {
    enum Result: Equatable {
        case needMore
        case complete
        case failed(status: Int, reason: String)
    }

    private enum Phase: Equatable {
        case sizeLine
        case data(remaining: Int)
        case dataEnd
        case trailers(consumed: Int)
    }

    private var phase: Phase = .sizeLine
    private static let maxSizeLine = 1024

    mutating func decode(
        _ buffer: [UInt8], from start: inout Int, into body: inout [UInt8], limits: ServerLimits
    ) -> Result {
        while true {
            switch phase {
            case .sizeLine:
                // The same limit whether or not the line has arrived whole (an unfinished line ending in CR
                // is one byte longer than the line), so the outcome does not depend on how TCP split it.
                guard let lineEnd = findCRLF(buffer, from: start) else {
                    return buffer.count - start - 1 > Self.maxSizeLine
                        ? .failed(status: 400, reason: "chunk size line too long") : .needMore
                }
                guard lineEnd - start <= Self.maxSizeLine else {
                    return .failed(status: 400, reason: "chunk size line too long")
                }
                let line = buffer[start..<lineEnd]
                let sizeDigits = line.prefix(while: { $0 != UInt8(ascii: ";") })
                guard !sizeDigits.isEmpty, sizeDigits.count <= 15,
                    let size = Int(String(decoding: sizeDigits, as: UTF8.self), radix: 16), size >= 0,
                    sizeDigits.allSatisfy({ isHexDigit($0) })
                else { return .failed(status: 400, reason: "invalid chunk size") }
                start = lineEnd + 2
                if size == 0 {
                    phase = .trailers(consumed: 0)
                } else {
                    guard body.count + size <= limits.maxBodyBytes else {
                        return .failed(status: 413, reason: "request body exceeds \(limits.maxBodyBytes) bytes")
                    }
                    phase = .data(remaining: size)
                }
            case .data(let remaining):
                let available = min(remaining, buffer.count - start)
                body.append(contentsOf: buffer[start..<start + available])
                start += available
                if available < remaining {
                    phase = .data(remaining: remaining - available)
                    return .needMore
                }
                phase = .dataEnd
            case .dataEnd:
                guard buffer.count - start >= 2 else { return .needMore }
                guard buffer[start] == 0x0D, buffer[start + 1] == 0x0A else {
                    return .failed(status: 400, reason: "chunk data not followed by CRLF")
                }
                start += 2
                phase = .sizeLine
            case .trailers(let consumed):
                guard let lineEnd = findCRLF(buffer, from: start) else {
                    // As for the size line: judge the shortest line these bytes can still become (the empty
                    // line ending the section is never counted), so the split of the bytes does not matter.
                    let shortest = buffer.count - start - 1
                    return shortest > 0 && consumed + shortest > limits.maxHeaderBytes
                        ? .failed(status: 431, reason: "trailer section too large") : .needMore
                }
                let length = lineEnd - start
                start = lineEnd + 2
                if length == 0 {
                    phase = .sizeLine
                    return .complete
                }
                guard consumed + length <= limits.maxHeaderBytes else {
                    return .failed(status: 431, reason: "trailer section too large")
                }
                phase = .trailers(consumed: consumed + length + 2)
            }
        }
    }

    private func findCRLF(_ buffer: [UInt8], from index: Int) -> Int? {
        var index = index
        while index + 1 < buffer.count {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }
}

@inline(__always)
func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
}
