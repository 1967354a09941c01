import Foundation
import Yams

extension KubeConfiguration {
    /// Reads a kubeconfig file and resolves `context` (the file's `current-context` when nil) to a cluster and a
    /// user. Relative file paths inside it (certificate-authority, client-certificate, client-key, tokenFile) are
    /// resolved against the kubeconfig's directory, as kubectl does. Every problem is a
    /// `KubeConfigurationError` naming the file and the field.
    public static func kubeconfig(
        path: String, context: String? = nil
    ) throws(KubeConfigurationError)
        -> KubeConfiguration
    {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .invalidYAML(file: path, reason: "\(error)")
        }
        var reader = KubeconfigReader(file: path)
        return try reader.configuration(root: root, context: context)
    }
}

/// Walks a kubeconfig's YAML tree, keeping the field path for error messages.
private struct KubeconfigReader {
    let file: String
    var directory: String { (file as NSString).deletingLastPathComponent }

    func invalid(_ field: String, _ problem: String) -> KubeConfigurationError {
        .invalidField(file: file, field: field, problem: problem)
    }

    mutating func configuration(
        root: Node?, context wanted: String?
    ) throws(KubeConfigurationError)
        -> KubeConfiguration
    {
        guard let root, let top = root.mapping else { throw invalid("document", "is not a mapping") }
        let contextName: String
        if let wanted {
            contextName = wanted
        } else {
            guard let current = try string(top, "current-context", "current-context"), !current.isEmpty else {
                throw invalid("current-context", "is not set")
            }
            contextName = current
        }
        let contexts = try entries(top, list: "contexts", item: "context")
        guard let context = contexts.first(where: { $0.name == contextName }) else {
            throw invalid(wanted == nil ? "current-context" : "context", "\"\(contextName)\" does not name a context")
        }
        let contextField = "contexts[\(context.index)].context"
        guard let clusterName = try string(context.body, "cluster", contextField + ".cluster") else {
            throw invalid(contextField + ".cluster", "is missing")
        }
        let clusters = try entries(top, list: "clusters", item: "cluster")
        guard let cluster = clusters.first(where: { $0.name == clusterName }) else {
            throw invalid(contextField + ".cluster", "\"\(clusterName)\" not found")
        }
        var settings = try clusterSettings(cluster)
        var credentials = KubeConfiguration.Credentials.none
        if let userName = try string(context.body, "user", contextField + ".user"), !userName.isEmpty {
            let users = try entries(top, list: "users", item: "user")
            guard let user = users.first(where: { $0.name == userName }) else {
                throw invalid(contextField + ".user", "\"\(userName)\" not found")
            }
            credentials = try userCredentials(user, tls: &settings.tls)
        }
        let namespace = try string(context.body, "namespace", contextField + ".namespace") ?? ""
        return KubeConfiguration(
            server: settings.server, tls: settings.tls, credentials: credentials,
            namespace: namespace.isEmpty ? "default" : namespace, source: "kubeconfig \(file) context \(contextName)")
    }

    // MARK: Cluster and user

    func clusterSettings(_ cluster: Entry) throws(KubeConfigurationError) -> (server: String, tls: TLSClientSettings) {
        let field = "clusters[\(cluster.index)].cluster"
        guard let server = try string(cluster.body, "server", field + ".server"), !server.isEmpty else {
            throw invalid(field + ".server", "is missing")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw invalid(field + ".server", "\"\(server)\" is not an http(s) URL")
        }
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        var tls = TLSClientSettings()
        tls.insecureSkipVerify = try bool(cluster.body, "insecure-skip-tls-verify", field + ".insecure-skip-tls-verify")
        if let data = try string(cluster.body, "certificate-authority-data", field + ".certificate-authority-data") {
            tls.caPEM = try certificate(base64: data, field + ".certificate-authority-data")
        } else if let path = try string(cluster.body, "certificate-authority", field + ".certificate-authority") {
            tls.caPEM = try certificate(file: path, field + ".certificate-authority")
        }
        // client-go refuses the same combination: trusting a CA and skipping verification contradict each other.
        if tls.insecureSkipVerify, tls.caPEM != nil {
            throw invalid(field + ".insecure-skip-tls-verify", "cannot be combined with a certificate authority")
        }
        return (base, tls)
    }

