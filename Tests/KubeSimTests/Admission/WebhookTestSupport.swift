import Foundation
import Reloader
import Synchronization
import TestSupport
import WebhookServer

/// Wraps a webhook handler and keeps every request body it was given, in order. Thread-safe (one Mutex).
final class RecordingHandler: HTTPHandler {
    private let inner: any HTTPHandler
    private let bodies = Mutex<[[UInt8]]>([])

    init(_ inner: any HTTPHandler) { self.inner = inner }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        bodies.withLock { $0.append(request.body) }
        return inner.handle(request)
    }

    var reviews: [[UInt8]] { bodies.withLock { $0 } }
    var count: Int { bodies.withLock { $0.count } }
}

/// A webhook that answers every review the same way: allowed or not, with a status message and warnings.
struct FixedAnswerHandler: HTTPHandler {
    var allowed: Bool
    var message: String? = nil
    var warnings: [String] = []

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let review = try? JSONValue.parse(request.body), let uid = review[path: ["request", "uid"]] else {
            return .error(400, "not an AdmissionReview")
        }
        var response: [String: JSONValue] = ["uid": uid, "allowed": .bool(allowed)]
        if let message { response["status"] = ["code": 403, "message": .string(message)] }
        if !warnings.isEmpty { response["warnings"] = .array(warnings.map { .string($0) }) }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        let answer: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object(response),
        ]
        return HTTPResponse(status: 200, headers: headers, body: answer.serialized())
    }
}

extension KubectlHarness {
    /// Where a webhook is: a URL, or a Service (mapped to an address by the harness's `serviceAddresses`).
    enum WebhookClient {
        case url(String)
        case service(namespace: String, name: String, path: String)
    }

    /// Applies a ValidatingWebhookConfiguration with `kubectl apply -f` (one webhook for ConfigMap writes, trusting
    /// `caPath`'s CA) and returns kubectl's result.
    @discardableResult
    func applyWebhook(
        name: String = "kube-sim-test", webhook: String = "configmaps.kube-sim.test", client: WebhookClient,
        caPath: String, failurePolicy: String = "Fail", namespaceSelector: JSONValue? = nil
    ) throws -> ProcessResult {
        let caBundle = try Data(contentsOf: URL(fileURLWithPath: caPath)).base64EncodedString()
        var clientConfig: [String: JSONValue] = ["caBundle": .string(caBundle)]
        switch client {
        case .url(let url): clientConfig["url"] = .string(url)
        case .service(let namespace, let service, let path):
            clientConfig["service"] = [
                "namespace": .string(namespace), "name": .string(service), "path": .string(path),
            ]
        }
        var hook: [String: JSONValue] = [
            "name": .string(webhook), "clientConfig": .object(clientConfig),
            "rules": [
                [
                    "operations": ["CREATE", "UPDATE", "DELETE"], "apiGroups": [""], "apiVersions": ["v1"],
                    "resources": ["configmaps"],
                ]
            ],
            "failurePolicy": .string(failurePolicy), "sideEffects": "None", "admissionReviewVersions": ["v1"],
            "timeoutSeconds": 5,
        ]
        if let namespaceSelector { hook["namespaceSelector"] = namespaceSelector }
        let configuration: JSONValue = [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": ["name": .string(name)], "webhooks": [.object(hook)],
        ]
        let file = directory.file("\(name)-\(UUID().uuidString.prefix(8)).json")
        try Data(configuration.serialized()).write(to: URL(fileURLWithPath: file))
        return try kubectl(["apply", "-f", file])
    }

    /// `data` of a ConfigMap, read with kubectl; nil when it does not exist.
    func configMapData(_ name: String, in namespace: String) throws -> JSONValue? {
        let result = try kubectl(["get", "configmap", name, "-n", namespace, "-o", "json"], check: false)
        guard result.status == 0 else { return nil }
        return try JSONValue.parse(result.stdout)["data"]
    }
}
