import Foundation
import Reloader
import TestSupport
import Testing
import WebhookServer

/// Contract §13, "Ours": C53–C59, what only the webhook design adds.
@Suite("conformance: ours", .serialized)
struct OurScenarios {
    let keys = AnnotationKeys()

    private func setUp(_ cluster: Cluster, _ namespace: String, coalesce: Bool = false) async throws {
        var objects = [Manifests.configMap("app-config", in: namespace, data: ["k": "v1"])]
        if coalesce { objects.append(Manifests.configMap("more-config", in: namespace, data: ["k": "v1"])) }
        objects.append(
            Manifests.workload(
                .deployment, "web", in: namespace, annotations: [keys.auto: "true"],
                containers: [.init(envFromConfigMaps: ["app-config", "more-config"])]))
        try await cluster.setUp(namespace, objects)
    }

    @Test("C53 X-Reloader-DryRun: true: the warnings list the plan, NO rollout")
    func c53() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await setUp(cluster, "c53")
        let review: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": [
                "uid": "c53-review", "kind": ["group": "", "version": "v1", "kind": "ConfigMap"],
                "resource": ["group": "", "version": "v1", "resource": "configmaps"], "operation": "UPDATE",
                "name": "app-config", "namespace": "c53",
                "object": [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "app-config", "namespace": "c53"],
                    "data": ["k": "v2"],
                ],
                "oldObject": [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "app-config", "namespace": "c53"],
                    "data": ["k": "v1"],
                ],
            ],
        ]
        let file = cluster.directory.file("c53-review.json")
        try Data(review.serialized()).write(to: URL(fileURLWithPath: file))
        let response = try Curl.request(
            cluster.reloader.webhookURL + "/validate", bodyFile: file, caPath: cluster.reloader.certificates.caPath,
            http2: true, headers: ["Content-Type: application/json", "X-Reloader-DryRun: true"])
        #expect(response.status == 200)
        let answer = try JSONValue.parse(Array(response.body.utf8))["response"]
        #expect(answer?["allowed"]?.boolValue == true)
        let plan = "reloader: would reload Deployment c53/web (configmap app-config changed)"
        #expect(answer?["warnings"]?.arrayValue?.compactMap(\.stringValue) == [plan])
        #expect(answer?["auditAnnotations"]?[AdmissionEngine.planAuditAnnotation]?.stringValue == plan)
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c53") == 0)
        #expect(try cluster.metric("reloader_workqueue_adds_total") == 0)
    }

    @Test("C53 --dry-run: kubectl shows the plan as a warning, NO rollout")
    func c53DryRunFlag() async throws {
        let cluster = try await Cluster.start(["--dry-run"])
        defer { cluster.stop() }
        try await setUp(cluster, "c53")
        let result = try await cluster.kubectl([
            "-n", "c53", "patch", "configmap", "app-config", "--type", "merge", "-p", #"{"data":{"k":"v2"}}"#,
        ])
        #expect(result.stderr.contains("reloader: would reload Deployment c53/web (configmap app-config changed)"))
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c53") == 0)
    }

    @Test("C54 kubectl apply --dry-run=server on a ConfigMap: NO rollout")
    func c54() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await setUp(cluster, "c54")
        try await cluster.kubectl(
            ["apply", "--dry-run=server", "-f", "-"],
            stdin: Manifests.list([Manifests.configMap("app-config", in: "c54", data: ["k": "v2"])]))
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c54") == 0)
        #expect(try cluster.object("configmaps", "app-config", in: "c54")[path: ["data", "k"]]?.stringValue == "v1")
    }

    @Test("C55 two ConfigMaps changed within the coalesce window: one rollout")
    func c55() async throws {
        let cluster = try await Cluster.start(["--coalesce-window=3s"])
        defer { cluster.stop() }
        try await setUp(cluster, "c55", coalesce: true)
        try await cluster.apply(
            Manifests.list([
                Manifests.configMap("app-config", in: "c55", data: ["k": "v2"]),
                Manifests.configMap("more-config", in: "c55", data: ["k": "v2"]),
            ]))
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c55") == 1)
        #expect(
            try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .deployment, "web", in: "c55")
                == configMapHash(["k": "v2"]))
        #expect(
            try cluster.env("STAKATER_MORE_CONFIG_CONFIGMAP", of: .deployment, "web", in: "c55")
                == configMapHash(["k": "v2"]))
    }

    @Test("C56 switch-over: workloads already carrying Reloader's env var with the current hash get NO rollout")
    func c56() async throws {
        let cluster = try await Cluster.start(["--resync-period=2s"])
        defer { cluster.stop() }
        cluster.killReloader()  // the workloads appear as if Stakater Reloader had written them
        let workload = Manifests.workload(
            .deployment, "web", in: "c56", annotations: [keys.auto: "true"],
            containers: [
                .init(
                    envFromConfigMaps: ["app-config"],
                    values: ["STAKATER_APP_CONFIG_CONFIGMAP": configMapHash(["k": "v1"])])
            ])
        try await cluster.apply(
            Manifests.list([
                Manifests.namespace("c56"), Manifests.configMap("app-config", in: "c56", data: ["k": "v1"]), workload,
            ]))
        try await cluster.restartReloader()
        try await cluster.waitForReconcile(passes: 2)
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c56") == 0)
    }

    @Test("C57 a change made while reloader was stopped is reloaded within one resync after start")
    func c57() async throws {
        let cluster = try await Cluster.start(["--resync-period=2s"])
        defer { cluster.stop() }
        try await setUp(cluster, "c57")
        try await cluster.changeConfigMap("app-config", in: "c57", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c57") == 1)
        cluster.killReloader()
        // The webhook is down: failurePolicy Ignore lets the write through unseen.
        try await cluster.mergePatch("configmap", "app-config", in: "c57", #"{"data":{"k":"v3"}}"#)
        try await cluster.restartReloader()
        try await cluster.waitFor("the reconciler reloads web after the missed change", timeout: .seconds(30)) {
            cluster.rolloutCount(.deployment, "web", in: "c57") == 2
        }
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c57") == 2)
        #expect(
            try cluster.env("STAKATER_APP_CONFIG_CONFIGMAP", of: .deployment, "web", in: "c57")
                == configMapHash(["k": "v3"]))
    }

    @Test("C58 a write denied by a second webhook: NO rollout")
    func c58() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await setUp(cluster, "c58")
        let denier = try TestServer(handler: DenyConfigMapUpdates())
        defer { denier.stop() }
        try await cluster.registerDenyingWebhook(url: denier.url + "/deny", caPath: denier.certificates.caPath)
        let result = try await cluster.kubectl(
            ["-n", "c58", "patch", "configmap", "app-config", "--type", "merge", "-p", #"{"data":{"k":"v2"}}"#],
            check: false)
        #expect(result.status != 0, "the second webhook denies the write")
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "c58") == 0)
        #expect(try cluster.metric("reloader_queue_dropped_total{reason=\"not_persisted\"}") == 1)
    }

    @Test("C59 a workload created a second ago is reloaded by the next change of its config")
    func c59() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp("c59", [Manifests.configMap("app-config", in: "c59", data: ["k": "v1"])])
        try await cluster.apply(
            Manifests.list([
                Manifests.workload(
                    .deployment, "web", in: "c59", annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])])
            ]))
        try await cluster.changeConfigMap("app-config", in: "c59", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "c59") == 1)
    }
}

