import Foundation
import KubeSim
import Logging
import Reloader
import Synchronization
import Testing

/// A webhook stand-in: records each call and answers with what `answer` returns for the request.
final class FakeWebhookCaller: WebhookCaller {
    let calls = Mutex<[(url: String, body: [UInt8])]>([])
    let answer: @Sendable (_ uid: String) -> Result<[UInt8], WebhookCallError>

    init(_ answer: @escaping @Sendable (_ uid: String) -> Result<[UInt8], WebhookCallError>) { self.answer = answer }

    func call(url: String, caBundle: [UInt8]?, body: [UInt8], timeout: Duration) -> Result<[UInt8], WebhookCallError> {
        calls.withLock { $0.append((url, body)) }
        let uid = (try? JSONValue.parse(body))?[path: ["request", "uid"]]?.stringValue ?? ""
        return answer(uid)
    }

    var count: Int { calls.withLock { $0.count } }

    static func review(uid: String, allowed: Bool, status: JSONValue? = nil, warnings: [String] = []) -> [UInt8] {
        var response: [String: JSONValue] = ["uid": .string(uid), "allowed": .bool(allowed)]
        if let status { response["status"] = status }
        if !warnings.isEmpty { response["warnings"] = .array(warnings.map { .string($0) }) }
        let review: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object(response),
        ]
        return review.serialized()
    }
}

@Suite("webhook dispatch")
struct WebhookDispatcherTests {
    static func configuration(
        failurePolicy: String = "Fail", resources: [String] = ["configmaps"], operations: [String] = ["UPDATE"],
        namespaceSelector: JSONValue? = nil, objectSelector: JSONValue? = nil
    ) -> JSONValue {
        var hook: [String: JSONValue] = [
            "name": "reloader.example.com",
            "clientConfig": ["url": "https://127.0.0.1:8443/validate"],
            "rules": [
                [
                    "operations": .array(operations.map { .string($0) }), "apiGroups": [""], "apiVersions": ["v1"],
                    "resources": .array(resources.map { .string($0) }),
                ]
            ],
            "failurePolicy": .string(failurePolicy),
            "sideEffects": "None", "admissionReviewVersions": ["v1"],
        ]
        if let namespaceSelector { hook["namespaceSelector"] = namespaceSelector }
        if let objectSelector { hook["objectSelector"] = objectSelector }
        return ["metadata": ["name": "reloader"], "webhooks": [.object(hook)]]
    }

