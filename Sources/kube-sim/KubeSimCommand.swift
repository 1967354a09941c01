import ArgumentParser
import Dispatch
import Foundation
import KubeSim
import Logging
import Reloader
import Synchronization
import WebhookServer

/// The `kube-sim` executable: starts the Kubernetes API simulator over HTTPS with its own CA, writes a kubeconfig
/// for it, prints how to use it, and stops on SIGTERM/SIGINT. Decides nothing itself.
@main
struct KubeSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-sim",
        abstract: "A Kubernetes API simulator (in memory) that kubectl and client libraries can drive.")

    @Option(name: .customLong("listen"), help: "HTTPS listen address (host:port, :port).")
    var listen = "127.0.0.1:6443"

    @Option(name: .customLong("kubeconfig-out"), help: "Where to write the kubeconfig for this simulator.")
    var kubeconfigOut: String

    @Option(
        name: .customLong("cert-dir"),
        help: "Where to write the generated CA and serving pair (default: a temporary directory).")
    var certDir: String?

    @Option(
        name: .customLong("continue-retention-seconds"),
        help: "Minimum lifetime of a list continue token before 410 Expired.")
    var continueRetentionSeconds: Int = 300

    @Option(
        name: .customLong("service"),
        help: "namespace/name=host:port: where to call webhooks whose clientConfig names this Service (repeatable).")
    var services: [String] = []

    func run() throws {
        // Before any thread starts: curl_global_init is not thread-safe (webhook calls use libcurl).
        CurlTransport.initializeLibrary()
        var logger = Logger(label: "reloader.kube-sim")
        logger.logLevel = .info
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: listen)
        } catch {
            throw ValidationError("--listen=\(listen) is not valid: \(error)")
        }
        guard continueRetentionSeconds > 0 else {
            throw ValidationError("--continue-retention-seconds must be positive")
        }
        let serviceAddresses: [String: String]
        do {
            serviceAddresses = try ServiceAddresses.parse(services)
        } catch {
            throw ValidationError(error.description)
        }
        let server: KubeSimServer
        do {
            server = try KubeSimServer.start(
                .init(
                    address: address, certificateDirectory: certDir, kubeconfigPath: kubeconfigOut,
                    continueRetention: TimeInterval(continueRetentionSeconds), serviceAddresses: serviceAddresses),
                logger: logger)
        } catch {
            FileHandle.standardError.write(Data("kube-sim: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let stopping = Atomic<Bool>(false)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard !stopping.exchange(true, ordering: .relaxed) else { return }
                server.shutdown(gracePeriod: .seconds(1))
            }
            source.resume()
            sources.append(source)
        }
        logger.info("serving", metadata: ["url": "\(server.url)", "kubeconfig": "\(server.kubeconfigPath)"])
        FileHandle.standardOutput.write(
            Data(
                "kube-sim serving on \(server.url)\n  kubectl --kubeconfig \(server.kubeconfigPath) get namespaces\n"
                    .utf8))
        server.wait()
        server.cleanUp()
        withExtendedLifetime(sources) {}
        logger.info("stopped")
    }
}
