/// Why a leader elector cannot be built, or why a Lease read from the API cannot be used. Each case names the
/// flag, environment variable or Lease at fault.
public enum LeaderElectionError: Error, Equatable, CustomStringConvertible {
    /// Timings client-go's `NewLeaderElector` refuses too: a non-positive duration, a renew deadline not shorter
    /// than the lease duration, or a retry period (times client-go's jitter factor 1.2) not shorter than the
    /// renew deadline.
    case invalidTiming(flag: ConfigurationFlag, reason: String)
    /// No holder identity (`POD_NAME`) or no Lease namespace (`--leader-election-namespace`, `POD_NAMESPACE`).
    case missingEnvironment(flag: ConfigurationFlag, variable: String)
    /// The Lease's spec holds a field of the wrong type, or the object lacks its resourceVersion.
    case invalidLease(namespace: String, name: String, reason: String)

    public var description: String {
        switch self {
        case .invalidTiming(let flag, let reason):
            "\(flag): \(reason)"
        case .missingEnvironment(let flag, let variable):
            "\(flag) needs \(variable) to be set"
        case .invalidLease(let namespace, let name, let reason):
            "Lease \(namespace)/\(name) cannot be used: \(reason)"
        }
    }
}
