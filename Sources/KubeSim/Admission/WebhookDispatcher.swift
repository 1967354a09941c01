import Foundation
public import Logging
public import Reloader

/// Sends one AdmissionReview body to a webhook URL over HTTPS, verifying the server with `caBundle`, and returns
/// the response body of a 200 answer; anything else is an error saying what went wrong.
public protocol WebhookCaller: Sendable {
    func call(url: String, caBundle: [UInt8]?, body: [UInt8], timeout: Duration) -> Result<[UInt8], WebhookCallError>
}

public struct WebhookCallError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// kube-sim's validating admission, as kube-apiserver runs it: for every write, every webhook of every stored
/// ValidatingWebhookConfiguration whose rules and selectors match is called with an AdmissionReview v1; one
/// denial refuses the write (400 unless the webhook gives a code >= 400), a failed call refuses it under
/// failurePolicy Fail (500) and is skipped under Ignore. Webhooks are called one after another (kube-apiserver
/// calls them in parallel; the outcome is the same). Writes of webhook configurations themselves are never sent
/// to webhooks, as in kube-apiserver, so a broken webhook cannot lock its own configuration. A dry-run write is
/// refused (400) by a matching webhook whose sideEffects are Some or Unknown, without calling it. Thread-safe.
public struct WebhookDispatcher: AdmissionController {
    private let configurations: @Sendable () -> [JSONValue]
    private let isNamespaced: @Sendable (_ group: String, _ resource: String) -> Bool
    private let caller: any WebhookCaller
    /// `namespace/name` of a Service -> `host:port` to call instead (there is no cluster DNS here).
    private let serviceAddresses: [String: String]
    private let logger: Logger

    public init(
        configurations: @escaping @Sendable () -> [JSONValue],
        isNamespaced: @escaping @Sendable (_ group: String, _ resource: String) -> Bool, caller: any WebhookCaller,
        serviceAddresses: [String: String] = [:], logger: Logger
    ) {
        self.configurations = configurations
        self.isNamespaced = isNamespaced
        self.caller = caller
        self.serviceAddresses = serviceAddresses
        self.logger = logger
    }

    public func admit(_ attributes: AdmissionAttributes) -> AdmissionDecision {
        if attributes.group == "admissionregistration.k8s.io" { return .allowed(warnings: []) }
        let namespaced = isNamespaced(attributes.group, attributes.resource)
        var warnings: [String] = []
        // kube-apiserver calls every matching validating webhook (in parallel) and refuses the write if any one
        // denies it; every webhook therefore sees the review, even one listed after a denying one.
        var denial: (code: Int, message: String)?
        for configuration in configurations() {
            let webhooks: [ValidatingWebhook]
            do {
                webhooks = try ValidatingWebhook.webhooks(in: configuration)
            } catch {
                logger.warning("skipping an invalid webhook configuration", metadata: ["error": "\(error)"])
                continue
            }
            for webhook in webhooks where webhook.matches(attributes, namespaced: namespaced) {
                // k8s.io/apiserver validating/dispatcher.go: a dry run never reaches a webhook with side effects;
                // the write is refused whatever the failurePolicy (webhookerrors.NewDryRunUnsupportedErr).
                if attributes.dryRun && !webhook.sideEffects.allowsDryRun {
                    return .denied(
                        code: 400, message: "admission webhook \"\(webhook.name)\" does not support dry run",
                        warnings: warnings)
                }
                switch call(webhook, attributes) {
                case .success(let answer):
                    warnings += answer.warnings
                    if !answer.allowed, denial == nil { denial = (answer.code, answer.message) }
                case .failure(let error):
                    logger.warning(
                        "webhook call failed",
                        metadata: [
                            "webhook": "\(webhook.name)", "policy": "\(webhook.failurePolicy.rawValue)",
                            "error": "\(error)",
                        ])
                    if webhook.failurePolicy == .fail, denial == nil {
                        denial = (500, "Internal error occurred: failed calling webhook \"\(webhook.name)\": \(error)")
                    }
                }
            }
        }
        if let denial { return .denied(code: denial.code, message: denial.message, warnings: warnings) }
        return .allowed(warnings: warnings)
    }

