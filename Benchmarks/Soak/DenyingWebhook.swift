import Foundation
import Logging
import Reloader
import Synchronization
import WebhookServer

/// The second validating webhook of the soak, a policy engine in miniature: over HTTPS, it denies every write of
/// an object labelled `soak/deny=true` and allows the rest. Registered with failurePolicy Fail and an objectSelector
/// on that label, so only the driver's "denied" writes reach it; reloader reviews those writes too (kube-apiserver
/// calls every matching webhook) and must not reload for them (DESIGN §4: no reload for a write that did not
/// persist). Thread-safe: the server's handler only counts.
final class DenyingWebhook: HTTPHandler, @unchecked Sendable {  // `server` is set once in init, then only read
    static let label = "soak/deny"

    private let denied = Atomic<Int>(0)
    private var server: HTTPServer?
    let caPath: String

    init(certificates: SoakCertificates, logger: Logger) throws(SoakError) {
        caPath = certificates.caPath
        let certificatePath = "\(certificates.servingDirectory)/tls.crt"
        let keyPath = "\(certificates.servingDirectory)/tls.key"
        do {
            let chain = [UInt8](try Data(contentsOf: URL(fileURLWithPath: certificatePath)))
            let key = [UInt8](try Data(contentsOf: URL(fileURLWithPath: keyPath)))
            let context = try TLSContext(
                chainPEM: chain, keyPEM: key, certificatePath: certificatePath, keyPath: keyPath)
            let server = try HTTPServer(
                configuration: .init(address: ListenAddress(host: "127.0.0.1", port: 0), eventLoopCount: 1),
                handler: self, certificates: CertificateStore(context), logger: logger)
            self.server = server
            server.start()
        } catch {
            throw .setup("cannot start the denying webhook: \(error)")
        }
    }

    var url: String { "https://127.0.0.1:\(server?.port ?? 0)/deny" }
    var deniedCount: Int { denied.load(ordering: .relaxed) }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let review = try? JSONValue.parse(request.body), let uid = review[path: ["request", "uid"]] else {
            return .error(400, "not an AdmissionReview")
        }
        let labels = review[path: ["request", "object", "metadata", "labels"]]?.stringMapValue ?? [:]
        let deny = labels[Self.label] == "true"
        if deny { denied.wrappingAdd(1, ordering: .relaxed) }
        var response: JSONValue = ["uid": uid, "allowed": .bool(!deny)]
        if deny { response["status"] = ["code": 403, "message": "denied by soak policy"] }
        let answer: JSONValue = ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response]
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(status: 200, headers: headers, body: answer.serialized())
    }

    func stop() {
        server?.shutdown(gracePeriod: .seconds(1))
        server?.wait()
    }

    /// Its ValidatingWebhookConfiguration: UPDATEs of ConfigMaps and Secrets labelled `soak/deny=true`, failurePolicy
    /// Fail.
    func configuration() throws(SoakError) -> JSONValue {
        let caBundle: String
        do {
            caBundle = try Data(contentsOf: URL(fileURLWithPath: caPath)).base64EncodedString()
        } catch {
            throw .setup("cannot read \(caPath): \(error)")
        }
        return [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": ["name": "soak-policy"],
            "webhooks": [
                [
                    "name": "deny.soak.test", "clientConfig": ["url": .string(url), "caBundle": .string(caBundle)],
                    "rules": [
                        [
                            "operations": ["UPDATE"], "apiGroups": [""], "apiVersions": ["v1"],
                            "resources": ["configmaps", "secrets"],
                        ]
                    ],
                    "objectSelector": ["matchLabels": [Self.label: "true"]],
                    "failurePolicy": "Fail", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                    "timeoutSeconds": 5,
                ]
            ],
        ]
    }
}
