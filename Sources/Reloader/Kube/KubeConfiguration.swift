import Foundation

/// Where and how to reach the API server: the base URL, TLS trust and client identity, the credentials and the
/// default namespace. Built once at startup (in-cluster or from a kubeconfig) and then immutable; a bearer token
/// file is named here and re-read by `BearerTokenSource` while the client runs. A pure value.
public struct KubeConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// How requests authenticate. The description never contains a token.
    public enum Credentials: Sendable, Equatable, CustomStringConvertible {
        case none
        case token(String)
        /// A file holding the token, re-read when it changes (projected service-account tokens rotate hourly).
        case tokenFile(path: String)

        public var description: String {
            switch self {
            case .none: "none"
            case .token: "token (redacted)"
            case .tokenFile(let path): "token file \(path)"
            }
        }
    }

    /// The base URL without a trailing slash, e.g. `https://10.96.0.1:443`.
    public var server: String
    public var tls: TLSClientSettings
    public var credentials: Credentials
    public var namespace: String
    /// Where this came from, for the startup log: `in-cluster` or `kubeconfig <path> context <name>`.
    public var source: String

    public init(
        server: String, tls: TLSClientSettings = TLSClientSettings(), credentials: Credentials = .none,
        namespace: String = "default", source: String = "explicit"
    ) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.source = source
    }

    public var description: String {
        "\(source): server \(server), credentials \(credentials), namespace \(namespace)"
    }

    /// The files a pod's service account provides; injectable for tests.
    public struct InClusterPaths: Sendable {
        public var token: String
        public var ca: String
        public var namespace: String

        public init(directory: String = "/var/run/secrets/kubernetes.io/serviceaccount") {
            token = directory + "/token"
            ca = directory + "/ca.crt"
            namespace = directory + "/namespace"
        }
    }

    /// Chooses a configuration the way controller-runtime does: the `--kubeconfig` flag, then `KUBECONFIG`, then
    /// in-cluster, then `~/.kube/config`. Of a `KUBECONFIG` list (`a:b:c`) only the first file is read; merging
    /// several files as kubectl does is not implemented.
    public static func load(
        kubeconfig flag: String?, environment: [String: String],
        inClusterPaths: InClusterPaths = InClusterPaths()
    ) throws(KubeConfigurationError) -> KubeConfiguration {
        if let flag, !flag.isEmpty { return try kubeconfig(path: flag) }
        if let list = environment["KUBECONFIG"],
            let first = list.split(separator: ":", omittingEmptySubsequences: true).first
        {
            return try kubeconfig(path: String(first))
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment, paths: inClusterPaths)
        }
        if let home = environment["HOME"], FileManager.default.fileExists(atPath: home + "/.kube/config") {
            return try kubeconfig(path: home + "/.kube/config")
        }
        throw .noConfiguration
    }

    /// A pod's configuration: the API server from `KUBERNETES_SERVICE_HOST`/`_PORT`, the service-account CA and
    /// token file, and the pod's namespace (`default` when the file is absent, as client-go does).
    public static func inCluster(
        environment: [String: String], paths: InClusterPaths = InClusterPaths()
    ) throws(KubeConfigurationError) -> KubeConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else {
            throw .notInCluster(missing: "KUBERNETES_SERVICE_HOST")
        }
        guard let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw .notInCluster(missing: "KUBERNETES_SERVICE_PORT")
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw .notInCluster(missing: "a valid KUBERNETES_SERVICE_PORT (got \"\(port)\")")
        }
        let ca = try readFile(paths.ca)
        guard containsPEMCertificate(ca) else {
            throw .invalidInClusterFile(path: paths.ca, problem: "holds no PEM certificate")
        }
        let token = try readFile(paths.token)
        guard !trimmed(token).isEmpty else { throw .invalidInClusterFile(path: paths.token, problem: "is empty") }
        var namespace = "default"
        if FileManager.default.fileExists(atPath: paths.namespace) {
            let text = trimmed(try readFile(paths.namespace))
            if !text.isEmpty { namespace = text }
        }
        // An IPv6 service address needs brackets in a URL (RFC 3986 §3.2.2).
        let authority = host.contains(":") ? "[\(host)]:\(portNumber)" : "\(host):\(portNumber)"
        return KubeConfiguration(
            server: "https://\(authority)", tls: TLSClientSettings(caPEM: ca),
            credentials: .tokenFile(path: paths.token), namespace: namespace, source: "in-cluster")
    }

    static func readFile(_ path: String) throws(KubeConfigurationError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? "\((error as NSError).localizedDescription)"
            throw .unreadableFile(
                path: path, reason: FileManager.default.fileExists(atPath: path) ? reason : "no such file")
        }
    }

    static func trimmed(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func containsPEMCertificate(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----")
    }
}
