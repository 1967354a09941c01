/// The renameable annotation keys (contract §2, last column), defaulting to Reloader's. The flag layer replaces
/// single keys (`--auto-annotation=example.com/auto` sets `auto`); everything in Policy reads keys from here.
/// A pure value.
public struct AnnotationKeys: Sendable, Hashable {
    /// `--auto-annotation`
    public var auto = "reloader.stakater.com/auto"
    /// `--configmap-auto-annotation`
    public var configMapAuto = "configmap.reloader.stakater.com/auto"
    /// `--secret-auto-annotation`
    public var secretAuto = "secret.reloader.stakater.com/auto"
    /// `--secretproviderclass-auto-annotation`
    public var secretProviderClassAuto = "secretproviderclass.reloader.stakater.com/auto"
    /// `--configmap-annotation`
    public var configMapReload = "configmap.reloader.stakater.com/reload"
    /// `--secret-annotation`
    public var secretReload = "secret.reloader.stakater.com/reload"
    /// `--secretproviderclass-annotation`
    public var secretProviderClassReload = "secretproviderclass.reloader.stakater.com/reload"
    /// `--auto-search-annotation`
    public var search = "reloader.stakater.com/search"
    /// `--search-match-annotation`
    public var match = "reloader.stakater.com/match"
    /// `--ignore-annotation`
    public var ignore = "reloader.stakater.com/ignore"
    /// `--configmap-exclude-annotation`
    public var configMapExclude = "configmaps.exclude.reloader.stakater.com/reload"
    /// `--secret-exclude-annotation`
    public var secretExclude = "secrets.exclude.reloader.stakater.com/reload"
    /// `--secretproviderclass-exclude-annotation`
    public var secretProviderClassExclude = "secretproviderclasses.exclude.reloader.stakater.com/reload"
    /// `--pause-deployment-annotation`
    public var pausePeriod = "deployment.reloader.stakater.com/pause-period"
    /// `--pause-deployment-time-annotation`
    public var pausedAt = "deployment.reloader.stakater.com/paused-at"

    public init() {}

    /// The rename flag of each key, in contract §2 order (flag names are written once, in `ConfigurationFlag`).
    public static var renameFlags: [(flag: ConfigurationFlag, key: WritableKeyPath<AnnotationKeys, String>)] {
        [
            (.autoAnnotation, \.auto),
            (.configMapAutoAnnotation, \.configMapAuto),
            (.secretAutoAnnotation, \.secretAuto),
            (.secretProviderClassAutoAnnotation, \.secretProviderClassAuto),
            (.configMapAnnotation, \.configMapReload),
            (.secretAnnotation, \.secretReload),
            (.secretProviderClassAnnotation, \.secretProviderClassReload),
            (.autoSearchAnnotation, \.search),
            (.searchMatchAnnotation, \.match),
            (.ignoreAnnotation, \.ignore),
            (.configMapExcludeAnnotation, \.configMapExclude),
            (.secretExcludeAnnotation, \.secretExclude),
            (.secretProviderClassExcludeAnnotation, \.secretProviderClassExclude),
            (.pauseDeploymentAnnotation, \.pausePeriod),
            (.pauseDeploymentTimeAnnotation, \.pausedAt),
        ]
    }

    /// The defaults with the keys the flags renamed (`ReloaderConfiguration.annotationKeyOverrides`).
    public init(overrides: [ConfigurationFlag: String]) {
        self.init()
        for (flag, key) in Self.renameFlags {
            if let renamed = overrides[flag] { self[keyPath: key] = renamed }
        }
    }

    /// This config kind's named reload list key.
    public func reload(for kind: ConfigKind) -> String {
        switch kind {
        case .configMap: configMapReload
        case .secret: secretReload
        case .secretProviderClass: secretProviderClassReload
        }
    }

    /// This config kind's typed auto key.
    public func typedAuto(for kind: ConfigKind) -> String {
        switch kind {
        case .configMap: configMapAuto
        case .secret: secretAuto
        case .secretProviderClass: secretProviderClassAuto
        }
    }

    /// This config kind's exclude list key (read from workload metadata only).
    public func exclude(for kind: ConfigKind) -> String {
        switch kind {
        case .configMap: configMapExclude
        case .secret: secretExclude
        case .secretProviderClass: secretProviderClassExclude
        }
    }
}
