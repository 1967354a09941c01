import Foundation

/// Writes the kubeconfig for kube-sim: one cluster (the CA inline), one user with a token (kube-sim accepts any),
/// one context, current. Written with mode 0600, like kubectl writes its own.
enum Kubeconfig {
    static func write(to path: String, server: String, caPath: String) throws(KubeSimError) {
        guard let ca = FileManager.default.contents(atPath: caPath) else {
            throw .kubeconfig(path: path, reason: "cannot read the CA \(caPath)")
        }
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: kube-sim
              cluster:
                server: \(server)
                certificate-authority-data: \(ca.base64EncodedString())
            users:
            - name: kube-sim
              user:
                token: kube-sim-token
            contexts:
            - name: kube-sim
              context:
                cluster: kube-sim
                user: kube-sim
                namespace: default
            current-context: kube-sim

            """
        let created = FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw .kubeconfig(path: path, reason: "cannot create the file") }
    }
}
