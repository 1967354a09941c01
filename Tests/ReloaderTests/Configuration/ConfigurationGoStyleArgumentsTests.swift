import Testing

@testable import Reloader

/// The Go-style pre-pass: pflag spellings in, swift-argument-parser spellings out.
@Suite struct ConfigurationGoStyleArgumentsTests {
    @Test(
        "a bare boolean flag means =true and never takes the next argument",
        arguments: ConfigurationFlag.allCases.filter { $0.kind == .boolean })
    func bareBoolean(flag: ConfigurationFlag) throws {
        #expect(try GoStyleArguments.normalize(["--\(flag.name)"]) == ["--\(flag.name)=true"])
        #expect(
            try GoStyleArguments.normalize(["--\(flag.name)", "--log-level=debug"])
                == ["--\(flag.name)=true", "--log-level=debug"])
    }

    @Test(
        "Reloader's string-typed booleans also take a separate value, as pflag string flags do",
        arguments: [
            (["--is-Argo-Rollouts", "true"], ["--is-Argo-Rollouts", "true"]),
            (["--reload-on-create", "false", "--enable-ha"], ["--reload-on-create", "false", "--enable-ha=true"]),
            (["--reload-on-delete"], ["--reload-on-delete=true"]),
            (["--is-argo-rollouts", "--dry-run"], ["--is-argo-rollouts=true", "--dry-run=true"]),
        ])
    func stringTypedBooleans(arguments: [String], expected: [String]) throws {
        #expect(try GoStyleArguments.normalize(arguments) == expected)
    }

    @Test(
        "--flag=value forms pass through untouched",
        arguments: [
            "--auto-reload-all=true", "--auto-reload-all=F", "--auto-reload-all=maybe", "--namespaces=a,b",
            "--is-Argo-Rollouts=false", "--no-such-flag", "--no-such-flag=1", "--help", "-h",
        ])
    func untouched(argument: String) throws {
        #expect(try GoStyleArguments.normalize([argument]) == [argument])
    }

    @Test("a value flag keeps its separate value, even one that looks like a boolean flag")
    func separateValue() throws {
        #expect(
            try GoStyleArguments.normalize(["--webhook-url", "--enable-ha", "--namespaces", "a,b", "--dry-run"])
                == ["--webhook-url", "--enable-ha", "--namespaces", "a,b", "--dry-run=true"])
    }

    @Test(
        "--bool false with a space is refused naming the flag (pflag would set true)",
        arguments: ["false", "true", "0"])
    func separateBooleanValue(value: String) {
        #expect(throws: ConfigurationError.separateBooleanValue(flag: .enableHA, value: value)) {
            try GoStyleArguments.normalize(["--enable-ha", value])
        }
        let message = ConfigurationError.separateBooleanValue(flag: .enableHA, value: value).description
        #expect(message == "--enable-ha \(value): a boolean flag takes its value after '=', write --enable-ha=\(value)")
    }

    @Test(
        "single-dash long flags are refused naming the two-dash flag, as pflag refuses them",
        arguments: [
            ("-auto-reload-all", ConfigurationFlag.autoReloadAll), ("-namespaces=a", .namespaces),
            ("-is-Argo-Rollouts=true", .isArgoRollouts), ("-metrics-address", .metricsAddress),
        ])
    func singleDash(argument: String, flag: ConfigurationFlag) {
        #expect(throws: ConfigurationError.singleDashLongFlag(argument: argument, flag: flag)) {
            try GoStyleArguments.normalize([argument])
        }
        #expect(
            ConfigurationError.singleDashLongFlag(argument: argument, flag: flag).description
                == "\(argument): long flags take two dashes, write --\(flag.name)")
    }

    @Test("nothing after -- is rewritten")
    func terminator() throws {
        #expect(
            try GoStyleArguments.normalize(["--dry-run", "--", "--enable-ha"]) == [
                "--dry-run=true", "--", "--enable-ha",
            ])
    }

    @Test("Reloader's Helm chart arguments survive the pre-pass")
    func helmChart() throws {
        let chart = [
            "--log-format=json", "--resources-to-ignore=secrets", "--ignored-workload-types=jobs,cronjobs",
            "--namespace-selector=\"team=a,env=prod\"", "--enable-pprof", "--pprof-addr=:6060",
            "--configmap-annotation", "example.com/reload", "--is-Argo-Rollouts=true", "--reload-on-create=true",
            "--reload-strategy=annotations", "--enable-ha=true", "--auto-reload-all=true",
        ]
        var expected = chart
        expected[4] = "--enable-pprof=true"
        #expect(try GoStyleArguments.normalize(chart) == expected)
    }
}

/// Go's `strconv.ParseBool` forms.
@Suite struct ConfigurationGoBoolTests {
    @Test(
        "the twelve Go spellings parse",
        arguments: [
            ("1", true), ("t", true), ("T", true), ("TRUE", true), ("true", true), ("True", true),
            ("0", false), ("f", false), ("F", false), ("FALSE", false), ("false", false), ("False", false),
        ])
    func forms(text: String, value: Bool) {
        #expect(GoBool.parse(text) == value)
    }

    @Test("anything else is not a boolean", arguments: ["", "yes", "no", "on", "off", "tRUE", "maybe", " true", "2"])
    func refused(text: String) {
        #expect(GoBool.parse(text) == nil)
    }
}

/// pflag `StringSlice` values are CSV records.
@Suite struct ConfigurationGoStringSliceTests {
    @Test(
        "values split as encoding/csv does",
        arguments: [
            ("", [String]()), ("a", ["a"]), ("a,b", ["a", "b"]), ("a,,b", ["a", "", "b"]), ("a,", ["a", ""]),
            ("\"a,b\"", ["a,b"]), ("\"a\"\"b\",c", ["a\"b", "c"]), (" a , b", [" a ", " b"]),
            ("\"team=a,env=prod\"", ["team=a,env=prod"]),
        ])
    func splits(value: String, entries: [String]) throws {
        #expect(try GoStringSlice.split(value) == entries)
    }

    @Test("malformed quoting is refused", arguments: ["a\"b", "\"a", "\"a\"b"])
    func refuses(value: String) {
        #expect(throws: GoStringSlice.ParseError.self) { try GoStringSlice.split(value) }
    }
}
