/// Which workload annotations the reverse index keeps in its records (contract §2): the Reloader keys a decision or
/// the reconciler reads, nothing else, so a record's size does not grow with `kubectl.kubernetes.io/...` and other
/// annotations. Keys are renamed by flags (`--auto-annotation`, `--configmap-annotation`, ...), so the wiring
/// builds this value from the flags; `defaults` holds the contract's default names.
/// A pure value.
public struct IndexedAnnotationKeys: Sendable, Hashable {
    /// The named-reload list key of each config kind (`configmap.reloader.stakater.com/reload`, ...): the index
    /// keeps a namespace-wide list of the workloads carrying one, because a named reload needs no usage (§2.1 step 5).
    public var reloadLists: [ConfigKind: String]
    /// Every key kept in a record, the reload-list keys included.
    public private(set) var kept: Set<String>

    public init(reloadLists: [ConfigKind: String], otherKeys: Set<String>) {
        self.reloadLists = reloadLists
        self.kept = otherKeys.union(reloadLists.values)
    }

    /// The canonical instance of a kept key (records share its storage), or nil if the key is not kept.
    func canonical(_ key: String) -> String? {
        guard let index = kept.firstIndex(of: key) else { return nil }
        return kept[index]
    }

    /// The workload-side keys of `keys` (contract §2): `match` and `ignore` live on configs, so they are not kept.
    public init(_ keys: AnnotationKeys) {
        self.init(
            reloadLists: [
                .configMap: keys.configMapReload, .secret: keys.secretReload,
                .secretProviderClass: keys.secretProviderClassReload,
            ],
            otherKeys: [
                keys.auto, keys.configMapAuto, keys.secretAuto, keys.secretProviderClassAuto, keys.search,
                keys.configMapExclude, keys.secretExclude, keys.secretProviderClassExclude,
                Annotations.rolloutStrategy, keys.pausePeriod, keys.pausedAt,
            ])
    }

    /// The contract's default keys, from `AnnotationKeys` (the one place the strings are written).
    public static let defaults = IndexedAnnotationKeys(AnnotationKeys())

    /// The pod-template annotation the annotations strategy writes (contract §2, §5.2); not renamable.
    public static let lastReloadedFrom = Annotations.lastReloadedFrom
    /// Prefix of the env vars the env-vars strategy writes (`STAKATER_<NAME>_CONFIGMAP`, contract §5.1).
    public static let reloaderEnvPrefix = "STAKATER_"
}
