/// Routes (method, path) to handlers: exact paths only, 404 for an unknown path, 405 (with `Allow`) for a
/// known path with another method. Built once before the server starts, then read-only, hence Sendable.
public struct Router: HTTPHandler {
    private var routes: [String: [String: any HTTPHandler]] = [:]

    public init() {}

    public mutating func add(_ method: String, _ path: String, _ handler: any HTTPHandler) {
        routes[path, default: [:]][method.uppercased()] = handler
    }

    public mutating func add(
        _ method: String, _ path: String, _ body: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) {
        add(method, path, HandlerFunction(body))
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let methods = routes[request.path] else {
            return .error(404, "no handler for path \(request.path)")
        }
        if let handler = methods[request.method] {
            return handler.handle(request)
        }
        var response = HTTPResponse.error(405, "method \(request.method) not allowed on \(request.path)")
        response.headers.add(name: "allow", value: methods.keys.sorted().joined(separator: ", "))
        return response
    }
}
