import Foundation
public import Reloader
public import WebhookServer

/// kube-sim's HTTP handler: discovery, the resource verbs, and the `/sim/...` test endpoints (rollouts, faults,
/// request log, compaction). Every request but `/sim/requests` itself is logged; faults apply to resource
/// requests only, so discovery keeps working while a test breaks the API. Any bearer token (or none) is accepted.
/// Thread-safe: its state lives in `ObjectStore`, `FaultInjector` and `RequestLog`.
public struct KubeSimHandler: HTTPHandler {
    public let store: ObjectStore
    public let faults: FaultInjector
    public let requests: RequestLog
    let endpoint: ResourceEndpoint
    let serverAddress: String

    public init(
        store: ObjectStore, patchApplier: any PatchApplier = KubePatchApplier(), faults: FaultInjector = .init(),
        requests: RequestLog = .init(), serverAddress: String = "127.0.0.1:6443"
    ) {
        self.store = store
        self.faults = faults
        self.requests = requests
        self.endpoint = ResourceEndpoint(store: store, patchApplier: patchApplier)
        self.serverAddress = serverAddress
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        let response = route(request)
        if request.path != "/sim/requests" {
            requests.append(
                RequestLog.Entry(
                    time: Date(), method: request.method, path: request.path, query: request.query,
                    status: response.isDropConnection ? 0 : response.status, duration: ContinuousClock.now - started,
                    userAgent: request.headers["user-agent"],
                    tokenSuffix: RequestLog.tokenSuffix(authorization: request.headers["authorization"])))
        }
        return response
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        do {
            if request.path.hasPrefix("/sim/") { return try simulatorEndpoint(request) }
            switch request.path {
            case "/healthz", "/readyz", "/livez": return .text(200, "ok")
            case "/openapi/v2":
                // No v2 schemas: see `OpenAPI` for why kubectl does not need them.
                throw APIError.notFoundPath(request.path)
            case "/openapi/v3":
                return ResourceEndpoint.json(200, OpenAPI.root(store.registry))
            default: break
            }
            if request.path.hasPrefix("/openapi/v3/") {
                guard let document = OpenAPI.groupVersionDocument(store.registry, path: request.path) else {
                    throw APIError.notFoundPath(request.path)
                }
                return ResourceEndpoint.json(200, document)
            }
            if let document = Discovery.document(
                for: request.path, registry: store.registry, serverAddress: serverAddress)
            {
                guard request.method == "GET" else { throw APIError.methodNotAllowed(request.method, request.path) }
                guard let document else { throw APIError.notFoundPath(request.path) }
                return ResourceEndpoint.json(200, document)
            }
            guard let path = try APIPath(request.path, registry: store.registry) else {
                throw APIError.notFoundPath(request.path)
            }
            let query = QueryParameters(request.query)
            let verb = path.verb(method: request.method, isWatch: query["watch"] == "true")
            let action = faults.action(
                verb: verb, resource: path.resource.resource, userAgent: request.headers["user-agent"], now: Date())
            if action.latencyMilliseconds > 0 {
                // Blocks this event-loop thread: acceptable in a test simulator, and it is what a slow apiserver
                // looks like to a client.
                Thread.sleep(forTimeInterval: Double(action.latencyMilliseconds) / 1000)
            }
            switch action.outcome {
            case .proceed: return try endpoint.handle(request, path: path, query: query)
            case .fail(let error): throw error
            case .drop: return .dropConnection
            }
        } catch let error as APIError {
            return ResourceEndpoint.error(error)
        } catch {
            return ResourceEndpoint.error(.internalError("\(error)"))
        }
    }

    private func simulatorEndpoint(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let query = QueryParameters(request.query)
        switch (request.method, request.path) {
        case ("GET", "/sim/rollouts"):
            let records = store.rollouts(
                namespace: query["namespace"].flatMap { $0.isEmpty ? nil : $0 },
                kind: query["kind"].flatMap { $0.isEmpty ? nil : $0 },
                name: query["name"].flatMap { $0.isEmpty ? nil : $0 })
            return ResourceEndpoint.json(200, ["items": .array(records.map(\.json))])
        case ("DELETE", "/sim/rollouts"):
            store.clearRollouts()
            return ResourceEndpoint.json(200, ["items": []])
        case ("POST", "/sim/faults"):
            let body = try ResourceEndpoint.parseBody(request)
            faults.add(try FaultInjector.Rule(json: body, now: Date()))
            return ResourceEndpoint.json(201, body)
        case ("DELETE", "/sim/faults"):
            faults.clear()
            return ResourceEndpoint.json(200, [:])
        case ("GET", "/sim/requests"):
            return ResourceEndpoint.json(200, ["items": .array(requests.all.map(\.json))])
        case ("DELETE", "/sim/requests"):
            requests.clear()
            return ResourceEndpoint.json(200, ["items": []])
        case ("POST", "/sim/compact"):
            store.compact()
            return ResourceEndpoint.json(200, ["revision": .number(String(store.revision))])
        case (_, "/sim/rollouts"), (_, "/sim/faults"), (_, "/sim/requests"), (_, "/sim/compact"):
            throw .methodNotAllowed(request.method, request.path)
        default:
            throw .notFoundPath(request.path)
        }
    }
}
