/// Why a command line or environment cannot configure `reloader`. Every case names the flag (or the environment
/// variable) at fault; the executable prints the description and exits 2, as Go's flag package does.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A value the flag cannot take, e.g. `--reload-strategy=foo`.
    case invalidFlagValue(flag: ConfigurationFlag, value: String, expected: String)
    /// Values that are valid one by one but not together, e.g. `--resources-to-ignore=configmaps,secrets`.
    case conflictingValues(flag: ConfigurationFlag, reason: String)
    /// One of a pair of flags given without the other.
    case missingCompanion(flag: ConfigurationFlag, companion: ConfigurationFlag)
    /// The flag needs an environment variable that is unset or empty (`--enable-ha` needs `POD_NAME`).
    case missingEnvironment(flag: ConfigurationFlag, variable: String)
    /// An environment variable the configuration falls back to holds a value it cannot use.
    case invalidEnvironmentValue(variable: String, value: String, expected: String)
    /// `--enable-ha false`: pflag sets a boolean flag to true and silently ignores the separate word, so we refuse
    /// the form instead of guessing which one the manifest meant.
    case separateBooleanValue(flag: ConfigurationFlag, value: String)
    /// `-auto-reload-all`: Go's pflag reads a single dash as shorthand flags and rejects this too.
    case singleDashLongFlag(argument: String, flag: ConfigurationFlag)

    public var description: String {
        switch self {
        case .invalidFlagValue(let flag, let value, let expected):
            "\(flag)=\(value) is not valid; expected \(expected)"
        case .conflictingValues(let flag, let reason):
            "\(flag): \(reason)"
        case .missingCompanion(let flag, let companion):
            "\(flag) and \(companion) must be given together"
        case .missingEnvironment(let flag, let variable):
            "\(flag) needs the environment variable \(variable) (set it from the pod's metadata)"
        case .invalidEnvironmentValue(let variable, let value, let expected):
            "environment variable \(variable)=\(value) is not valid; expected \(expected)"
        case .separateBooleanValue(let flag, let value):
            "\(flag) \(value): a boolean flag takes its value after '=', write \(flag)=\(value)"
        case .singleDashLongFlag(let argument, let flag):
            "\(argument): long flags take two dashes, write \(flag)"
        }
    }

    /// The flag the error is about, when there is one.
    public var flag: ConfigurationFlag? {
        switch self {
        case .invalidFlagValue(let flag, _, _), .conflictingValues(let flag, _), .missingCompanion(let flag, _),
            .missingEnvironment(let flag, _), .separateBooleanValue(let flag, _), .singleDashLongFlag(_, let flag):
            flag
        case .invalidEnvironmentValue: nil
        }
    }
}
