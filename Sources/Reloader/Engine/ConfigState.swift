/// What the reconciler needs of a config as the API server stores it now: its content hash (contract §3) and the
/// metadata a reload decision and the config filter read (`ignore`, `match`, `--resource-label-selector`). Holds
/// no config content. A pure value.
public struct ConfigState: Sendable, Hashable {
    public var hash: String
    public var annotations: [String: String]
    public var labels: [String: String]

    public init(hash: String, annotations: [String: String] = [:], labels: [String: String] = [:]) {
        self.hash = hash
        self.annotations = annotations
        self.labels = labels
    }
}

/// Reads a config's current state from the API server: `nil` when the config does not exist (404), a failure for
/// any other error. Called from several threads at once. `KubeConfigReader` is the real one.
public protocol ConfigStateReader: Sendable {
    func state(of config: ConfigRef) -> Result<ConfigState?, any Error>
}
