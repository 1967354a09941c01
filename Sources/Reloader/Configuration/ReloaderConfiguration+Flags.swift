public import Logging
public import WebhookServer

extension ReloaderConfiguration {
    /// Builds the configuration from the command line and the environment. Pure: no files are read and no
    /// process state is consulted.
    ///
    /// - Parameters:
    ///   - flags: for each flag given, its values in command-line order, as written (after the Go-style pre-pass).
    ///     A scalar flag's last value wins, as in pflag; each value of a list flag is split like pflag's
    ///     `StringSlice` and the entries of all values are concatenated. A flag not in the dictionary keeps its
    ///     default.
    ///   - environment: the process environment (contract §8).
    public init(flags: [ConfigurationFlag: [String]], environment: [String: String]) throws(ConfigurationError) {
        self.init()
        let reader = FlagReader(flags: flags)

        // §7.1
        autoReloadAll = try reader.bool(.autoReloadAll) ?? false
        if let text = reader.value(.reloadStrategy) {
            guard let strategy = ReloadStrategy(rawValue: text) else {
                throw .invalidFlagValue(flag: .reloadStrategy, value: text, expected: "env-vars or annotations")
            }
            reloadStrategy = strategy
        }
        reloadOnCreate = try reader.bool(.reloadOnCreate) ?? false
        reloadOnDelete = try reader.bool(.reloadOnDelete) ?? false
        syncAfterRestart = try reader.bool(.syncAfterRestart) ?? false
        if let url = reader.value(.webhookURL), !url.isEmpty {
            try Self.checkURL(url, flag: .webhookURL)
            webhookURL = url
        }
        resourcesToIgnore = try Self.resourcesToIgnore(try reader.list(.resourcesToIgnore))
        for entry in try reader.list(.ignoredWorkloadTypes) {
            switch entry.lowercased() {
            case "jobs": ignoredWorkloadTypes.insert(.job)
            case "cronjobs": ignoredWorkloadTypes.insert(.cronJob)
            default:
                throw .invalidFlagValue(flag: .ignoredWorkloadTypes, value: entry, expected: "jobs, cronjobs or both")
            }
        }
        namespaces = try reader.list(.namespaces)
        if namespaces.isEmpty, let namespace = environment["KUBERNETES_NAMESPACE"], !namespace.isEmpty {
            namespaces = [namespace]
        }
        namespacesToIgnore = try reader.list(.namespacesToIgnore)
        namespaceSelector = try reader.selector(.namespaceSelector)
        resourceLabelSelector = try reader.selector(.resourceLabelSelector)
        isArgoRolloutsEnabled = try reader.bool(.isArgoRollouts) ?? false
        isOpenShiftEnabled = try reader.bool(.isOpenShift) ?? false
        isCSIIntegrationEnabled = try reader.bool(.enableCSIIntegration) ?? false
        if let text = reader.value(.logFormat) { logFormat = try Self.logFormat(text) }
        if let text = reader.value(.logLevel) { logLevel = try Self.logLevel(text) }
        isPprofEnabled = try reader.bool(.enablePprof) ?? false
        pprofAddress = try reader.address(.pprofAddress) ?? pprofAddress
        metricsAddress = try reader.address(.metricsAddress) ?? metricsAddress
        try readLeaderElection(reader, environment: environment)
        try readAlerts(reader, environment: environment)
        for flag in ConfigurationFlag.allCases where flag.isAnnotationRename {
            guard let key = reader.value(flag) else { continue }
            if let problem = LabelSelectorSyntax.keyProblem(key) {
                throw .invalidFlagValue(flag: flag, value: key, expected: "an annotation key (\(problem))")
            }
            annotationKeyOverrides[flag] = key
        }

        // §7.2
        webhookAddress = try reader.address(.webhookAddress) ?? webhookAddress
        try readCertificatePaths(reader)
        if let text = reader.value(.maxConnections) {
            guard let number = Int(text), number > 0 else {
                throw .invalidFlagValue(flag: .maxConnections, value: text, expected: "a positive integer")
            }
            maxConnections = number
        }
        shutdownGracePeriod = try reader.duration(.shutdownGracePeriod, allowsZero: true) ?? shutdownGracePeriod
        resyncPeriod = try reader.duration(.resyncPeriod, allowsZero: false) ?? resyncPeriod
        coalesceWindow = try reader.duration(.coalesceWindow, allowsZero: true) ?? coalesceWindow
        isDryRun = try reader.bool(.dryRun) ?? false
        if let path = reader.value(.kubeconfig), !path.isEmpty {
            kubeconfigPath = path
        } else if let path = environment["KUBECONFIG"], !path.isEmpty {
            kubeconfigPath = path
        }
        if let text = reader.value(.kubeAPIQPS) {
            guard let qps = Double(text), qps.isFinite, qps > 0 else {
                throw .invalidFlagValue(flag: .kubeAPIQPS, value: text, expected: "a positive number")
            }
            kubeAPIQPS = qps
        }
        if let text = reader.value(.kubeAPIBurst) {
            guard let burst = Int(text), burst > 0 else {
                throw .invalidFlagValue(flag: .kubeAPIBurst, value: text, expected: "a positive integer")
            }
            kubeAPIBurst = burst
        }

        // §8
        countsReloadsByNamespace = environment["METRICS_COUNT_BY_NAMESPACE"] == "enabled"
        if let namespace = environment["RELOADER_NAMESPACE"], !namespace.isEmpty,
            let name = environment["RELOADER_DEPLOYMENT_NAME"], !name.isEmpty
        {
            metaInfoLocation = MetaInfoLocation(namespace: namespace, deploymentName: name)
        }
    }

