import Reloader
import TestSupport
import Testing

/// Contract §10, alerts, end to end: reloader with the alert flags (or the `ALERT_*` environment) reloads a
/// Deployment through kube-sim and a local receiver gets the alert.
@Suite("conformance: alerts", .serialized)
struct AlertScenarios {
    let keys = AnnotationKeys()

    /// `app-config` used by an auto Deployment `web`, and `unused` used by nothing.
    private func objects(in namespace: String) -> [JSONValue] {
        [
            Manifests.configMap("app-config", in: namespace, data: ["k": "v1"]),
            Manifests.configMap("unused", in: namespace, data: ["k": "v1"]),
            Manifests.workload(
                .deployment, "web", in: namespace, annotations: [keys.auto: "true"],
                containers: [.init(envFromConfigMaps: ["app-config"])]),
        ]
    }

    /// Changes `unused` (reloads nothing), then `app-config` (reloads `web`), and waits for the first alert.
    /// Alerts go out in order, so had the first change sent one, the first body would name `unused`.
    private func changeBoth(_ cluster: Cluster, _ receiver: AlertReceiver, in namespace: String) async throws {
        try await cluster.changeConfigMap("unused", in: namespace, data: ["k": "v2"])
        try await cluster.changeConfigMap("app-config", in: namespace, data: ["k": "v2"])
        try await cluster.waitFor("reloader_alerts_total{result=\"sent\"} reaches 1") {
            try cluster.metric("reloader_alerts_total{result=\"sent\"}") == 1
        }
        #expect(cluster.rolloutCount(.deployment, "web", in: namespace) == 1)
        #expect(receiver.count == 1)
        #expect(try cluster.metric("reloader_alerts_total{result=\"failed\"}") == 0)
    }

    @Test("--alert-sink=slack: one Slack body per reloaded workload, none for a change that reloads nothing")
    func slackFromFlags() async throws {
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let cluster = try await Cluster.start([
            "--alert-on-reload", "--alert-sink=slack", "--alert-webhook-url=\(receiver.url)/services/T0/B0/secret",
        ])
        defer { cluster.stop() }
        try await cluster.setUp("alerts-slack", objects(in: "alerts-slack"))
        try await changeBoth(cluster, receiver, in: "alerts-slack")
        let request = try #require(receiver.requests.first)
        #expect(request.path == "/services/T0/B0/secret")
        #expect(request.headers["content-type"] == "application/json")
        let text =
            "Reloader detected changes in *app-config* of type *CONFIGMAP* in namespace *alerts-slack*. "
            + "Hence reloaded *web* of type *Deployment* in namespace *alerts-slack*"
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == #"{"attachments":[{"color":"good","author_name":"Reloader","text":"\#(text)"}]}"#)
        #expect(!cluster.reloader.stderr.contains("/services/T0/B0/secret"), "the webhook URL's path was logged")
    }

    @Test("ALERT_* environment, sink raw, with ALERT_ADDITIONAL_INFO: one JSON body naming config and workload")
    func rawFromEnvironment() async throws {
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let cluster = try await Cluster.start(
            environment: [
                "ALERT_ON_RELOAD": "true", "ALERT_SINK": "raw", "ALERT_WEBHOOK_URL": "\(receiver.url)/hook\n",
                "ALERT_ADDITIONAL_INFO": "cluster prod-eu",
            ])
        defer { cluster.stop() }
        try await cluster.setUp("alerts-raw", objects(in: "alerts-raw"))
        try await changeBoth(cluster, receiver, in: "alerts-raw")
        let body = try JSONValue.parse(try #require(receiver.requests.first).body)
        #expect(
            body == [
                "message": .string(
                    "cluster prod-eu : Reloader detected changes in app-config of type CONFIGMAP in namespace "
                        + "alerts-raw. Hence reloaded web of type Deployment in namespace alerts-raw"),
                "config": [
                    "kind": "ConfigMap", "namespace": "alerts-raw", "name": "app-config",
                    "hash": .string(configMapHash(["k": "v2"])),
                ],
                "workload": ["kind": "Deployment", "namespace": "alerts-raw", "name": "web"],
                "strategy": "env-vars", "additionalInfo": "cluster prod-eu",
            ])
    }

    @Test("with --webhook-url nothing is reloaded, so no alert is sent")
    func noAlertWithWebhookURL() async throws {
        let alerts = try AlertReceiver()
        defer { alerts.stop() }
        let webhook = try AlertReceiver()
        defer { webhook.stop() }
        let cluster = try await Cluster.start([
            "--webhook-url=\(webhook.url)/hook", "--alert-on-reload=true", "--alert-webhook-url=\(alerts.url)/a",
        ])
        defer { cluster.stop() }
        try await cluster.setUp("alerts-webhook", objects(in: "alerts-webhook"))
        try await cluster.changeConfigMap("app-config", in: "alerts-webhook", data: ["k": "v2"])
        try await cluster.waitFor("the --webhook-url receiver gets one POST") { webhook.count == 1 }
        #expect(alerts.count == 0)
        #expect(try cluster.metric("reloader_alerts_total{result=\"sent\"}") == 0)
        #expect(cluster.reloader.stderr.contains("no alert will be sent"))
    }
}