    static func update(labels: [String: String] = [:], namespaceLabels: [String: String] = [:]) -> AdmissionAttributes {
        let object: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "app-config", "namespace": "shop", "labels": JSONValue.from(labels)],
            "data": ["k": "v2"],
        ]
        var old = object
        old["data"] = ["k": "v1"]
        return AdmissionAttributes(
            operation: "UPDATE", group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespace: "shop",
            name: "app-config", object: object, oldObject: old, dryRun: false, namespaceLabels: namespaceLabels)
    }

    func dispatcher(_ configurations: [JSONValue], _ caller: FakeWebhookCaller) -> WebhookDispatcher {
        WebhookDispatcher(
            configurations: { configurations }, isNamespaced: { _, resource in resource != "namespaces" },
            caller: caller, logger: Logger(label: "test"))
    }

    @Test("a matching webhook gets a review our own decoder reads, and its allow lets the write through with warnings")
    func allowed() throws {
        let caller = FakeWebhookCaller {
            .success(FakeWebhookCaller.review(uid: $0, allowed: true, warnings: ["careful"]))
        }
        let decision = dispatcher([Self.configuration()], caller).admit(Self.update())
        #expect(decision == .allowed(warnings: ["careful"]))
        let body = try #require(caller.calls.withLock { $0.first?.body })
        let review = try AdmissionReview.decode(body)
        #expect(review.request.operation == .update)
        #expect(review.request.kind.kind == "ConfigMap")
        #expect(review.request.resource.resource == "configmaps")
        #expect(review.request.object?.data == ["k": "v2"])
        #expect(review.request.oldObject?.data == ["k": "v1"])
        #expect(review.request.namespace == "shop" && review.request.dryRun == false)
    }

    @Test(
        "a denial refuses the write with kube-apiserver's message and code",
        arguments: [
            (JSONValue.null, 400, "admission webhook \"reloader.example.com\" denied the request without explanation"),
            (
                ["code": 403, "message": "no"] as JSONValue, 403,
                "admission webhook \"reloader.example.com\" denied the request: no"
            ),
            (
                ["code": 200, "reason": "Because"] as JSONValue, 400,
                "admission webhook \"reloader.example.com\" denied the request: Because"
            ),
        ])
    func denied(status: JSONValue, code: Int, message: String) {
        let caller = FakeWebhookCaller {
            .success(FakeWebhookCaller.review(uid: $0, allowed: false, status: status == .null ? nil : status))
        }
        #expect(
            dispatcher([Self.configuration()], caller).admit(Self.update())
                == .denied(code: code, message: message, warnings: []))
    }

    @Test("a failing call refuses the write under Fail and is skipped under Ignore")
    func failurePolicy() {
        let down = FakeWebhookCaller { _ in .failure(WebhookCallError("connection refused")) }
        guard
            case .denied(let code, let message, _) = dispatcher([Self.configuration(failurePolicy: "Fail")], down)
                .admit(Self.update())
        else { Issue.record("allowed under Fail"); return }
        #expect(code == 500)
        #expect(message.contains("failed calling webhook \"reloader.example.com\": connection refused"))
        #expect(
            dispatcher([Self.configuration(failurePolicy: "Ignore")], down).admit(Self.update())
                == .allowed(warnings: []))
    }

    @Test(
        "a dry run is sent only to webhooks without side effects; others refuse it whatever the failurePolicy",
        arguments: [("None", true), ("NoneOnDryRun", true), ("Some", false), ("Unknown", false), (nil, false)])
    func dryRunSideEffects(sideEffects: String?, called: Bool) {
        var configuration = Self.configuration(failurePolicy: "Ignore")
        configuration[at: ["webhooks"]] = .array(
            configuration["webhooks"]!.arrayValue!.map { hook in
                var hook = hook
                hook["sideEffects"] = sideEffects.map { .string($0) }
                return hook
            })
        let caller = FakeWebhookCaller { .success(FakeWebhookCaller.review(uid: $0, allowed: true)) }
        var attributes = Self.update()
        attributes.dryRun = true
        let decision = dispatcher([configuration], caller).admit(attributes)
        #expect((caller.count == 1) == called)
        if !called {
            let message = "admission webhook \"reloader.example.com\" does not support dry run"
            #expect(decision == .denied(code: 400, message: message, warnings: []))
        }
        attributes.dryRun = false
        #expect(dispatcher([configuration], caller).admit(attributes) == .allowed(warnings: []))
    }

    @Test("an answer for another uid is a failed call")
    func wrongUID() {
        let caller = FakeWebhookCaller { _ in .success(FakeWebhookCaller.review(uid: "other", allowed: true)) }
        guard case .denied(500, let message, _) = dispatcher([Self.configuration()], caller).admit(Self.update()) else {
            Issue.record("accepted a foreign uid"); return
        }
        #expect(message.contains("expected response.uid"))
    }

    @Test(
        "rules and selectors decide who is called",
        arguments: [
            (configuration(resources: ["secrets"]), update(), false),
            (configuration(operations: ["CREATE"]), update(), false),
            (configuration(resources: ["*"], operations: ["*"]), update(), true),
            (configuration(resources: ["configmaps/status"]), update(), false),
            (
                configuration(namespaceSelector: ["matchLabels": ["team": "a"]]),
                update(namespaceLabels: ["team": "a"]), true
            ),
            (
                configuration(namespaceSelector: ["matchLabels": ["team": "a"]]),
                update(namespaceLabels: ["team": "b"]), false
            ),
            (
                configuration(namespaceSelector: [
                    "matchExpressions": [
                        ["key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system"]]
                    ]
                ]),
                update(namespaceLabels: ["kubernetes.io/metadata.name": "shop"]), true
            ),
            (
                configuration(objectSelector: ["matchExpressions": [["key": "skip", "operator": "DoesNotExist"]]]),
                update(labels: ["skip": "1"]), false
            ),
            (
                configuration(objectSelector: ["matchExpressions": [["key": "app", "operator": "Exists"]]]),
                update(labels: ["app": "x"]), true
            ),
        ])
    func matching(configuration: JSONValue, attributes: AdmissionAttributes, called: Bool) {
        let caller = FakeWebhookCaller { .success(FakeWebhookCaller.review(uid: $0, allowed: true)) }
        _ = dispatcher([configuration], caller).admit(attributes)
        #expect((caller.count == 1) == called)
    }

    @Test("writes of webhook configurations are never sent to webhooks")
    func configurationsExempt() {
        let caller = FakeWebhookCaller { _ in .failure(WebhookCallError("down")) }
        var attributes = Self.update()
        attributes.group = "admissionregistration.k8s.io"
        attributes.resource = "validatingwebhookconfigurations"
        #expect(
            dispatcher([Self.configuration(resources: ["*"], operations: ["*"])], caller).admit(attributes)
                == .allowed(warnings: []))
        #expect(caller.count == 0)
    }

    @Test("invalid configurations are errors naming the field")
    func invalidConfigurations() {
        #expect(
            throws: WebhookConfigurationError.invalid(
                path: "x.webhooks[0].clientConfig", reason: "needs url or service {namespace, name}")
        ) {
            try ValidatingWebhook.webhooks(in: [
                "metadata": ["name": "x"], "webhooks": [["name": "a", "clientConfig": [:]]],
            ])
        }
        #expect(
            throws: WebhookConfigurationError.invalid(
                path: "x.webhooks[0].failurePolicy", reason: "must be Ignore or Fail")
        ) {
            try ValidatingWebhook.webhooks(in: [
                "metadata": ["name": "x"],
                "webhooks": [["name": "a", "clientConfig": ["url": "https://h"], "failurePolicy": "Maybe"]],
            ])
        }
    }

    @Test("defaults follow kube-apiserver: Fail, 10 s, everything selected; service endpoints map to local addresses")
    func defaults() throws {
        let hooks = try ValidatingWebhook.webhooks(in: [
            "metadata": ["name": "x"],
            "webhooks": [
                [
                    "name": "a",
                    "clientConfig": ["service": ["namespace": "reloader", "name": "reloader", "path": "/validate"]],
                ]
            ],
        ])
        let hook = try #require(hooks.first)
        #expect(hook.failurePolicy == .fail && hook.timeoutSeconds == 10)
        #expect(hook.namespaceSelector == .everything && hook.objectSelector == .everything)
        #expect(hook.endpoint == .service(namespace: "reloader", name: "reloader", path: "/validate", port: 443))
    }
}
