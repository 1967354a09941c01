public import Foundation
public import Logging
import Synchronization
public import WebhookServer

/// kube-sim running: an HTTPS server over a `KubeSimHandler`, with its own CA and serving certificate (made with
/// the openssl CLI) and a kubeconfig pointing at it. Used by the `kube-sim` executable and in-process by tests.
/// Thread-safe: `stop()` may be called from any thread.
public final class KubeSimServer: Sendable {
    public struct Configuration: Sendable {
        public var address: ListenAddress
        /// Where the CA and serving pair go; nil: a temporary directory, removed by `stop()`.
        public var certificateDirectory: String?
        /// Where to write the kubeconfig; nil: `<certificate directory>/kubeconfig`.
        public var kubeconfigPath: String?
        public var continueRetention: TimeInterval
        public var eventLoopCount: Int
        /// nil (the default): validating webhook dispatch as kube-apiserver does it, over the
        /// ValidatingWebhookConfigurations stored in this kube-sim, calling webhooks with `webhookCaller`.
        /// Anything else replaces it, e.g. `AllowAllAdmission()` for a test that wants no webhooks at all.
        public var admission: (any AdmissionController)?
        public var webhookCaller: any WebhookCaller
        /// `namespace/name` of a Service -> `host:port`: where to call a webhook whose clientConfig names that
        /// service (the executable's `--service`).
        public var serviceAddresses: [String: String]
        public var patchApplier: any PatchApplier

        public init(
            address: ListenAddress = ListenAddress(host: "127.0.0.1", port: 0), certificateDirectory: String? = nil,
            kubeconfigPath: String? = nil, continueRetention: TimeInterval = 300, eventLoopCount: Int = 2,
            admission: (any AdmissionController)? = nil, webhookCaller: any WebhookCaller = CurlWebhookCaller(),
            serviceAddresses: [String: String] = [:], patchApplier: any PatchApplier = KubePatchApplier()
        ) {
            self.address = address
            self.certificateDirectory = certificateDirectory
            self.kubeconfigPath = kubeconfigPath
            self.continueRetention = continueRetention
            self.eventLoopCount = eventLoopCount
            self.admission = admission
            self.webhookCaller = webhookCaller
            self.serviceAddresses = serviceAddresses
            self.patchApplier = patchApplier
        }
    }

    public let port: Int
    public let kubeconfigPath: String
    public let caPath: String
    public let handler: KubeSimHandler
    public var store: ObjectStore { handler.store }
    public var url: String { "https://127.0.0.1:\(port)" }
    private let server: HTTPServer
    private let reloader: CertificateReloader
    private let temporaryDirectory: String?
    private let logger: Logger
    /// Listeners added by `addListener`, stopped with the main one.
    private let listeners = Mutex<[HTTPServer]>([])

    private init(
        port: Int, kubeconfigPath: String, caPath: String, handler: KubeSimHandler, server: HTTPServer,
        reloader: CertificateReloader, temporaryDirectory: String?, logger: Logger
    ) {
        self.port = port
        self.kubeconfigPath = kubeconfigPath
        self.caPath = caPath
        self.handler = handler
        self.server = server
        self.reloader = reloader
        self.temporaryDirectory = temporaryDirectory
        self.logger = logger
    }

