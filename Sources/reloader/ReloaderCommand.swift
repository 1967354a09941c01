import ArgumentParser
import Dispatch
import Foundation
import Logging
import Reloader
import Synchronization
import WebhookServer

/// The `reloader` executable: parses Reloader-compatible flags, wires the webhook server, the certificate
/// reloader and the metrics listener, and stops gracefully on SIGTERM/SIGINT. Decides nothing itself.
@main
struct ReloaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reloader",
        abstract: "Rolls out workloads when the ConfigMaps and Secrets they use change (admission-webhook driven).",
        discussion: """
            Accepts Stakater Reloader's flags as its Helm chart writes them: booleans as --flag, --flag=true or \
            any Go form (1, 0, t, f, TRUE, False, ...), list flags comma-separated and repeated. The README's flag \
            reference is generated from the same table as this help.
            """)

    @OptionGroup(title: "Reloader flags") var reloader: ReloaderFlags
    @OptionGroup(title: "Annotation keys") var annotationKeys: AnnotationKeyFlags
    @OptionGroup(title: "Server flags") var server: ServerFlags

    /// Like ParsableCommand's default, but a bad flag exits 2 (as Go's flag package and Reloader do), not 64, and
    /// Go-style spellings (`--enable-ha`, `--auto-reload-all=True`) are rewritten first (`GoStyleArguments`).
    static func main() {
        // Before any thread starts: curl_global_init is not thread-safe (the API client uses libcurl).
        CurlTransport.initializeLibrary()
        var command: any ParsableCommand
        do {
            let arguments = try GoStyleArguments.normalize(Array(CommandLine.arguments.dropFirst()))
            // Usually a ReloaderCommand; ArgumentParser's HelpCommand for `--help` (a forced cast crashed there).
            command = try parseAsRoot(arguments)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("reloader: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data("reloader: \(fullMessage(for: error))\n".utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// Every flag given on the command line, with its values in order.
    var givenFlags: [ConfigurationFlag: [String]] {
        reloader.given.merging(annotationKeys.given) { first, _ in first }.merging(server.given) { first, _ in first }
    }

    func validate() throws {
        _ = try makeConfiguration()
    }

    /// The configuration from the flags and the process environment; a refusal becomes a `ValidationError`, which
    /// `main()` turns into exit status 2.
    func makeConfiguration() throws -> ReloaderConfiguration {
        do {
            return try ReloaderConfiguration(flags: givenFlags, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let configuration = try makeConfiguration()
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, format: configuration.logFormat, level: configuration.logLevel)
        }
        let logger = Logger(label: "reloader.main")
        let notActedOn = givenFlags.keys.filter(\.isAcceptedOnly).map(\.description).sorted()
        if !notActedOn.isEmpty {
            // Accepted so a Reloader manifest starts unchanged, but honest about what does nothing here.
            logger.warning(
                "flags accepted for compatibility but not acted on",
                metadata: ["flags": "\(notActedOn.joined(separator: " "))"])
        }
        do {
            try Service(configuration: configuration).run(logger: logger)
        } catch {
            logger.critical("reloader cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}

/// The running process: servers, certificate watch and signal handling.
struct Service {
    let configuration: ReloaderConfiguration

    func run(logger: Logger) throws {
        let metrics = ServerMetrics()
        // One registry for every family counted as it happens; the engine's scrape-time families are rendered
        // after it and use other names (checked by MetricsExpositionTests).
        let reloaderMetrics = ReloaderMetrics(
            registry: metrics.registry, countsByNamespace: configuration.countsReloadsByNamespace)
        let ready = Atomic<Bool>(false)
        let certificates = try CertificateReloader(
            certificatePath: configuration.certificatePath, keyPath: configuration.privateKeyPath, observer: metrics,
            logger: Logger(label: "reloader.certificates"))
        let engine = try makeEngine(
            metrics: reloaderMetrics, requests: KubeRequestMetrics(registry: metrics.registry))

        var webhookRoutes = Router()
        webhookRoutes.add(
            "POST", "/validate",
            ValidateHandler(
                logger: Logger(label: "reloader.admission"), engine: engine.admission, metrics: reloaderMetrics))
        var limits = ServerLimits()
        limits.maxConnections = configuration.maxConnections
        let webhook = try HTTPServer(
            configuration: .init(address: configuration.webhookAddress, limits: limits), handler: webhookRoutes,
            certificates: certificates.certificates, observer: metrics, logger: Logger(label: "reloader.webhook"))
        let metricsServer = try HTTPServer(
            configuration: .init(address: configuration.metricsAddress, eventLoopCount: 1),
            handler: MetricsRoutes.makeRouter(
                metrics: metrics, collectors: [{ [metrics = engine.metrics] in metrics.render() }],
                isReady: { ready.load(ordering: .relaxed) && engine.isReady }),
            certificates: nil, observer: NoServerObserver(), logger: Logger(label: "reloader.metrics"))
        // Contract §7.1 Δ: debug endpoints only with --enable-pprof, on their own listener.
        let debugServer =
            configuration.isPprofEnabled
            ? try HTTPServer(
                configuration: .init(address: configuration.pprofAddress, eventLoopCount: 1),
                handler: DebugRoutes.makeRouter(sources: engine.debugSources(configuration: configuration)),
                certificates: nil, observer: NoServerObserver(), logger: Logger(label: "reloader.debug"))
            : nil

        let stopping = Atomic<Bool>(false)
        let stop: @Sendable (Int32) -> Void = { signal in
            guard !stopping.exchange(true, ordering: .relaxed) else { return }
            logger.info("stopping", metadata: ["signal": "\(signal)", "grace": "\(configuration.shutdownGracePeriod)"])
            // Not ready from now on, but the metrics listener stays up while the webhook drains, so probes
            // see 503 on /readyz (and 200 on /healthz) instead of a refused connection.
            ready.store(false, ordering: .relaxed)
            webhook.shutdown(gracePeriod: configuration.shutdownGracePeriod)
            certificates.stop()
            engine.stop()
        }
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop(number) }
            source.resume()
            sources.append(source)
        }

        certificates.start()
        engine.start()
        webhook.start()
        metricsServer.start()
        debugServer?.start()
        ready.store(true, ordering: .relaxed)
        var serving: Logger.Metadata = [
            "webhook": "https://\(webhook.address)/validate", "metrics": "http://\(metricsServer.address)/metrics",
            "certificate": "\(configuration.certificatePath)",
        ]
        if let debugServer { serving["debug"] = "http://\(debugServer.address)/debug/" }
        logger.info("serving", metadata: serving)
        webhook.wait()
        engine.stop()
        metricsServer.shutdown(gracePeriod: .seconds(1))
        debugServer?.shutdown(gracePeriod: .seconds(1))
        metricsServer.wait()
        debugServer?.wait()
        withExtendedLifetime(sources) {}
        logger.info("stopped")
    }
}

extension Service {
    /// The API client (`--kubeconfig`, `KUBECONFIG`, in-cluster) and the engine over it. A bad kubeconfig or Lease
    /// setting stops start-up with one line naming it. Both clients count their requests into `requests`.
    func makeEngine(metrics: any ReloaderMetricsRecorder, requests: any KubeRequestObserver) throws -> ReloadEngine {
        let environment = ProcessInfo.processInfo.environment
        let kube: KubeConfiguration
        do {
            kube = try KubeConfiguration.load(kubeconfig: configuration.kubeconfigPath, environment: environment)
        } catch {
            throw StartupError("Kubernetes API access: \(error)")
        }
        let transport = CurlTransport()
        let options = KubeClient.Options(qps: configuration.kubeAPIQPS, burst: configuration.kubeAPIBurst)
        let client = KubeClient(
            configuration: kube, transport: transport, logger: Logger(label: "reloader.kube"), options: options,
            observer: requests)
        // The elector must see a failed renewal before its renew deadline: a retry budget well inside it.
        var electionOptions = options
        electionOptions.retry = RetryPolicy(
            maximumRetries: 2, budget: configuration.leaderElection.retryPeriod,
            maximumDelay: configuration.leaderElection.retryPeriod)
        electionOptions.requestTimeout = configuration.leaderElection.retryPeriod * 2
        let electionClient = KubeClient(
            configuration: kube, transport: CurlTransport(), logger: Logger(label: "reloader.kube"),
            options: electionOptions, observer: requests)
        do {
            return try ReloadEngine(
                configuration: configuration, client: client, electionClient: electionClient,
                webhookTransport: CurlTransport(), alertTransport: CurlTransport(maximumIdleHandles: 1),
                logger: Logger(label: "reloader.engine"), metrics: metrics)
        } catch {
            throw StartupError("\(error)")
        }
    }
}

/// A start-up failure, already phrased for the one log line before exit 1.
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