    private mutating func readLeaderElection(
        _ reader: FlagReader, environment: [String: String]
    ) throws(ConfigurationError) {
        leaderElection.isEnabled = try reader.bool(.enableHA) ?? false
        let podName = environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 }
        let podNamespace = environment["POD_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 }
        if leaderElection.isEnabled {
            // Reloader checks these at start-up too (`validateHAEnvs`).
            guard podName != nil else { throw .missingEnvironment(flag: .enableHA, variable: "POD_NAME") }
            guard podNamespace != nil else { throw .missingEnvironment(flag: .enableHA, variable: "POD_NAMESPACE") }
        }
        leaderElection.identity = podName
        if let id = reader.value(.leaderElectionID) {
            guard !id.isEmpty else {
                throw .invalidFlagValue(flag: .leaderElectionID, value: id, expected: "a non-empty Lease name")
            }
            leaderElection.leaseName = id
        }
        if let namespace = reader.value(.leaderElectionNamespace), !namespace.isEmpty {
            leaderElection.namespace = namespace
        } else {
            leaderElection.namespace = podNamespace
        }
        let election = leaderElection
        leaderElection.leaseDuration =
            try reader.duration(.leaderElectionLeaseDuration, allowsZero: false) ?? election.leaseDuration
        leaderElection.renewDeadline =
            try reader.duration(.leaderElectionRenewDeadline, allowsZero: false) ?? election.renewDeadline
        leaderElection.retryPeriod =
            try reader.duration(.leaderElectionRetryPeriod, allowsZero: false) ?? election.retryPeriod
        // client-go's leaderelection.NewLeaderElector refuses these orderings; say so before any Lease is touched.
        guard leaderElection.leaseDuration > leaderElection.renewDeadline else {
            throw .conflictingValues(
                flag: .leaderElectionRenewDeadline,
                reason: "must be shorter than --leader-election-lease-duration (\(leaderElection.leaseDuration))")
        }
        guard leaderElection.renewDeadline > leaderElection.retryPeriod * 1.2 else {
            throw .conflictingValues(
                flag: .leaderElectionRetryPeriod,
                reason: "1.2 times it must be shorter than --leader-election-renew-deadline "
                    + "(\(leaderElection.renewDeadline))")
        }
    }

