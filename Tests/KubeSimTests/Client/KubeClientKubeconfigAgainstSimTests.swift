import Foundation
import KubeSim
import TestSupport
import Testing

@testable import Reloader

/// Each kubeconfig variant against kube-sim: the client loads it and the request succeeds (or fails with the
/// typed error), and the bearer token kube-sim received is checked in its request log (`tokenSuffix`).
@Suite("KubeClient kubeconfig variants against kube-sim")
struct KubeClientKubeconfigAgainstSimTests {
    typealias Harness = SimClientHarness

    /// Writes a kubeconfig for kube-sim with the given cluster and user fields (YAML lines, indented by the caller
    /// as members of `cluster:` / `user:`), and returns its path.
    static func kubeconfig(
        _ harness: Harness, _ name: String, cluster: [String], user: [String] = []
    ) throws -> String {
        let indent = { (lines: [String]) in lines.map { "    " + $0 }.joined(separator: "\n") }
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: sim
              cluster:
                server: \(harness.server.url)
            \(indent(cluster))
            users:
            - name: me
              user:\(user.isEmpty ? " {}" : "")
            \(indent(user))
            contexts:
            - name: sim
              context: {cluster: sim, user: me, namespace: default}
            current-context: sim

            """
        let path = harness.directory.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func base64File(_ path: String) throws -> String {
        try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
    }

    enum Variant: String, CaseIterable, Sendable {
        case kubeSimOwn = "kube-sim's own (token, CA inline)"
        case caFile = "certificate-authority file, token"
        case tokenFile = "tokenFile (relative path)"
        case clientCertificateFiles = "client-certificate and client-key files"
        case clientCertificateData = "client-certificate-data and client-key-data"
        case insecure = "insecure-skip-tls-verify, no CA"
    }

    @Test("a kubeconfig variant loads and a request succeeds", arguments: Variant.allCases)
    func variantSucceeds(variant: Variant) throws {
        let harness = try Harness()
        defer { harness.stop() }
        let caLine = "certificate-authority: \(harness.server.caPath)"
        let path: String
        var expectedSuffix = ""
        switch variant {
        case .kubeSimOwn:
            path = harness.server.kubeconfigPath
            expectedSuffix = "oken"  // kube-sim-token
        case .caFile:
            path = try Self.kubeconfig(harness, "ca-file", cluster: [caLine], user: ["token: abc-WXYZ"])
            expectedSuffix = "WXYZ"
        case .tokenFile:
            try "file-token-0001\n".write(toFile: harness.directory.file("token"), atomically: true, encoding: .utf8)
            path = try Self.kubeconfig(harness, "token-file", cluster: [caLine], user: ["tokenFile: token"])
            expectedSuffix = "0001"
        case .clientCertificateFiles, .clientCertificateData:
            let pair = try TestCertificates.generate(in: harness.directory.path, prefix: "client-", commonName: "me")
            let user =
                variant == .clientCertificateFiles
                ? ["client-certificate: client-tls.crt", "client-key: \(pair.keyPath)"]
                : [
                    "client-certificate-data: \(try Self.base64File(pair.certificatePath))",
                    "client-key-data: \(try Self.base64File(pair.keyPath))",
                ]
            path = try Self.kubeconfig(harness, "client-cert", cluster: [caLine], user: user)
        case .insecure:
            path = try Self.kubeconfig(
                harness, "insecure", cluster: ["insecure-skip-tls-verify: true"], user: ["token: t-INSC"])
            expectedSuffix = "INSC"
        }
        let configuration = try KubeConfiguration.kubeconfig(path: path)
        switch variant {
        case .clientCertificateFiles, .clientCertificateData:
            #expect(configuration.tls.clientCertificatePEM != nil && configuration.tls.clientKeyPEM != nil)
            #expect(configuration.credentials == .none)
        case .insecure:
            #expect(configuration.tls.insecureSkipVerify && configuration.tls.caPEM == nil)
        default:
            #expect(configuration.tls.caPEM != nil)
        }
        let client = try harness.client(kubeconfig: path)
        #expect(try client.list(Harness.configMaps).items.isEmpty)
        let logged = try harness.requests()
        #expect(logged.map(\.status) == [200])
        #expect(logged.first?.tokenSuffix == expectedSuffix)
    }

    @Test("a CA that did not sign kube-sim's certificate is a TLS failure, not retried")
    func wrongCertificateAuthority() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let other = try TestCertificates.generate(in: harness.directory.path, prefix: "other-", commonName: "other")
        let path = try Self.kubeconfig(
            harness, "wrong-ca", cluster: ["certificate-authority: \(other.caPath)"], user: ["token: abcd"])
        let waits = RecordedWaits()
        let client = try harness.client(kubeconfig: path, waits: waits)
        #expect {
            _ = try client.get(Harness.configMaps.named("x"))
        } throws: { error in
            guard case .transport(let transportError, _, let attempts) = error as? KubeClientError else { return false }
            return transportError.kind == .tlsFailure && attempts == 1
        }
        #expect(waits.all.isEmpty)
        #expect(try harness.requests().isEmpty)  // the handshake failed: kube-sim never saw a request
    }

    @Test("a rotated token file is read again: the next request carries the new token")
    func tokenFileRotation() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let tokenPath = harness.directory.file("token")
        try "first-token-AAAA\n".write(toFile: tokenPath, atomically: true, encoding: .utf8)
        let path = try Self.kubeconfig(
            harness, "token-file", cluster: ["certificate-authority: \(harness.server.caPath)"],
            user: ["tokenFile: \(tokenPath)"])
        let client = try harness.client(kubeconfig: path)
        let object = Harness.configMaps.named("x")
        _ = try? client.get(object)
        _ = try? client.get(object)
        // The kubelet's way: a new file swapped in (a new inode).
        try "second-token-BBBB\n".write(toFile: tokenPath, atomically: true, encoding: .utf8)
        _ = try? client.get(object)
        // Rewritten in place (same inode, another size).
        let handle = try #require(FileHandle(forWritingAtPath: tokenPath))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("third-CCCC".utf8))
        try handle.close()
        _ = try? client.get(object)
        #expect(try harness.requests().map(\.tokenSuffix) == ["AAAA", "AAAA", "BBBB", "CCCC"])
    }

    @Test(
        "bad kubeconfigs are named errors",
        arguments: [
            ("exec", ["certificate-authority: CA"], ["exec: {command: aws}"], "users[0].user.exec"),
            ("key-missing", ["certificate-authority: CA"], ["client-certificate: CA"], "users[0].user.client-key"),
            (
                "ca-missing", ["certificate-authority: /nonexistent/ca.crt"], [],
                "clusters[0].cluster.certificate-authority"
            ),
            (
                "token-file-missing", ["certificate-authority: CA"], ["tokenFile: /nonexistent/token"],
                "users[0].user.tokenFile"
            ),
            (
                "ca-and-insecure", ["certificate-authority: CA", "insecure-skip-tls-verify: true"], [],
                "clusters[0].cluster.insecure-skip-tls-verify"
            ),
        ])
    func badKubeconfig(name: String, cluster: [String], user: [String], field: String) throws {
        let harness = try Harness()
        defer { harness.stop() }
        let substitute = { (lines: [String]) in
            lines.map { $0.replacingOccurrences(of: "CA", with: harness.server.caPath) }
        }
        let path = try Self.kubeconfig(harness, name, cluster: substitute(cluster), user: substitute(user))
        #expect {
            _ = try KubeConfiguration.kubeconfig(path: path)
        } throws: { error in
            switch error as? KubeConfigurationError {
            case .invalidField(_, let named, _)?, .unsupportedAuthentication(_, let named, _, _)?: named == field
            default: false
            }
        }
    }
}