/// A second validating webhook that denies every ConfigMap UPDATE (C58).
struct DenyConfigMapUpdates: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let review = try? JSONValue.parse(request.body), let uid = review[path: ["request", "uid"]] else {
            return .error(400, "not an AdmissionReview")
        }
        let answer: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "response": ["uid": uid, "allowed": false, "status": ["code": 403, "message": "denied by policy"]],
        ]
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(status: 200, headers: headers, body: answer.serialized())
    }
}

extension Cluster {
    /// Registers a webhook that reviews ConfigMap UPDATEs with failurePolicy Fail (C58's second webhook).
    func registerDenyingWebhook(url: String, caPath: String) async throws {
        let caBundle = try Data(contentsOf: URL(fileURLWithPath: caPath)).base64EncodedString()
        let configuration: JSONValue = [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": ["name": "policy"],
            "webhooks": [
                [
                    "name": "deny.policy.test", "clientConfig": ["url": .string(url), "caBundle": .string(caBundle)],
                    "rules": [
                        [
                            "operations": ["UPDATE"], "apiGroups": [""], "apiVersions": ["v1"],
                            "resources": ["configmaps"],
                        ]
                    ],
                    "failurePolicy": "Fail", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                    "timeoutSeconds": 5,
                ]
            ],
        ]
        try await apply(String(decoding: configuration.serialized(), as: UTF8.self))
    }

    /// Waits until reloader has finished `passes` resync-and-reconcile passes since it started.
    func waitForReconcile(passes: Int) async throws {
        try await waitFor("\(passes) reconcile passes", timeout: .seconds(30)) {
            (try self.metric("reloader_resyncs_total{result=\"success\"}") ?? 0) >= Double(passes)
        }
    }
}