    /// Contract §10. Like Reloader, the sink, URL and proxy are trimmed (a URL kept in a Secret often ends in a
    /// newline). Δ Alerts on without a URL stop start-up; Reloader starts and logs an error at every reload.
    private mutating func readAlerts(_ reader: FlagReader, environment: [String: String]) throws(ConfigurationError) {
        if let enabled = try reader.bool(.alertOnReload) {
            alerts.isEnabled = enabled
        } else if let text = environment["ALERT_ON_RELOAD"], !text.isEmpty {
            guard let enabled = GoBool.parse(text) else {
                throw .invalidEnvironmentValue(variable: "ALERT_ON_RELOAD", value: text, expected: GoBool.expected)
            }
            alerts.isEnabled = enabled
        }
        alerts.sink = (reader.value(.alertSink) ?? environment["ALERT_SINK"] ?? "").trimmingASCIIWhitespace()
        alerts.webhookURL = try Self.alertURL(reader, .alertWebhookURL, environment, "ALERT_WEBHOOK_URL")
        alerts.proxy = try Self.alertURL(reader, .alertProxy, environment, "ALERT_WEBHOOK_PROXY")
        alerts.additionalInfo = reader.value(.alertAdditionalInfo) ?? environment["ALERT_ADDITIONAL_INFO"] ?? ""
        if alerts.isEnabled, alerts.webhookURL.isEmpty {
            throw .conflictingValues(
                flag: .alertWebhookURL,
                reason: "alerts are on (--alert-on-reload or ALERT_ON_RELOAD) but no URL is set: give "
                    + "--alert-webhook-url or ALERT_WEBHOOK_URL")
        }
    }

    /// The trimmed URL of `flag`, else of `variable`, checked to be http(s); "" when neither is set.
    private static func alertURL(
        _ reader: FlagReader, _ flag: ConfigurationFlag, _ environment: [String: String], _ variable: String
    ) throws(ConfigurationError) -> String {
        if let text = reader.value(flag) {
            let url = text.trimmingASCIIWhitespace()
            if !url.isEmpty { try checkURL(url, flag: flag) }
            return url
        }
        let url = (environment[variable] ?? "").trimmingASCIIWhitespace()
        guard !url.isEmpty else { return url }
        do {
            try checkURL(url, flag: flag)
        } catch {
            throw .invalidEnvironmentValue(
                variable: variable, value: redacted(url: url), expected: "an http:// or https:// URL")
        }
        return url
    }

    private mutating func readCertificatePaths(_ reader: FlagReader) throws(ConfigurationError) {
        let certificate = reader.value(.tlsCertFile) ?? ""
        let key = reader.value(.tlsPrivateKeyFile) ?? ""
        if certificate.isEmpty, !key.isEmpty {
            throw .missingCompanion(flag: .tlsPrivateKeyFile, companion: .tlsCertFile)
        }
        if key.isEmpty, !certificate.isEmpty {
            throw .missingCompanion(flag: .tlsCertFile, companion: .tlsPrivateKeyFile)
        }
        if certificate.isEmpty {
            let directory = reader.value(.certDir) ?? "/tmp/k8s-webhook-server/serving-certs"
            guard !directory.isEmpty else {
                throw .invalidFlagValue(flag: .certDir, value: directory, expected: "a directory")
            }
            certificatePath = "\(directory)/tls.crt"
            privateKeyPath = "\(directory)/tls.key"
        } else {
            certificatePath = certificate
            privateKeyPath = key
        }
    }

    /// Reloader's `GetIgnoredResourcesList`: case-insensitive, one kind only.
    private static func resourcesToIgnore(_ entries: [String]) throws(ConfigurationError) -> Set<ConfigKind> {
        var kinds: Set<ConfigKind> = []
        for entry in entries {
            switch entry.lowercased() {
            case "configmaps": kinds.insert(.configMap)
            case "secrets": kinds.insert(.secret)
            default:
                throw .invalidFlagValue(flag: .resourcesToIgnore, value: entry, expected: "configmaps or secrets")
            }
        }
        guard kinds.count < 2 else {
            throw .conflictingValues(flag: .resourcesToIgnore, reason: "accepts configmaps or secrets, not both")
        }
        return kinds
    }

    private static func logFormat(_ text: String) throws(ConfigurationError) -> LineLogHandler.Format {
        switch text.lowercased() {
        case "", "text": .text
        case "json": .json
        default: throw .invalidFlagValue(flag: .logFormat, value: text, expected: "\"\", text or json")
        }
    }

