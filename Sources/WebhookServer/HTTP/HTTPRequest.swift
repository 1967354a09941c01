/// The HTTP versions the server speaks. HTTP/2 is negotiated by ALPN only.
public enum HTTPVersion: String, Sendable, Equatable {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"
    case http2 = "HTTP/2"
}

/// Header fields in arrival order. Names are stored lowercased (HTTP/2 requires it and HTTP/1.1 names are
/// case-insensitive, RFC 9110 §5.1), so look-ups compare lowercased names.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}
    public init(_ fields: [(String, String)]) {
        for (name, value) in fields { add(name: name, value: value) }
    }

    public mutating func add(name: String, value: String) {
        fields.append((Self.lowercased(name), value))
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        let wanted = Self.lowercased(name)
        return fields.first(where: { $0.name == wanted })?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let wanted = Self.lowercased(name)
        return fields.filter { $0.name == wanted }.map(\.value)
    }

    /// Names are nearly always lowercase already (HTTP/2 requires it, clients mostly send it): check the bytes
    /// before paying for `lowercased()`, which allocates, on every header of every request.
    @inline(__always)
    static func lowercased(_ name: String) -> String {
        name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? name.lowercased() : name
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields, by: { $0.name == $1.name && $0.value == $1.value })
    }
}

/// One complete request, body included: handlers see nothing of framing, TLS or the connection.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// The path without the query, e.g. `/validate`.
    public var path: String
    /// The raw query after `?`, without it; nil when absent.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: String, path: String, query: String? = nil, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// Splits a request target (`/path?query`) into path and query.
    public static func splitTarget(_ target: String) -> (path: String, query: String?) {
        guard let mark = target.firstIndex(of: "?") else { return (target, nil) }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}

/// One complete response. `Content-Length`, `Date` and connection headers are added by the server.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A small JSON error body, `{"error":"<reason>"}`, as every error answer of the server carries.
    public static func error(_ status: Int, _ reason: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(
            status: status, headers: headers, body: Array("{\"error\":\(JSONString.quote(reason))}\n".utf8))
    }

    /// A response that asks the server to close the connection without answering (HTTP/1.1: the socket is closed
    /// with nothing written; HTTP/2: the session fails and the connection closes). For fault injection in tests
    /// (kube-sim's dropped connections); a real handler never wants this.
    public static var dropConnection: HTTPResponse {
        var response = HTTPResponse(status: 500)
        response.isDropConnection = true
        return response
    }

    /// Set only by `dropConnection`; a stored flag so the check costs nothing on ordinary answers.
    public private(set) var isDropConnection = false

    public static func text(
        _ status: Int, _ body: String, contentType: String = "text/plain; charset=utf-8"
    ) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        return HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }
}

/// The one-method handler contract (as Go's `http.Handler`): a complete request in, a complete response out.
/// Handlers run on the connection's event-loop thread, so they must be quick and must not block.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
}

/// A handler made from a closure.
public struct HandlerFunction: HTTPHandler {
    let body: @Sendable (HTTPRequest) -> HTTPResponse
    public init(_ body: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.body = body }
    public func handle(_ request: HTTPRequest) -> HTTPResponse { body(request) }
}
