public import Reloader

/// Just enough OpenAPI v3 for kubectl's default `--validate=strict`. Before `create -f`, `apply -f` or
/// `replace -f`, kubectl asks whether the server validates fields itself (k8s.io/cli-runtime
/// `queryParamVerifierV3`): it reads `/openapi/v3`, then the group version's document, and looks for the PATCH
/// operation tagged with the object's `x-kubernetes-group-version-kind` that takes a `fieldValidation` query
/// parameter. Found: kubectl leaves validation to the server. Missing (404): it falls back to client-side schema
/// validation from `/openapi/v2`, fails to download it and stops ("turn validation off with --validate=false").
/// So kube-sim publishes those PATCH operations and no schemas: kubectl's apply then computes strategic merge
/// patches from its compiled-in types, and `kubectl explain` finds nothing. kube-sim accepts `fieldValidation`
/// and does not validate fields. Pure.
enum OpenAPI {
    static func root(_ registry: ResourceRegistry) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for entry in registry.groupVersions {
            let key = entry.group.isEmpty ? "api/\(entry.version)" : "apis/\(entry.group)/\(entry.version)"
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=kube-sim")]
        }
        return ["paths": .object(paths)]
    }

    /// The document of `openapi/v3/<api/v1 | apis/group/version>`, nil when not served.
    static func groupVersionDocument(_ registry: ResourceRegistry, path: String) -> JSONValue? {
        let key = String(path.dropFirst("/openapi/v3/".count))
        guard
            let entry = registry.groupVersions.first(where: { entry in
                key == (entry.group.isEmpty ? "api/\(entry.version)" : "apis/\(entry.group)/\(entry.version)")
            })
        else { return nil }
        var paths: [String: JSONValue] = [:]
        for resource in entry.resources {
            let collection = resource.collectionPath(namespace: resource.isNamespaced ? "{namespace}" : nil)
            paths["\(collection)/{name}"] = [
                "patch": [
                    "operationId": .string("patch\(resource.kind)"),
                    "parameters": [
                        ["name": "fieldValidation", "in": "query", "schema": ["type": "string"]],
                        ["name": "dryRun", "in": "query", "schema": ["type": "string"]],
                    ],
                    "x-kubernetes-group-version-kind": [
                        "group": .string(resource.group), "version": .string(resource.version),
                        "kind": .string(resource.kind),
                    ],
                    "responses": ["200": ["description": "OK"]],
                ]
            ]
        }
        return [
            "openapi": "3.0.0", "info": ["title": "kube-sim", "version": "v1.32.0"], "paths": .object(paths),
            "components": ["schemas": [:]],
        ]
    }
}
