import Foundation
import KubeSim
import Logging
import Reloader
import TestSupport
import Testing

/// kube-sim's validating webhook dispatch end to end: real sockets, kubectl as the client, webhooks served by
/// TestServer (reloader's own /validate handler, or small fixed answers).
@Suite("webhooks registered in kube-sim, driven by kubectl")
struct WebhookKubectlTests {
    static var quietLogger: Logger {
        var logger = Logger(label: "test.webhook")
        logger.logLevel = .critical
        return logger
    }

    @Test("reloader's /validate gets correct AdmissionReviews for kubectl's ConfigMap create, patch, dry run, delete")
    func reviewsFromKubectl() throws {
        let recorder = RecordingHandler(ValidateHandler(logger: Self.quietLogger))
        let webhook = try TestServer(handler: recorder)
        defer { webhook.stop() }
        let harness = try KubectlHarness()
        defer { harness.stop() }
        try harness.kubectl(["create", "namespace", "shop"])
        try harness.applyWebhook(client: .url("\(webhook.url)/validate"), caPath: webhook.certificates.caPath)

        try harness.kubectl(["create", "configmap", "app-config", "-n", "shop", "--from-literal=k=v1"])
        #expect(recorder.count == 1)
        let created = try AdmissionReview.decode(try #require(recorder.reviews.last)).request
        #expect(created.operation == .create)
        #expect(created.object?.data == ["k": "v1"] && created.oldObject == nil)

        try harness.kubectl([
            "patch", "configmap", "app-config", "-n", "shop", "--type", "merge", "-p", #"{"data":{"k":"v2"}}"#,
        ])
        #expect(recorder.count == 2)
        let body = try #require(recorder.reviews.last)
        let update = try AdmissionReview.decode(body).request
        #expect(update.operation == .update)
        #expect(update.name == "app-config" && update.namespace == "shop")
        #expect(update.kind == GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"))
        #expect(update.resource == GroupVersionResource(group: "", version: "v1", resource: "configmaps"))
        #expect(update.object?.data == ["k": "v2"])
        #expect(update.oldObject?.data == ["k": "v1"])
        #expect(update.object?.metadata.uid == created.object?.metadata.uid)
        #expect(update.dryRun == false)
        // What our decoder skips, read raw: the options and user kube-apiserver sends for a patch.
        let raw = try JSONValue.parse(body)
        #expect(raw[path: ["request", "options", "kind"]] == "UpdateOptions")
        #expect(raw[path: ["request", "options", "fieldManager"]] == "kubectl-patch")
        #expect(raw[path: ["request", "userInfo", "username"]] == "kube-sim-user")
        #expect(try harness.configMapData("app-config", in: "shop") == ["k": "v2"])

        try harness.kubectl([
            "patch", "configmap", "app-config", "-n", "shop", "--type", "merge", "-p", #"{"data":{"k":"v3"}}"#,
            "--dry-run=server",
        ])
        #expect(recorder.count == 3)
        let dryRun = try AdmissionReview.decode(try #require(recorder.reviews.last)).request
        #expect(dryRun.dryRun == true && dryRun.object?.data == ["k": "v3"] && dryRun.oldObject?.data == ["k": "v2"])
        #expect(try harness.configMapData("app-config", in: "shop") == ["k": "v2"])

        try harness.kubectl(["delete", "configmap", "app-config", "-n", "shop"])
        let deletion = try AdmissionReview.decode(try #require(recorder.reviews.last)).request
        #expect(deletion.operation == .delete && deletion.object == nil && deletion.oldObject?.data == ["k": "v2"])
        #expect(try harness.configMapData("app-config", in: "shop") == nil)
    }

    @Test("with the webhook down, failurePolicy Fail rejects the write and Ignore lets it through")
    func webhookDown() throws {
        let webhook = try TestServer(handler: ValidateHandler(logger: Self.quietLogger))
        let url = "\(webhook.url)/validate"
        let caPEM = try Data(contentsOf: URL(fileURLWithPath: webhook.certificates.caPath))
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let caPath = harness.directory.file("webhook-ca.crt")
        try caPEM.write(to: URL(fileURLWithPath: caPath))
        webhook.stop()
        try harness.kubectl(["create", "configmap", "app-config", "-n", "default", "--from-literal=k=v1"])

        try harness.applyWebhook(client: .url(url), caPath: caPath, failurePolicy: "Fail")
        let patch = [
            "patch", "configmap", "app-config", "-n", "default", "--type", "merge", "-p", #"{"data":{"k":"v2"}}"#,
        ]
        let refused = try harness.kubectl(patch, check: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("failed calling webhook \"configmaps.kube-sim.test\""), "\(refused.stderr)")
        #expect(try harness.configMapData("app-config", in: "default") == ["k": "v1"])

        try harness.applyWebhook(client: .url(url), caPath: caPath, failurePolicy: "Ignore")
        let allowed = try harness.kubectl(patch, check: false)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try harness.configMapData("app-config", in: "default") == ["k": "v2"])
    }

    @Test("a denial reaches kubectl with the webhook's message and nothing is stored")
    func denial() throws {
        let webhook = try TestServer(handler: FixedAnswerHandler(allowed: false, message: "no"))
        defer { webhook.stop() }
        let harness = try KubectlHarness()
        defer { harness.stop() }
        try harness.applyWebhook(client: .url("\(webhook.url)/validate"), caPath: webhook.certificates.caPath)
        let result = try harness.kubectl(
            ["create", "configmap", "app-config", "-n", "default", "--from-literal=k=v1"], check: false)
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("admission webhook \"configmaps.kube-sim.test\" denied the request: no"),
            "\(result.stderr)")
        #expect(try harness.configMapData("app-config", in: "default") == nil)
    }

    @Test("a webhook's warnings reach kubectl as Warning: lines and the write persists")
    func warnings() throws {
        let webhook = try TestServer(handler: FixedAnswerHandler(allowed: true, warnings: ["app-config is watched"]))
        defer { webhook.stop() }
        let harness = try KubectlHarness()
        defer { harness.stop() }
        try harness.applyWebhook(client: .url("\(webhook.url)/validate"), caPath: webhook.certificates.caPath)
        let result = try harness.kubectl(["create", "configmap", "app-config", "-n", "default", "--from-literal=k=v1"])
        #expect(result.stderr.contains("Warning: app-config is watched"), "\(result.stderr)")
        #expect(try harness.configMapData("app-config", in: "default") == ["k": "v1"])
    }

    @Test("warnings of the webhooks that allowed reach kubectl even when a later webhook denies")
    func warningsWithDenial() throws {
        let warner = try TestServer(handler: FixedAnswerHandler(allowed: true, warnings: ["first says careful"]))
        defer { warner.stop() }
        let denier = try TestServer(handler: FixedAnswerHandler(allowed: false, message: "no"))
        defer { denier.stop() }
        let harness = try KubectlHarness()
        defer { harness.stop() }
        // Configurations are called in name order: a-... before b-...
        try harness.applyWebhook(
            name: "a-warn", webhook: "warn.kube-sim.test", client: .url("\(warner.url)/validate"),
            caPath: warner.certificates.caPath)
        try harness.applyWebhook(
            name: "b-deny", webhook: "deny.kube-sim.test", client: .url("\(denier.url)/validate"),
            caPath: denier.certificates.caPath)
        let result = try harness.kubectl(
            ["create", "configmap", "app-config", "-n", "default", "--from-literal=k=v1"], check: false)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Warning: first says careful"), "\(result.stderr)")
        #expect(result.stderr.contains("admission webhook \"deny.kube-sim.test\" denied the request: no"))
        #expect(try harness.configMapData("app-config", in: "default") == nil)
    }

    @Test("a Service clientConfig is called at the address mapped for it (--service)")
    func serviceClientConfig() throws {
        let recorder = RecordingHandler(ValidateHandler(logger: Self.quietLogger))
        let webhook = try TestServer(handler: recorder)
        defer { webhook.stop() }
        let harness = try KubectlHarness(serviceAddresses: ["reloader/reloader-webhook": "127.0.0.1:\(webhook.port)"])
        defer { harness.stop() }
        try harness.applyWebhook(
            client: .service(namespace: "reloader", name: "reloader-webhook", path: "/validate"),
            caPath: webhook.certificates.caPath)
        try harness.kubectl(["create", "configmap", "app-config", "-n", "default", "--from-literal=k=v1"])
        #expect(recorder.count == 1)
        #expect(try AdmissionReview.decode(try #require(recorder.reviews.first)).request.name == "app-config")
    }

    @Test("a namespaceSelector on kubernetes.io/metadata.name keeps writes in an excluded namespace from the webhook")
    func namespaceSelector() throws {
        let recorder = RecordingHandler(FixedAnswerHandler(allowed: false, message: "no"))
        let webhook = try TestServer(handler: recorder)
        defer { webhook.stop() }
        let harness = try KubectlHarness()
        defer { harness.stop() }
        try harness.kubectl(["create", "namespace", "excluded"])
        try harness.applyWebhook(
            client: .url("\(webhook.url)/validate"), caPath: webhook.certificates.caPath,
            namespaceSelector: [
                "matchExpressions": [
                    ["key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["excluded"]]
                ]
            ])
        try harness.kubectl(["create", "configmap", "app-config", "-n", "excluded", "--from-literal=k=v1"])
        #expect(recorder.count == 0)
        #expect(try harness.configMapData("app-config", in: "excluded") == ["k": "v1"])
        let denied = try harness.kubectl(
            ["create", "configmap", "app-config", "-n", "default", "--from-literal=k=v1"], check: false)
        #expect(denied.status != 0 && recorder.count == 1, "\(denied.stderr)")
    }
}
