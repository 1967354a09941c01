public import Foundation
public import Logging
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

    private init(
        port: Int, kubeconfigPath: String, caPath: String, handler: KubeSimHandler, server: HTTPServer,
        reloader: CertificateReloader, temporaryDirectory: String?
    ) {
        self.port = port
        self.kubeconfigPath = kubeconfigPath
        self.caPath = caPath
        self.handler = handler
        self.server = server
        self.reloader = reloader
        self.temporaryDirectory = temporaryDirectory
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
            reloader: reloader, temporaryDirectory: temporary)
    }

    public func stop() {
        server.shutdown(gracePeriod: .seconds(1))
        server.wait()
        cleanUp()
    }

    /// After the server stopped (`wait()` returned): stops the certificate watch and removes the temporary
    /// certificate directory, if kube-sim made one.
    public func cleanUp() {
        reloader.stop()
        if let temporaryDirectory { try? FileManager.default.removeItem(atPath: temporaryDirectory) }
    }

    /// Blocks until the server stops.
    public func wait() { server.wait() }

    public func shutdown(gracePeriod: Duration) { server.shutdown(gracePeriod: gracePeriod) }
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
