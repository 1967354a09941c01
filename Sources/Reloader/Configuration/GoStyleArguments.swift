/// The pre-pass that lets swift-argument-parser read a command line written for Reloader's Go `pflag` parser.
/// Pure: arguments in, arguments out. Called by the executable before parsing.
///
/// What it rewrites, and why (pflag's rules, `spf13/pflag` `flag.go` `parseLongArg`):
/// - A bare boolean flag `--enable-ha` means `--enable-ha=true`; the following argument is never its value. The
///   value itself is parsed later, in `ReloaderConfiguration`, with Go's forms (`GoBool`).
/// - `--enable-ha false` is refused: pflag would set true and silently ignore `false` (Reloader's command takes
///   stray positional arguments), so the manifest cannot mean what it says.
/// - Reloader declares `--is-Argo-Rollouts`, `--reload-on-create` and `--reload-on-delete` as *string* flags, so
///   there `--reload-on-create true` with a space works; it stays as it is (the option takes the next argument),
///   and only a bare one followed by nothing or by another flag becomes `=true`.
/// - A value flag written `--flag value` keeps its value: the next argument is skipped, whatever it looks like.
/// - `-auto-reload-all` (single dash, a known long name) is refused with a message naming `--auto-reload-all`;
///   pflag reads `-a…` as shorthand flags and fails too.
/// - After `--` nothing is touched.
/// Unknown flags pass through untouched: the argument parser rejects them, naming them.
public enum GoStyleArguments {
    public static func normalize(_ arguments: [String]) throws(ConfigurationError) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result.append(contentsOf: arguments[(index - 1)...])
                break
            }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let hasValue = body.contains("=")
                let name = String(body.prefix(while: { $0 != "=" }))
                guard let flag = ConfigurationFlag(name: name), !hasValue else {
                    result.append(argument)
                    continue
                }
                let next = index < arguments.endIndex ? arguments[index] : nil
                switch flag.kind {
                case .boolean:
                    if let next, GoBool.parse(next) != nil {
                        throw .separateBooleanValue(flag: flag, value: next)
                    }
                    result.append("--\(name)=true")
                case .booleanWithSeparateValue:
                    if let next, !next.hasPrefix("-") {
                        result.append(contentsOf: [argument, next])
                        index += 1
                    } else {
                        result.append("--\(name)=true")
                    }
                case .value, .list:
                    result.append(argument)
                    if let next {
                        result.append(next)
                        index += 1
                    }
                }
            } else if argument.hasPrefix("-"), argument.count > 2 {
                let name = String(argument.dropFirst().prefix(while: { $0 != "=" }))
                if let flag = ConfigurationFlag(name: name) {
                    throw .singleDashLongFlag(argument: argument, flag: flag)
                }
                result.append(argument)
            } else {
                result.append(argument)
            }
        }
        return result
    }
}
