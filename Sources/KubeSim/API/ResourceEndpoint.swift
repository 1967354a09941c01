import Foundation
public import Reloader
public import WebhookServer

/// Serves the verbs on resource URLs (get, list, create, update, patch, delete, deletecollection) over the
/// `ObjectStore`, with kube-apiserver's status codes and bodies. Thread-safe (stateless over the store).
struct ResourceEndpoint: Sendable {
    let store: ObjectStore
    let patchApplier: any PatchApplier

    func handle(_ request: HTTPRequest, path: APIPath, query: QueryParameters) throws(APIError) -> HTTPResponse {
        if path.subresource != nil {
            throw .notFoundPath(request.path + " (kube-sim serves no subresources)")
        }
        let dryRun = try Self.dryRun(query)
        let resource = path.resource
        if resource.isNamespaced == false && path.namespace != nil { throw .notFoundPath(request.path) }
        switch (request.method, path.name) {
        case ("GET", nil):
            if query["watch"] == "true" || query["watch"] == "1" {
                throw .methodNotAllowed("GET", request.path + "?watch=true (kube-sim does not serve watches)")
            }
            return Self.json(
                200, try store.list(resource, namespace: path.namespace, options: try Self.listOptions(query)))
        case ("GET", let name?):
            return Self.json(200, try store.get(resource, namespace: path.namespace, name: name))
        case ("POST", nil):
            let body = try Self.parseBody(request)
            let result = try store.create(
                resource, namespace: path.namespace, body: body, dryRun: dryRun,
                options: Self.options("CreateOptions", dryRun, query))
            return Self.json(201, result.object, warnings: result.warnings)
        case ("PUT", let name?):
            let body = try Self.parseBody(request)
            let result = try store.update(
                resource, namespace: path.namespace, name: name, dryRun: dryRun,
                options: Self.options("UpdateOptions", dryRun, query)
            ) { (_) throws(APIError) -> JSONValue in body }
            return Self.json(200, result.object, warnings: result.warnings)
        case ("PATCH", let name?):
            let contentType = request.headers["content-type"] ?? ""
            if contentType.lowercased().hasPrefix("application/apply-patch") {
                throw .unsupportedMediaType(
                    "server-side apply (\(contentType)) is not supported by kube-sim; use client-side "
                        + "`kubectl apply` (the default) or a merge, JSON or strategic merge patch")
            }
            let result = try store.update(
                resource, namespace: path.namespace, name: name, dryRun: dryRun,
                // kube-apiserver admits a patch as an UPDATE with UpdateOptions (handlers/patch.go,
                // patchToUpdateOptions), so webhooks never see PatchOptions.
                options: Self.options("UpdateOptions", dryRun, query)
            ) { (stored) throws(APIError) -> JSONValue in
                try patchApplier.apply(patch: request.body, contentType: contentType, to: stored, resource: resource)
            }
            return Self.json(200, result.object, warnings: result.warnings)
        case ("DELETE", let name?):
            let options = try Self.deleteOptions(request, dryRun: dryRun)
            let result = try store.delete(
                resource, namespace: path.namespace, name: name, dryRun: options.dryRun, options: options.json)
            return Self.json(200, result.object, warnings: result.warnings)
        case ("DELETE", nil):
            let options = try Self.deleteOptions(request, dryRun: dryRun)
            var listOptions = try Self.listOptions(query)
            listOptions.limit = nil
            listOptions.continueToken = nil
            var list = try store.list(resource, namespace: path.namespace, options: listOptions)
            var deleted: [JSONValue] = []
            var warnings: [String] = []
            for item in list["items"]?.arrayValue ?? [] {
                guard let name = item[at: ["metadata", "name"]]?.stringValue else { continue }
                let namespace = item[at: ["metadata", "namespace"]]?.stringValue
                do {
                    let result = try store.delete(
                        resource, namespace: namespace, name: name, dryRun: options.dryRun, options: options.json)
                    var object = result.object
                    object["apiVersion"] = nil
                    object["kind"] = nil
                    deleted.append(object)
                    warnings += result.warnings
                } catch  where error.code == 404 {
                    continue  // deleted meanwhile
                }
            }
            list["items"] = .array(deleted)
            return Self.json(200, list, warnings: warnings)
        default:
            throw .methodNotAllowed(request.method, request.path)
        }
    }

