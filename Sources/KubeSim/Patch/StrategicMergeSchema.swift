/// Which lists a strategic merge patch merges instead of replacing: the `patchStrategy` / `patchMergeKey` struct
/// tags of the Kubernetes API types (published as `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`
/// in OpenAPI), reduced to what kube-sim needs. Paths are field names from the object's root with array levels
/// skipped, so `["spec", "template", "spec", "containers", "env"]` is every container's `env`. A list not named
/// here is replaced whole, the default the SMP doc gives for lists. A pure value; `StrategicMergePatch` reads it.
public struct StrategicMergeSchema: Sendable, Equatable {
    /// How one list merges.
    public enum ListStrategy: Sendable, Equatable {
        /// A list of objects merged element by element, matched on this field (`patchStrategy:"merge"` with a
        /// `patchMergeKey`, e.g. containers by `name`).
        case mergeByKey(String)
        /// A list of primitives merged as an unordered set (`patchStrategy:"merge"` without a key, e.g.
        /// `metadata.finalizers`).
        case set
    }

    public var lists: [[String]: ListStrategy]

    public init(lists: [[String]: ListStrategy] = [:]) {
        self.lists = lists
    }

    /// The strategy for the list at `path`, or nil when it is replaced whole.
    public func strategy(at path: [String]) -> ListStrategy? {
        lists[path]
    }
}