    private func call(
        _ webhook: ValidatingWebhook, _ attributes: AdmissionAttributes
    )
        -> Result<WebhookAnswer, WebhookCallError>
    {
        let url: String
        switch webhook.endpoint {
        case .url(let value): url = value
        case .service(let namespace, let name, let path, let port):
            guard let address = serviceAddresses["\(namespace)/\(name)"] else {
                return .failure(WebhookCallError("service \(namespace)/\(name):\(port) has no address (see --service)"))
            }
            url = "https://\(address)\(path.hasPrefix("/") ? path : "/" + path)"
        }
        let uid = UUID().uuidString.lowercased()
        let body = AdmissionReviewRequest.body(uid: uid, attributes: attributes)
        return caller.call(url: url, caBundle: webhook.caBundle, body: body, timeout: .seconds(webhook.timeoutSeconds))
            .flatMap { WebhookAnswer.interpret($0, uid: uid, webhook: webhook.name) }
    }
}

/// The AdmissionReview v1 request kube-apiserver sends for a write.
enum AdmissionReviewRequest {
    static func body(uid: String, attributes a: AdmissionAttributes) -> [UInt8] {
        var request: [String: JSONValue] = [
            "uid": .string(uid),
            "kind": ["group": .string(a.group), "version": .string(a.version), "kind": .string(a.kind)],
            "resource": ["group": .string(a.group), "version": .string(a.version), "resource": .string(a.resource)],
            "requestKind": ["group": .string(a.group), "version": .string(a.version), "kind": .string(a.kind)],
            "requestResource": [
                "group": .string(a.group), "version": .string(a.version), "resource": .string(a.resource),
            ],
            "name": .string(a.name),
            "operation": .string(a.operation),
            "userInfo": a.userInfo,
            "object": a.object ?? .null,
            "oldObject": a.oldObject ?? .null,
            "dryRun": .bool(a.dryRun),
        ]
        if let namespace = a.namespace { request["namespace"] = .string(namespace) }
        if let subResource = a.subResource {
            request["subResource"] = .string(subResource)
            request["requestSubResource"] = .string(subResource)
        }
        if let options = a.options { request["options"] = options }
        let review: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": .object(request),
        ]
        return review.serialized()
    }
}

/// A webhook's answer, checked as kube-apiserver checks it.
struct WebhookAnswer: Equatable {
    var allowed: Bool
    var code: Int
    var message: String
    var warnings: [String]

    static func interpret(_ body: [UInt8], uid: String, webhook: String) -> Result<WebhookAnswer, WebhookCallError> {
        let review: JSONValue
        do {
            review = try JSONValue.parse(body)
        } catch {
            return .failure(WebhookCallError("the response is not JSON: \(error)"))
        }
        guard review["apiVersion"]?.stringValue == "admission.k8s.io/v1",
            review["kind"]?.stringValue == "AdmissionReview"
        else { return .failure(WebhookCallError("expected an admission.k8s.io/v1 AdmissionReview in the response")) }
        guard let response = review["response"], case .object = response else {
            return .failure(WebhookCallError("the response has no response object"))
        }
        guard response["uid"]?.stringValue == uid else {
            return .failure(
                WebhookCallError("expected response.uid=\"\(uid)\", got \"\(response["uid"]?.stringValue ?? "")\""))
        }
        guard let allowed = response["allowed"]?.boolValue else {
            return .failure(WebhookCallError("response.allowed is missing"))
        }
        let warnings = (response["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
        if allowed { return .success(WebhookAnswer(allowed: true, code: 200, message: "", warnings: warnings)) }
        // k8s.io/apiserver webhookerrors.ToStatusErr: a code under 400 becomes 400; message, else reason.
        let status = response["status"]
        let code = max(400, status?["code"]?.intValue ?? 400)
        let deniedBy = "admission webhook \"\(webhook)\" denied the request"
        let message: String
        if let text = status?["message"]?.stringValue, !text.isEmpty {
            message = "\(deniedBy): \(text)"
        } else if let reason = status?["reason"]?.stringValue, !reason.isEmpty {
            message = "\(deniedBy): \(reason)"
        } else {
            message = "\(deniedBy) without explanation"
        }
        return .success(WebhookAnswer(allowed: false, code: code, message: message, warnings: warnings))
    }
}
