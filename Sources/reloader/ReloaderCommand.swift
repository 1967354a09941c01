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
        abstract: "Rolls out workloads when the ConfigMaps and Secrets they use change (admission-webhook driven).")

    @Option(name: .customLong("webhook-address"), help: "HTTPS listener for /validate (host:port, :port).")
    var webhookAddress = ":8443"

    @Option(name: .customLong("tls-cert-file"), help: "Serving certificate chain (PEM); hot-reloaded.")
    var tlsCertFile = ""

    @Option(name: .customLong("tls-private-key-file"), help: "Serving private key (PEM); hot-reloaded.")
    var tlsPrivateKeyFile = ""

    @Option(name: .customLong("cert-dir"), help: "Directory with tls.crt and tls.key, used when the two flags above are empty.")
    var certDir = "/tmp/k8s-webhook-server/serving-certs"

    @Option(name: [.customLong("metrics-address"), .customLong("metrics-addr")], help: "Plain-HTTP listener for /metrics and probes.")
    var metricsAddress = ":9090"

    @Option(name: .customLong("max-connections"), help: "Open-connection cap on the webhook listener.")
    var maxConnections = 1024

    @Option(name: .customLong("shutdown-grace-period"), help: "How long in-flight requests may finish after SIGTERM (Go duration).")
    var shutdownGracePeriod = "30s"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning, error, fatal or panic.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "\"\" or text, or json.")
    var logFormat = ""

    /// Like ParsableCommand's default, but a bad flag exits 2 (as Go's flag package and Reloader do), not 64.
    static func main() {
        let command: ReloaderCommand
        do {
            command = try parseAsRoot() as! ReloaderCommand  // the root command parses to its own type
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

    func validate() throws {
        _ = try parsedSettings()
    }

    /// Flag values checked and converted; every failure names its flag.
    struct Settings {
        var webhookAddress: ListenAddress
        var metricsAddress: ListenAddress
        var gracePeriod: Duration
        var logLevel: Logger.Level
        var logFormat: LineLogHandler.Format
        var certificatePath: String
        var keyPath: String
    }

    func parsedSettings() throws -> Settings {
        func invalid(_ flag: String, _ value: String, _ expected: String) -> ValidationError {
            ValidationError("--\(flag)=\(value) is not valid; expected \(expected)")
        }
        let webhook: ListenAddress
        let metrics: ListenAddress
        do { webhook = try ListenAddress(parsing: webhookAddress) } catch {
            throw invalid("webhook-address", webhookAddress, "host:port or :port")
        }
        do { metrics = try ListenAddress(parsing: metricsAddress) } catch {
            throw invalid("metrics-address", metricsAddress, "host:port or :port")
        }
        guard maxConnections > 0 else { throw invalid("max-connections", "\(maxConnections)", "a positive number") }
        let grace: Duration
        do { grace = try GoDuration.parse(shutdownGracePeriod) } catch {
            throw invalid("shutdown-grace-period", shutdownGracePeriod, "a Go duration such as 30s")
        }
        guard grace >= .zero else { throw invalid("shutdown-grace-period", shutdownGracePeriod, "a non-negative duration") }
        let level: Logger.Level
        switch logLevel.lowercased() {
        case "trace": level = .trace
        case "debug": level = .debug
        case "info": level = .info
        case "warning", "warn": level = .warning
        case "error": level = .error
        case "fatal", "panic": level = .critical
        default: throw invalid("log-level", logLevel, "trace, debug, info, warning, error, fatal or panic")
        }
        let format: LineLogHandler.Format
        switch logFormat.lowercased() {
        case "", "text": format = .text
        case "json": format = .json
        default: throw invalid("log-format", logFormat, "\"\", text or json")
        }
        guard tlsCertFile.isEmpty == tlsPrivateKeyFile.isEmpty else {
            throw ValidationError("--tls-cert-file and --tls-private-key-file must be given together")
        }
        let certificatePath = tlsCertFile.isEmpty ? "\(certDir)/tls.crt" : tlsCertFile
        let keyPath = tlsPrivateKeyFile.isEmpty ? "\(certDir)/tls.key" : tlsPrivateKeyFile
        return Settings(
            webhookAddress: webhook, metricsAddress: metrics, gracePeriod: grace, logLevel: level, logFormat: format,
            certificatePath: certificatePath, keyPath: keyPath)
    }

    func run() throws {
        let settings = try parsedSettings()
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, format: settings.logFormat, level: settings.logLevel)
        }
        let logger = Logger(label: "reloader.main")
        do {
            try Service(settings: settings, maxConnections: maxConnections).run(logger: logger)
        } catch {
            logger.critical("reloader cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}

/// The running process: servers, certificate watch and signal handling.
struct Service {
    let settings: ReloaderCommand.Settings
    let maxConnections: Int

    func run(logger: Logger) throws {
        let metrics = ServerMetrics()
        let ready = Atomic<Bool>(false)
        let certificates = try CertificateReloader(
            certificatePath: settings.certificatePath, keyPath: settings.keyPath, observer: metrics,
            logger: Logger(label: "reloader.certificates"))

        var webhookRoutes = Router()
        webhookRoutes.add("POST", "/validate", ValidateHandler(logger: Logger(label: "reloader.admission")))
        var limits = ServerLimits()
        limits.maxConnections = maxConnections
        let webhook = try HTTPServer(
            configuration: .init(address: settings.webhookAddress, limits: limits), handler: webhookRoutes,
            certificates: certificates.certificates, observer: metrics, logger: Logger(label: "reloader.webhook"))
        let metricsServer = try HTTPServer(
            configuration: .init(address: settings.metricsAddress, eventLoopCount: 1),
            handler: MetricsRoutes.makeRouter(metrics: metrics, isReady: { ready.load(ordering: .relaxed) }),
            certificates: nil, observer: NoServerObserver(), logger: Logger(label: "reloader.metrics"))

        let stopping = Atomic<Bool>(false)
        let stop: @Sendable (Int32) -> Void = { signal in
            guard !stopping.exchange(true, ordering: .relaxed) else { return }
            logger.info("stopping", metadata: ["signal": "\(signal)", "grace": "\(settings.gracePeriod)"])
            // Not ready from now on, but the metrics listener stays up while the webhook drains, so probes
            // see 503 on /readyz (and 200 on /healthz) instead of a refused connection.
            ready.store(false, ordering: .relaxed)
            webhook.shutdown(gracePeriod: settings.gracePeriod)
            certificates.stop()
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
        webhook.start()
        metricsServer.start()
        ready.store(true, ordering: .relaxed)
        logger.info(
            "serving",
            metadata: [
                "webhook": "https://\(webhook.address)/validate", "metrics": "http://\(metricsServer.address)/metrics",
                "certificate": "\(settings.certificatePath)",
            ])
        webhook.wait()
        metricsServer.shutdown(gracePeriod: .seconds(1))
        metricsServer.wait()
        withExtendedLifetime(sources) {}
        logger.info("stopped")
    }
}