    /// Generates certificates, binds, starts serving and writes the kubeconfig.
    public static func start(_ configuration: Configuration, logger: Logger) throws(KubeSimError) -> KubeSimServer {
        let directory: String
        var temporary: String?
        if let given = configuration.certificateDirectory {
            directory = given
        } else {
            directory = FileManager.default.temporaryDirectory.path + "/kube-sim-" + UUID().uuidString.prefix(8)
            temporary = directory
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .certificates("cannot create \(directory): \(error)")
        }
        let pair = try SelfSignedAuthority.generate(in: directory)
        let reloader: CertificateReloader
        do {
            reloader = try CertificateReloader(
                certificatePath: pair.certificatePath, keyPath: pair.keyPath, logger: logger)
        } catch {
            throw .certificates("\(error)")
        }
        let store =
            if let admission = configuration.admission {
                ObjectStore(admission: admission, retention: configuration.continueRetention)
            } else {
                ObjectStore.withWebhookAdmission(
                    caller: configuration.webhookCaller, serviceAddresses: configuration.serviceAddresses,
                    retention: configuration.continueRetention, logger: logger)
            }
        var handler = KubeSimHandler(store: store, patchApplier: configuration.patchApplier)
        let server: HTTPServer
        do {
            // The handler needs the bound port for `/api`'s serverAddressByClientCIDRs, so bind first with a
            // forwarding handler, then fill it in.
            let forwarder = ForwardingHandler()
            server = try HTTPServer(
                configuration: .init(address: configuration.address, eventLoopCount: configuration.eventLoopCount),
                handler: forwarder, certificates: reloader.certificates, logger: logger)
            handler = KubeSimHandler(
                store: store, patchApplier: configuration.patchApplier,
                serverAddress: "\(server.address.host.isEmpty ? "127.0.0.1" : server.address.host):\(server.port)")
            forwarder.target.withLock { $0 = handler }
        } catch {
            throw .listen("\(error)")
        }
        let kubeconfigPath = configuration.kubeconfigPath ?? "\(directory)/kubeconfig"
        let host =
            configuration.address.host.isEmpty || configuration.address.host == "0.0.0.0"
            ? "127.0.0.1" : configuration.address.host
        let serverURL = host.contains(":") ? "https://[\(host)]:\(server.port)" : "https://\(host):\(server.port)"
        try Kubeconfig.write(to: kubeconfigPath, server: serverURL, caPath: pair.caPath)
        server.start()
        return KubeSimServer(
            port: server.port, kubeconfigPath: kubeconfigPath, caPath: pair.caPath, handler: handler, server: server,
            reloader: reloader, temporaryDirectory: temporary, logger: logger)
    }

    /// Serves the same store on one more port of 127.0.0.1, with its own `eventLoopCount` threads, and writes a
    /// kubeconfig for it (same CA and serving certificate). kube-sim's handlers run on their event-loop thread, and
    /// a latency fault sleeps on it: a client given its own listener never waits behind another client's faults,
    /// as with a real kube-apiserver. Returns the port.
    public func addListener(eventLoopCount: Int, kubeconfigPath: String) throws(KubeSimError) -> Int {
        let listener: HTTPServer
        do {
            listener = try HTTPServer(
                configuration: .init(
                    address: ListenAddress(host: "127.0.0.1", port: 0), eventLoopCount: max(1, eventLoopCount)),
                handler: handler, certificates: reloader.certificates, logger: logger)
        } catch {
            throw .listen("\(error)")
        }
        do throws(KubeSimError) {
            try Kubeconfig.write(to: kubeconfigPath, server: "https://127.0.0.1:\(listener.port)", caPath: caPath)
        } catch {
            // Started only to be stopped: shutdown closes the listening sockets from the running loops.
            listener.start()
            listener.shutdown(gracePeriod: .zero)
            listener.wait()
            throw error
        }
        listener.start()
        listeners.withLock { $0.append(listener) }
        return listener.port
    }

    public func stop() {
        shutdown(gracePeriod: .seconds(1))
        wait()
        cleanUp()
    }

    /// After the server stopped (`wait()` returned): stops the certificate watch and removes the temporary
    /// certificate directory, if kube-sim made one.
    public func cleanUp() {
        reloader.stop()
        if let temporaryDirectory { try? FileManager.default.removeItem(atPath: temporaryDirectory) }
    }

    /// Blocks until the server (and every added listener) stops.
    public func wait() {
        server.wait()
        for listener in listeners.withLock({ $0 }) { listener.wait() }
    }

    public func shutdown(gracePeriod: Duration) {
        server.shutdown(gracePeriod: gracePeriod)
        for listener in listeners.withLock({ $0 }) { listener.shutdown(gracePeriod: gracePeriod) }
    }
}

public enum KubeSimError: Error, CustomStringConvertible {
    case certificates(String)
    case listen(String)
    case kubeconfig(path: String, reason: String)

    public var description: String {
        switch self {
        case .certificates(let reason): "cannot make kube-sim's certificates: \(reason)"
        case .listen(let reason): "cannot listen: \(reason)"
        case .kubeconfig(let path, let reason): "cannot write the kubeconfig \(path): \(reason)"
        }
    }
}