    // MARK: - Request pieces

    static func dryRun(_ query: QueryParameters) throws(APIError) -> Bool {
        switch query["dryRun"] {
        case nil, "": false
        case "All": true
        case let other?: throw .badRequest("Invalid dryRun value \"\(other)\"; the only supported value is All")
        }
    }

    /// The CreateOptions/UpdateOptions/DeleteOptions object kube-apiserver puts into an AdmissionReview: dryRun and
    /// the query's fieldManager (kubectl sends one on every write).
    static func options(_ kind: String, _ dryRun: Bool, _ query: QueryParameters? = nil) -> JSONValue {
        var options: [String: JSONValue] = ["kind": .string(kind), "apiVersion": "meta.k8s.io/v1"]
        if dryRun { options["dryRun"] = ["All"] }
        if kind != "DeleteOptions", let manager = query?["fieldManager"], !manager.isEmpty {
            options["fieldManager"] = .string(manager)
        }
        return .object(options)
    }

    static func listOptions(_ query: QueryParameters) throws(APIError) -> StoreState.ListOptions {
        var options = StoreState.ListOptions()
        if let text = query["labelSelector"], !text.isEmpty { options.labelSelector = try LabelSelector(parsing: text) }
        if let text = query["fieldSelector"], !text.isEmpty { options.fieldSelector = try FieldSelector(parsing: text) }
        if let text = query["limit"], !text.isEmpty {
            guard let limit = Int(text), limit >= 0 else { throw .badRequest("limit must be a non-negative integer") }
            options.limit = limit
        }
        options.continueToken = query["continue"]
        return options
    }

    /// DeleteOptions from the body (kubectl sends one) and the query; `dryRun` from either.
    static func deleteOptions(_ request: HTTPRequest, dryRun: Bool) throws(APIError) -> (json: JSONValue, dryRun: Bool)
    {
        var options: JSONValue = options("DeleteOptions", dryRun)
        if !request.body.isEmpty {
            let body = try parseBody(request)
            if case .object(let members) = body {
                for (key, value) in members where key != "kind" && key != "apiVersion" { options[key] = value }
            }
        }
        let bodyDryRun = options["dryRun"]?.arrayValue?.contains("All") ?? false
        if let policy = options["propagationPolicy"]?.stringValue,
            !["Orphan", "Background", "Foreground"].contains(policy)
        {
            throw .badRequest("propagationPolicy \"\(policy)\" is not one of Orphan, Background, Foreground")
        }
        return (options, dryRun || bodyDryRun)
    }

    static func parseBody(_ request: HTTPRequest) throws(APIError) -> JSONValue {
        let contentType = (request.headers["content-type"] ?? "application/json").lowercased()
        if contentType.hasPrefix("application/vnd.kubernetes.protobuf") { return try ProtobufBody.decode(request.body) }
        guard contentType.hasPrefix("application/json") || contentType.hasPrefix("*/*") else {
            throw .unsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types "
                    + "include: application/json (kube-sim does not read \(contentType))")
        }
        do {
            return try JSONValue.parse(request.body)
        } catch {
            throw .badRequest("the body of the request could not be parsed as JSON: \(error)")
        }
    }

    // MARK: - Responses

    static func json(_ status: Int, _ value: JSONValue, warnings: [String] = []) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        for warning in warnings {
            let escaped = warning.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            headers.add(name: "warning", value: "299 - \"\(escaped)\"")
        }
        var body = value.serialized()
        body.append(UInt8(ascii: "\n"))
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    static func error(_ error: APIError) -> HTTPResponse {
        var response = json(error.code, error.status, warnings: error.warnings)
        if let seconds = error.retryAfterSeconds { response.headers.add(name: "retry-after", value: String(seconds)) }
        return response
    }
}
