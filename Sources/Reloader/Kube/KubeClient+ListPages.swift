/// Lists over raw page bodies, for callers that decode pages themselves (the reverse index's byte path,
/// `WorkloadListPage.decode`), so a resync of 100k workloads never builds a `JSONValue` tree per page. `listAll`
/// pages through the same loop, so both restart on an expired continue token in the same way.
extension KubeClient {
    /// The raw 2xx body of one LIST request.
    public func listBody(_ path: ResourcePath, options: ListOptions = ListOptions()) throws(KubeClientError) -> [UInt8]
    {
        try execute(verb: "list", method: "GET", path: path, query: options.query).body
    }

    /// Pages through a list (`limit=pageSize`, following `continue`), handing each page's raw body to `page`, which
    /// decodes it and returns its continue token (nil or empty on the last page); a body it cannot decode is its
    /// `KubeClientError.invalidResponse`. When a continue token has expired (410, after etcd compaction: "API
    /// Concepts", "Retrieving large results sets in chunks"), `restarting` is called, so the caller drops what it
    /// kept of the earlier pages, and the list restarts from the first page once; a second expiry is an error.
    public func listAllBodies(
        _ path: ResourcePath, labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500,
        restarting: () -> Void, page: ([UInt8]) throws(KubeClientError) -> String?
    ) throws(KubeClientError) {
        var restarted = false
        var pagesRead = 0
        while true {
            var options = ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector, limit: pageSize)
            do throws(KubeClientError) {
                while true {
                    let body = try listBody(path, options: options)
                    pagesRead += 1
                    guard let token = try page(body), !token.isEmpty else { return }
                    options.continueToken = token
                }
            } catch {
                guard !restarted, options.continueToken != nil, error.apiError?.isExpired == true else { throw error }
                restarted = true
                logger.notice(
                    "kube list continue token expired, restarting the list",
                    metadata: ["kube.path": "\(path.urlPath)", "kube.pages_discarded": "\(pagesRead)"])
                pagesRead = 0
                restarting()
            }
        }
    }

    /// One decoded page of a list body.
    static func decodeListPage(_ body: [UInt8], path: ResourcePath) throws(KubeClientError) -> ListPage {
        let list: JSONValue
        do {
            list = try JSONValue.parse(body)
        } catch {
            throw .invalidResponse(request: "list \(path.urlPath)", reason: "\(error)")
        }
        guard let items = list["items"].map({ $0 == .null ? [] : $0.arrayValue }) ?? [] else {
            throw .invalidResponse(request: "list \(path.urlPath)", reason: "items is not an array")
        }
        let token = list[path: ["metadata", "continue"]]?.stringValue
        return ListPage(
            items: items, resourceVersion: list[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
            continueToken: token?.isEmpty == false ? token : nil)
    }
}