    func userCredentials(
        _ user: Entry, tls: inout TLSClientSettings
    ) throws(KubeConfigurationError)
        -> KubeConfiguration.Credentials
    {
        let field = "users[\(user.index)].user"
        for (key, method) in [
            ("exec", "an exec credential plugin"), ("auth-provider", "an auth-provider"),
            ("username", "basic authentication"), ("password", "basic authentication"),
        ]
        where user.body[key] != nil {
            throw .unsupportedAuthentication(file: file, field: field + "." + key, user: user.name, method: method)
        }
        if let data = try string(user.body, "client-certificate-data", field + ".client-certificate-data") {
            tls.clientCertificatePEM = try certificate(base64: data, field + ".client-certificate-data")
        } else if let path = try string(user.body, "client-certificate", field + ".client-certificate") {
            tls.clientCertificatePEM = try certificate(file: path, field + ".client-certificate")
        }
        if let data = try string(user.body, "client-key-data", field + ".client-key-data") {
            tls.clientKeyPEM = try pem(base64: data, field + ".client-key-data")
        } else if let path = try string(user.body, "client-key", field + ".client-key") {
            tls.clientKeyPEM = try KubeConfiguration.readFile(resolve(path))
        }
        if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
            let missing = tls.clientKeyPEM == nil ? "client-key" : "client-certificate"
            throw invalid(field + "." + missing, "is missing (client-certificate and client-key come as a pair)")
        }
        // As client-go's rest.Config: a token file, when set, wins over an inline token.
        if let path = try string(user.body, "tokenFile", field + ".tokenFile"), !path.isEmpty {
            let resolved = resolve(path)
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                throw invalid(field + ".tokenFile", "\(resolved) cannot be read")
            }
            return .tokenFile(path: resolved)
        }
        if let token = try string(user.body, "token", field + ".token"), !token.isEmpty { return .token(token) }
        return .none
    }

    // MARK: Values

    func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : directory + "/" + path }

    func pem(base64 text: String, _ field: String) throws(KubeConfigurationError) -> [UInt8] {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { throw invalid(field, "is not base64") }
        return Array(data)
    }

    func certificate(base64 text: String, _ field: String) throws(KubeConfigurationError) -> [UInt8] {
        let bytes = try pem(base64: text, field)
        guard KubeConfiguration.containsPEMCertificate(bytes) else { throw invalid(field, "holds no PEM certificate") }
        return bytes
    }

    func certificate(file path: String, _ field: String) throws(KubeConfigurationError) -> [UInt8] {
        let resolved = resolve(path)
        let bytes: [UInt8]
        do {
            bytes = try KubeConfiguration.readFile(resolved)
        } catch {
            throw invalid(field, "\(resolved) cannot be read")
        }
        guard KubeConfiguration.containsPEMCertificate(bytes) else {
            throw invalid(field, "\(resolved) holds no PEM certificate")
        }
        return bytes
    }

    struct Entry {
        let index: Int
        let name: String
        let body: Node.Mapping
    }

    /// A named list such as `clusters: [{name: x, cluster: {...}}]`; an absent list is empty.
    func entries(_ top: Node.Mapping, list: String, item: String) throws(KubeConfigurationError) -> [Entry] {
        guard let node = top[list] else { return [] }
        if isNull(node) { return [] }
        guard let sequence = node.sequence else { throw invalid(list, "is not a list") }
        var result: [Entry] = []
        for (index, element) in sequence.enumerated() {
            let field = "\(list)[\(index)]"
            guard let mapping = element.mapping else { throw invalid(field, "is not a mapping") }
            guard let name = try string(mapping, "name", field + ".name") else {
                throw invalid(field + ".name", "is missing")
            }
            guard let bodyNode = mapping[item] else { throw invalid(field + "." + item, "is missing") }
            guard let body = bodyNode.mapping else {
                if isNull(bodyNode) {
                    result.append(Entry(index: index, name: name, body: Node.Mapping([])))
                    continue
                }
                throw invalid(field + "." + item, "is not a mapping")
            }
            result.append(Entry(index: index, name: name, body: body))
        }
        return result
    }

    func isNull(_ node: Node) -> Bool {
        guard let text = node.scalar?.string else { return false }
        return text == "" || text == "null" || text == "~"
    }

    func string(_ mapping: Node.Mapping, _ key: String, _ field: String) throws(KubeConfigurationError) -> String? {
        guard let node = mapping[key] else { return nil }
        guard let scalar = node.scalar else { throw invalid(field, "is not a string") }
        return scalar.string
    }

    func bool(_ mapping: Node.Mapping, _ key: String, _ field: String) throws(KubeConfigurationError) -> Bool {
        guard let text = try string(mapping, key, field) else { return false }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE", "": return false
        default: throw invalid(field, "\"\(text)\" is not true or false")
        }
    }
}
