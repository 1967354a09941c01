/// Serialises responses for HTTP/1.x (RFC 9112 §4, §6): always with Content-Length, so the connection can be
/// reused; `Connection: close` when it will not be.
enum HTTP1ResponseWriter {
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func serialize(_ response: HTTPResponse, version: HTTPVersion, closeAfter: Bool, into out: inout [UInt8]) {
        let versionText = version == .http1_0 ? "HTTP/1.0" : "HTTP/1.1"
        var head = "\(versionText) \(response.status) \(StatusReason.phrase(response.status))\r\n"
        var hasConnection = false
        for field in response.headers where field.name != "content-length" {
            if field.name == "connection" { hasConnection = true }
            head += "\(field.name): \(field.value)\r\n"
        }
        head += "content-length: \(response.body.count)\r\n"
        if !hasConnection {
            if closeAfter {
                head += "connection: close\r\n"
            } else if version == .http1_0 {
                head += "connection: keep-alive\r\n"
            }
        }
        head += "\r\n"
        out.append(contentsOf: head.utf8)
        out.append(contentsOf: response.body)
    }
}
