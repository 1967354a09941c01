public import Logging

/// The periodic lister (DESIGN §2): LISTs every enabled workload kind in pages of 500 (cluster-wide, or per
/// namespace under `--namespaces` / `KUBERNETES_NAMESPACE`), decodes each page from its bytes
/// (`WorkloadListPage`, no `JSONValue` tree) into a fresh `ReverseIndex` built off to the side, and swaps it in
/// through `IndexStore`'s resync journal, so workload reviews answered during the list survive. Also lists the
/// Namespaces' labels for `NamespaceLabelCache`. Workloads and Namespaces only: it never lists ConfigMaps or
/// Secrets. A failed list throws `ResyncError` and leaves the index as it was. Immutable; safe on any thread
/// (KubeClient is); calls block.
public struct WorkloadLister: Sendable {
    public struct Options: Sendable, Hashable {
        /// The kinds to list, in order (`kinds(ignoredWorkloadTypes:...)` gives the flags' set).
        public var kinds: [WorkloadKind]
        /// `--namespaces` (or `KUBERNETES_NAMESPACE`); empty lists every namespace.
        public var namespaces: Set<String>
        /// `--namespaces-to-ignore`: never indexed.
        public var namespacesToIgnore: Set<String>
        public var pageSize: Int
        /// The annotation keys the records keep (the rename flags apply).
        public var keys: IndexedAnnotationKeys

        public init(
            kinds: [WorkloadKind] = Options.kinds(), namespaces: Set<String> = [], namespacesToIgnore: Set<String> = [],
            pageSize: Int = 500, keys: IndexedAnnotationKeys = .defaults
        ) {
            self.kinds = kinds
            self.namespaces = namespaces
            self.namespacesToIgnore = namespacesToIgnore
            self.pageSize = pageSize
            self.keys = keys
        }

        /// The workload kinds of contract §1: the apps/v1 and batch/v1 kinds unless `--ignored-workload-types`
        /// names them, Argo Rollouts with `--is-Argo-Rollouts`, DeploymentConfigs with `--is-openshift`.
        public static func kinds(
            ignoredWorkloadTypes: Set<WorkloadKind> = [], isArgoRolloutsEnabled: Bool = false,
            isOpenShiftEnabled: Bool = false
        ) -> [WorkloadKind] {
            var kinds: [WorkloadKind] = [.deployment, .daemonSet, .statefulSet, .cronJob, .job]
            if isArgoRolloutsEnabled { kinds.append(.rollout) }
            if isOpenShiftEnabled { kinds.append(.deploymentConfig) }
            return kinds.filter { !ignoredWorkloadTypes.contains($0) }
        }

        /// The namespaces to list one by one, sorted; nil to list cluster-wide.
        var namespaceScopes: [String]? {
            namespaces.isEmpty ? nil : namespaces.subtracting(namespacesToIgnore).sorted()
        }
    }

    public let options: Options
    private let client: KubeClient
    private let logger: Logger

    public init(client: KubeClient, options: Options, logger: Logger) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    /// Builds a fresh index from the lists and swaps it into `store`; returns the snapshot now current (the
    /// built one with the changes journalled during the list re-applied). On any error the store is unchanged.
    @discardableResult
    public func resync(into store: IndexStore) throws(ResyncError) -> ReverseIndex {
        let expected = store.snapshot.count
        let token = store.beginResync()
        let index = try buildIndex(expectedWorkloads: expected)
        guard store.replace(with: index, startedAt: token) else { throw .superseded }
        return store.snapshot
    }

    /// Lists every enabled kind in every namespace in scope into a new index (not swapped in).
    public func buildIndex(expectedWorkloads: Int = 0) throws(ResyncError) -> ReverseIndex {
        var builder = ReverseIndexBuilder(keys: options.keys, expectedWorkloads: expectedWorkloads)
        for kind in options.kinds {
            if let scopes = options.namespaceScopes {
                for namespace in scopes { try list(kind, in: namespace, into: &builder) }
            } else {
                try list(kind, in: nil, into: &builder)
            }
        }
        return builder.build()
    }

    /// One paginated LIST of `kind`. Its records are kept aside until the list is complete: when a continue token
    /// expires the list restarts from its first page (`listAllBodies`), and the builder cannot take records back.
    private func list(
        _ kind: WorkloadKind, in namespace: String?, into builder: inout ReverseIndexBuilder
    ) throws(ResyncError) {
        let path = ResourcePath(group: kind.group, version: kind.version, resource: kind.resource, namespace: namespace)
        let ignored = options.namespacesToIgnore
        let keys = options.keys
        var records: [WorkloadRecord] = []
        do throws(KubeClientError) {
            try client.listAllBodies(path, pageSize: options.pageSize, restarting: { records = [] }) {
                (body) throws(KubeClientError) in
                let page: WorkloadListPage
                do throws(WorkloadListPage.DecodingError) {
                    page = try WorkloadListPage.decode(body, kind: kind, keys: keys)
                } catch {
                    throw .invalidResponse(request: "list \(path.urlPath)", reason: error.description)
                }
                if ignored.isEmpty {
                    records += page.records
                } else {
                    records += page.records.lazy.filter { !ignored.contains($0.ref.namespace) }
                }
                return page.continueToken
            }
        } catch {
            throw .listFailed(resource: kind.resource, namespace: namespace, error)
        }
        for record in records { builder.add(record) }
        logger.debug(
            "listed workloads",
            metadata: [
                "k8s.resource": "\(kind.resource)", "k8s.namespace": "\(namespace ?? "")", "count": "\(records.count)",
            ])
    }

    /// The labels of every namespace in scope (all, or those of `--namespaces`), ignored ones left out. Namespaces
    /// are cluster-scoped, so this is one paginated LIST either way.
    public func namespaceLabels() throws(ResyncError) -> [String: [String: String]] {
        let path = ResourcePath(resource: "namespaces")
        let items: [JSONValue]
        do {
            items = try client.listAll(path, pageSize: options.pageSize).items
        } catch {
            throw .listFailed(resource: "namespaces", namespace: nil, error)
        }
        var labels: [String: [String: String]] = [:]
        for item in items {
            guard let name = item[path: ["metadata", "name"]]?.stringValue,
                options.namespaces.isEmpty || options.namespaces.contains(name),
                !options.namespacesToIgnore.contains(name)
            else { continue }
            labels[name] = item[path: ["metadata", "labels"]]?.stringMapValue ?? [:]
        }
        return labels
    }
}
