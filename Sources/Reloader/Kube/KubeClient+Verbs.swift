/// The API verbs over typed paths. Bodies and results are `JSONValue`s; `dryRun: true` adds `dryRun=All`, which
/// makes the server validate and admit a write without persisting it.
extension KubeClient {
    public enum PatchType: String, Sendable, CaseIterable {
        case strategicMerge = "application/strategic-merge-patch+json"
        case merge = "application/merge-patch+json"
        case json = "application/json-patch+json"
    }

    public enum PropagationPolicy: String, Sendable {
        case orphan = "Orphan"
        case background = "Background"
        case foreground = "Foreground"
    }

    public struct ListOptions: Sendable, Equatable {
        public var labelSelector: String?
        public var fieldSelector: String?
        public var limit: Int?
        public var continueToken: String?

        public init(
            labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil
        ) {
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.limit = limit
            self.continueToken = continueToken
        }

        var query: [(name: String, value: String)] {
            var items: [(name: String, value: String)] = []
            if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector)) }
            if let fieldSelector, !fieldSelector.isEmpty { items.append(("fieldSelector", fieldSelector)) }
            if let limit, limit > 0 { items.append(("limit", String(limit))) }
            if let continueToken, !continueToken.isEmpty { items.append(("continue", continueToken)) }
            return items
        }
    }

    /// One page of a list: its items, the list's resourceVersion and the token for the next page (nil at the end).
    public struct ListPage: Sendable, Equatable {
        public var items: [JSONValue]
        public var resourceVersion: String
        public var continueToken: String?
    }

    public func get(_ path: ResourcePath) throws(KubeClientError) -> JSONValue {
        try executeJSON(verb: "get", method: "GET", path: path)
    }

    public func list(_ path: ResourcePath, options: ListOptions = ListOptions()) throws(KubeClientError) -> ListPage {
        try Self.decodeListPage(try listBody(path, options: options), path: path)
    }

    /// Lists every page (`limit=pageSize`, following `continue`). When a continue token has expired (410, after
    /// etcd compaction: "API Concepts", "Retrieving large results sets in chunks"), the list restarts from the
    /// first page once; a second expiry is an error. Returns all items and the resourceVersion of the last page.
    public func listAll(
        _ path: ResourcePath, labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500
    ) throws(KubeClientError) -> (items: [JSONValue], resourceVersion: String) {
        try listAll(path, labelSelector: labelSelector, fieldSelector: fieldSelector, pageSize: pageSize) { _ in }
    }

    /// `listAll` calling `afterPage` after each page is read: the seam where tests expire a continue token
    /// between two pages. Pages through `listAllBodies`, so the restart on 410 is the same for both.
    func listAll(
        _ path: ResourcePath, labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500,
        afterPage: (ListPage) -> Void
    ) throws(KubeClientError) -> (items: [JSONValue], resourceVersion: String) {
        var items: [JSONValue] = []
        var resourceVersion = ""
        try listAllBodies(
            path, labelSelector: labelSelector, fieldSelector: fieldSelector, pageSize: pageSize,
            restarting: { items = [] }
        ) { (body) throws(KubeClientError) in
            let page = try Self.decodeListPage(body, path: path)
            items += page.items
            resourceVersion = page.resourceVersion
            afterPage(page)
            return page.continueToken
        }
        return (items, resourceVersion)
    }

    /// `fieldManager` names the writer in `managedFields` (reloader writes as `reloader`, contract §5.3).
    public func create(
        _ path: ResourcePath, _ object: JSONValue, dryRun: Bool = false, fieldManager: String? = nil
    ) throws(KubeClientError)
        -> JSONValue
    {
        try executeJSON(
            verb: "create", method: "POST", path: path, query: Self.writeQuery(dryRun, fieldManager), body: object,
            contentType: "application/json")
    }

    /// PUT: the object must carry the resourceVersion it was read at; a stale one is `KubeClientError.conflict`.
    public func update(
        _ path: ResourcePath, _ object: JSONValue, dryRun: Bool = false
    ) throws(KubeClientError)
        -> JSONValue
    {
        try executeJSON(
            verb: "update", method: "PUT", path: path, query: Self.dryRunQuery(dryRun), body: object,
            contentType: "application/json")
    }

    /// `fieldManager` names the writer in `managedFields` (reloader writes as `reloader`, contract §5.3).
    public func patch(
        _ path: ResourcePath, _ patch: JSONValue, type: PatchType, dryRun: Bool = false, fieldManager: String? = nil
    )
        throws(KubeClientError) -> JSONValue
    {
        try executeJSON(
            verb: "patch", method: "PATCH", path: path, query: Self.writeQuery(dryRun, fieldManager), body: patch,
            contentType: type.rawValue)
    }

    /// DELETE with the options as query parameters (the API server accepts DeleteOptions fields either way).
    /// Returns the server's answer: the deleted object, or a Status.
    public func delete(
        _ path: ResourcePath, propagationPolicy: PropagationPolicy? = nil, dryRun: Bool = false
    )
        throws(KubeClientError) -> JSONValue
    {
        var query = Self.dryRunQuery(dryRun)
        if let propagationPolicy { query.append(("propagationPolicy", propagationPolicy.rawValue)) }
        return try executeJSON(verb: "delete", method: "DELETE", path: path, query: query)
    }

    static func dryRunQuery(_ dryRun: Bool) -> [(name: String, value: String)] { dryRun ? [("dryRun", "All")] : [] }

    static func writeQuery(_ dryRun: Bool, _ fieldManager: String?) -> [(name: String, value: String)] {
        var query = dryRunQuery(dryRun)
        if let fieldManager, !fieldManager.isEmpty { query.append(("fieldManager", fieldManager)) }
        return query
    }
}
