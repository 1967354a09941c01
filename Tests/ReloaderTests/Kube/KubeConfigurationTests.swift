import Foundation
import TestSupport
import Testing

@testable import Reloader

/// Kubeconfig and in-cluster loading, from files written to a temporary directory. No sockets.
@Suite("KubeConfiguration")
struct KubeConfigurationTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
    static var caBase64: String { Data(caPEM.utf8).base64EncodedString() }
    static var keyBase64: String { Data(keyPEM.utf8).base64EncodedString() }

    /// Writes `yaml` as `config` in a fresh directory, loads it and removes the directory; returns its path too.
    func load(
        _ yaml: String, files: [String: String] = [:], context: String? = nil
    ) throws -> (
        Result<KubeConfiguration, KubeConfigurationError>, String
    ) {
        let directory = try TemporaryDirectory("kubeconfig")
        defer { directory.remove() }
        for (name, content) in files {
            try content.write(toFile: directory.file(name), atomically: true, encoding: .utf8)
        }
        let path = directory.file("config")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let result = Result { () throws(KubeConfigurationError) in
            try KubeConfiguration.kubeconfig(path: path, context: context)
        }
        return (result, directory.path)
    }

    func kubeconfig(cluster: String, user: String, context: String = "cluster: c1\n    user: u1") -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: main
        contexts:
        - name: other
          context:
            cluster: missing
        - name: main
          context:
            \(context)
        clusters:
        - name: c1
          cluster:
        \(cluster.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        users:
        - name: u1
          user:
        \(user.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    @Test("token user with certificate-authority-data")
    func tokenAndCAData() throws {
        let yaml = kubeconfig(
            cluster: "server: https://10.0.0.1:6443/\ncertificate-authority-data: \(Self.caBase64)",
            user: "token: abc", context: "cluster: c1\n    user: u1\n    namespace: payments")
        let (result, _) = try load(yaml)
        let configuration = try result.get()
        #expect(configuration.server == "https://10.0.0.1:6443")
        #expect(configuration.tls.caPEM == Array(Self.caPEM.utf8))
        #expect(configuration.credentials == .token("abc"))
        #expect(configuration.namespace == "payments")
        #expect(!"\(configuration)".contains("abc"))
    }

    @Test("relative certificate-authority, tokenFile and client certificate files resolve against the kubeconfig")
    func relativeFiles() throws {
        let yaml = kubeconfig(
            cluster: "server: https://k:443\ncertificate-authority: ca.crt",
            user: "tokenFile: token\ntoken: ignored\nclient-certificate: client.crt\nclient-key: client.key")
        let (result, directory) = try load(
            yaml, files: ["ca.crt": Self.caPEM, "token": "t1", "client.crt": Self.caPEM, "client.key": Self.keyPEM])
        let configuration = try result.get()
        #expect(configuration.tls.caPEM == Array(Self.caPEM.utf8))
        #expect(configuration.credentials == .tokenFile(path: directory + "/token"))
        #expect(configuration.tls.clientCertificatePEM == Array(Self.caPEM.utf8))
        #expect(configuration.tls.clientKeyPEM == Array(Self.keyPEM.utf8))
        #expect(configuration.namespace == "default")
    }

    @Test("client-certificate-data and client-key-data, insecure-skip-tls-verify")
    func clientCertificateData() throws {
        let yaml = kubeconfig(
            cluster: "server: https://k:443\ninsecure-skip-tls-verify: true",
            user: "client-certificate-data: \(Self.caBase64)\nclient-key-data: \(Self.keyBase64)")
        let configuration = try load(yaml).0.get()
        #expect(configuration.tls.insecureSkipVerify)
        #expect(configuration.tls.caPEM == nil)
        #expect(configuration.tls.clientKeyPEM == Array(Self.keyPEM.utf8))
        #expect(configuration.credentials == .none)
    }

    @Test("an explicit context overrides current-context")
    func explicitContext() throws {
        let yaml = kubeconfig(cluster: "server: https://k", user: "token: x")
        let error = try load(yaml, context: "other").0
        #expect(
            error.failure
                == .invalidField(
                    file: error.file, field: "contexts[0].context.cluster", problem: "\"missing\" not found"))
    }

    @Test(
        "bad kubeconfigs are errors naming the field",
        arguments: [
            ("current-context: nope\ncontexts: []", "current-context", "\"nope\" does not name a context"),
            ("contexts: []", "current-context", "is not set"),
            (
                "current-context: a\ncontexts:\n- name: a\n  context:\n    cluster: prod",
                "contexts[0].context.cluster",
                "\"prod\" not found"
            ),
            ("current-context: a\ncontexts:\n- context: {}", "contexts[0].name", "is missing"),
            ("current-context: a\ncontexts: 3", "contexts", "is not a list"),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {}",
                "clusters[0].cluster.server", "is missing"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'ftp://x'}",
                "clusters[0].cluster.server", "\"ftp://x\" is not an http(s) URL"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority-data: '%%%'}",
                "clusters[0].cluster.certificate-authority-data", "is not base64"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority-data: 'aGVsbG8='}",
                "clusters[0].cluster.certificate-authority-data", "holds no PEM certificate"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', insecure-skip-tls-verify: maybe}",
                "clusters[0].cluster.insecure-skip-tls-verify", "\"maybe\" is not true or false"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x'}",
                "contexts[0].context.user", "\"u\" not found"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user: {client-key-data: 'aGVsbG8='}",
                "users[0].user.client-certificate", "is missing (client-certificate and client-key come as a pair)"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority: missing.crt}",
                "clusters[0].cluster.certificate-authority", "<dir>/missing.crt cannot be read"
            ),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user: {tokenFile: /nonexistent/token}",
                "users[0].user.tokenFile", "/nonexistent/token cannot be read"
            ),
        ])
    func badKubeconfig(yaml: String, field: String, problem: String) throws {
        let (result, directory) = try load(yaml)
        let expected = problem.replacingOccurrences(of: "<dir>", with: directory)
        #expect(result.failure == .invalidField(file: directory + "/config", field: field, problem: expected))
        #expect(result.failure?.description.hasPrefix("kubeconfig \(directory)/config: \(field) ") == true)
    }

    @Test(
        "exec, auth-provider and basic auth are refused by name",
        arguments: [
            ("exec: {command: aws}", "exec", "an exec credential plugin"),
            ("auth-provider: {name: gcp}", "auth-provider", "an auth-provider"),
            ("username: admin", "username", "basic authentication"),
        ])
    func unsupported(user: String, key: String, method: String) throws {
        let (result, directory) = try load(kubeconfig(cluster: "server: https://k", user: user))
        #expect(
            result.failure
                == .unsupportedAuthentication(
                    file: directory + "/config", field: "users[0].user.\(key)", user: "u1", method: method))
        #expect(result.failure?.description.contains("user \"u1\"") == true)
    }

    @Test("YAML that does not parse, and a missing file")
    func unreadable() throws {
        let (result, directory) = try load("contexts: [unclosed")
        guard case .invalidYAML(let file, _)? = result.failure else {
            Issue.record("expected invalidYAML, got \(result)")
            return
        }
        #expect(file == directory + "/config")
        #expect(throws: KubeConfigurationError.unreadableFile(path: "/nonexistent/config", reason: "no such file")) {
            try KubeConfiguration.kubeconfig(path: "/nonexistent/config")
        }
    }

    // MARK: In-cluster and resolution

    func serviceAccount(
        token: String = "t1", ca: String = caPEM, namespace: String? = "payments"
    ) throws
        -> TemporaryDirectory
    {
        let directory = try TemporaryDirectory("serviceaccount")
        try token.write(toFile: directory.file("token"), atomically: true, encoding: .utf8)
        try ca.write(toFile: directory.file("ca.crt"), atomically: true, encoding: .utf8)
        if let namespace { try namespace.write(toFile: directory.file("namespace"), atomically: true, encoding: .utf8) }
        return directory
    }

    @Test("in-cluster: service host and port, CA, token file and namespace")
    func inCluster() throws {
        let directory = try serviceAccount()
        defer { directory.remove() }
        let paths = KubeConfiguration.InClusterPaths(directory: directory.path)
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try KubeConfiguration.inCluster(environment: environment, paths: paths)
        #expect(configuration.server == "https://[fd00::1]:443")
        #expect(configuration.credentials == .tokenFile(path: directory.file("token")))
        #expect(configuration.namespace == "payments")
        #expect(configuration.tls.caPEM == Array(Self.caPEM.utf8))
        let chosen = try KubeConfiguration.load(kubeconfig: nil, environment: environment, inClusterPaths: paths)
        #expect(chosen.source == "in-cluster")
    }

    @Test("in-cluster errors: outside a pod, missing CA, empty token")
    func inClusterErrors() throws {
        let empty = try serviceAccount(token: "\n", namespace: nil)
        defer { empty.remove() }
        let paths = KubeConfiguration.InClusterPaths(directory: empty.path)
        #expect(throws: KubeConfigurationError.notInCluster(missing: "KUBERNETES_SERVICE_HOST")) {
            try KubeConfiguration.inCluster(environment: [:], paths: paths)
        }
        let environment = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        #expect(throws: KubeConfigurationError.invalidInClusterFile(path: empty.file("token"), problem: "is empty")) {
            try KubeConfiguration.inCluster(environment: environment, paths: paths)
        }
        let nowhere = KubeConfiguration.InClusterPaths(directory: "/nonexistent")
        #expect(throws: KubeConfigurationError.unreadableFile(path: "/nonexistent/ca.crt", reason: "no such file")) {
            try KubeConfiguration.inCluster(environment: environment, paths: nowhere)
        }
        #expect(throws: KubeConfigurationError.noConfiguration) {
            try KubeConfiguration.load(kubeconfig: nil, environment: ["HOME": "/nonexistent"])
        }
    }

    @Test("KUBECONFIG: the first file of a colon list is read; --kubeconfig wins over it")
    func kubeconfigEnvironment() throws {
        let yaml = kubeconfig(cluster: "server: https://from-env", user: "token: x")
        let directory = try TemporaryDirectory("kubeconfig-env")
        defer { directory.remove() }
        try yaml.write(toFile: directory.file("config"), atomically: true, encoding: .utf8)
        let environment = ["KUBECONFIG": "\(directory.path)/config:/nonexistent/second"]
        #expect(try KubeConfiguration.load(kubeconfig: nil, environment: environment).server == "https://from-env")
        #expect(throws: KubeConfigurationError.unreadableFile(path: "/nonexistent/flag", reason: "no such file")) {
            try KubeConfiguration.load(kubeconfig: "/nonexistent/flag", environment: environment)
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

extension Result where Failure == KubeConfigurationError {
    /// The kubeconfig path an error names (for comparing whole errors).
    var file: String {
        if case .failure(.invalidField(let file, _, _)) = self { return file }
        return ""
    }
}