    /// logrus's `ParseLevel` names; fatal and panic map to critical.
    private static func logLevel(_ text: String) throws(ConfigurationError) -> Logger.Level {
        switch text.lowercased() {
        case "trace": .trace
        case "debug": .debug
        case "info": .info
        case "warning", "warn": .warning
        case "error": .error
        case "fatal", "panic": .critical
        default:
            throw .invalidFlagValue(
                flag: .logLevel, value: text, expected: "trace, debug, info, warning, error, fatal or panic")
        }
    }

    private static func checkURL(_ text: String, flag: ConfigurationFlag) throws(ConfigurationError) {
        let lowered = text.lowercased()
        let rest =
            lowered.hasPrefix("https://") ? text.dropFirst(8) : lowered.hasPrefix("http://") ? text.dropFirst(7) : nil
        guard let rest, let host = rest.split(separator: "/", omittingEmptySubsequences: false).first, !host.isEmpty,
            !text.contains(where: { $0 == " " || $0 == "\n" })
        else {
            throw .invalidFlagValue(flag: flag, value: redacted(url: text), expected: "an http:// or https:// URL")
        }
    }

    /// What an error may show of a URL the user gave: its scheme and host, never its path, query or credentials (a
    /// mistyped Slack or Teams webhook URL carries its secret in the path).
    static func redacted(url text: String) -> String {
        let scheme = text.range(of: "://").map { String(text[..<$0.upperBound]) } ?? ""
        let rest = text.dropFirst(scheme.count)
        let authority = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let credentials = host.count < authority.count ? "…@" : ""
        let tail = authority.count < rest.count ? "/…" : ""
        return scheme + credentials + host + tail
    }
}

/// Reads flag values the way pflag holds them: a scalar's last occurrence, a list's CSV entries.
private struct FlagReader {
    let flags: [ConfigurationFlag: [String]]

    func value(_ flag: ConfigurationFlag) -> String? { flags[flag]?.last }

    func bool(_ flag: ConfigurationFlag) throws(ConfigurationError) -> Bool? {
        guard let text = value(flag) else { return nil }
        guard let value = GoBool.parse(text) else {
            throw .invalidFlagValue(flag: flag, value: text, expected: GoBool.expected)
        }
        return value
    }

    /// Entries trimmed, empty ones dropped (pflag keeps them; an empty namespace would mean "all" to client-go).
    func list(_ flag: ConfigurationFlag) throws(ConfigurationError) -> [String] {
        var entries: [String] = []
        for value in flags[flag] ?? [] {
            do {
                entries += try GoStringSlice.split(value)
            } catch {
                throw .invalidFlagValue(flag: flag, value: value, expected: "comma-separated values (\(error.reason))")
            }
        }
        return entries.map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
    }

    func selector(_ flag: ConfigurationFlag) throws(ConfigurationError) -> [String] {
        var raw: [String] = []
        for value in flags[flag] ?? [] {
            do {
                raw += try GoStringSlice.split(value)
            } catch {
                throw .invalidFlagValue(flag: flag, value: value, expected: "comma-separated values (\(error.reason))")
            }
        }
        do {
            return try LabelSelectorSyntax.requirements(from: raw)
        } catch {
            throw .invalidFlagValue(
                flag: flag, value: error.requirement, expected: "a label selector requirement (\(error.reason))")
        }
    }

    func address(_ flag: ConfigurationFlag) throws(ConfigurationError) -> ListenAddress? {
        guard let text = value(flag) else { return nil }
        do {
            return try ListenAddress(parsing: text)
        } catch {
            throw .invalidFlagValue(flag: flag, value: text, expected: "host:port or :port")
        }
    }

    func duration(_ flag: ConfigurationFlag, allowsZero: Bool) throws(ConfigurationError) -> Duration? {
        guard let text = value(flag) else { return nil }
        let duration: Duration
        do {
            duration = try GoDuration.parse(text)
        } catch {
            throw .invalidFlagValue(flag: flag, value: text, expected: "a Go duration such as 30s, 5m or 1h30m")
        }
        guard allowsZero ? duration >= .zero : duration > .zero else {
            throw .invalidFlagValue(
                flag: flag, value: text, expected: allowsZero ? "a non-negative duration" : "a positive duration")
        }
        return duration
    }
}
