import Reloader
import Testing

/// Contract §11, end to end: reloader's `/metrics` after real writes through kube-sim and kubectl.
@Suite("conformance: metrics", .serialized)
struct MetricsScenarios {
    let keys = AnnotationKeys()

    private func setUp(_ cluster: Cluster, _ namespace: String) async throws {
        try await cluster.setUp(
            namespace,
            [
                Manifests.configMap("app-config", in: namespace, data: ["k": "v1"]),
                Manifests.workload(
                    .deployment, "web", in: namespace, annotations: [keys.auto: "true"],
                    containers: [.init(envFromConfigMaps: ["app-config"])]),
            ])
    }

    @Test("one ConfigMap change reloading one Deployment and one labels-only change, counted under Reloader's names")
    func reloadAndLabelsOnly() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await setUp(cluster, "m01")
        try await cluster.changeConfigMap("app-config", in: "m01", data: ["k": "v2"])
        try await cluster.kubectl(["-n", "m01", "label", "configmap", "app-config", "tier=one"])
        try await cluster.settle()
        #expect(cluster.rolloutCount(.deployment, "web", in: "m01") == 1)

        #expect(try cluster.metric(#"reloader_reload_executed_total{success="true"}"#) == 1)
        #expect(try cluster.metric(#"reloader_reload_executed_total{success="false"}"#) == 0)
        #expect(try cluster.metric(#"reloader_action_total{workload_kind="Deployment",result="success"}"#) == 1)
        #expect(try cluster.metric(#"reloader_action_latency_seconds_count{workload_kind="Deployment"}"#) == 1)
        #expect(try cluster.metric(#"reloader_skipped_total{reason="no_data_change"}"#) ?? 0 >= 1)
        // The data change and the labels-only change; the create at set-up was an add.
        #expect(
            try cluster.metric(#"reloader_events_received_total{event_type="update",resource_type="configmaps"}"#) == 2)
        #expect(
            try cluster.metric(#"reloader_events_received_total{event_type="add",resource_type="configmaps"}"#) == 1)
        #expect(
            try cluster.metric(
                #"reloader_events_processed_total{event_type="update",resource_type="configmaps",result="success"}"#)
                == 2)
        #expect(try cluster.metric(#"reloader_workloads_scanned_total{kind="Deployment"}"#) == 1)
        #expect(try cluster.metric(#"reloader_workloads_matched_total{kind="Deployment"}"#) == 1)
        #expect(try cluster.metric("reloader_workqueue_adds_total") == 1)
        #expect(try cluster.metric("reloader_workqueue_latency_seconds_count") == 1)
        #expect(try cluster.metric(#"reloader_admission_requests_total{operation="UPDATE",result="enqueued"}"#) == 1)
        #expect(
            try cluster.metric(#"reloader_admission_requests_total{operation="UPDATE",result="skipped"}"#) ?? 0 >= 1)
        #expect(try cluster.metric(#"reloader_admission_duration_seconds_count{operation="UPDATE"}"#) ?? 0 >= 2)
        #expect(try cluster.metric(#"reloader_kube_api_requests_total{verb="patch",code="200"}"#) ?? 0 >= 1)
        #expect(try cluster.metric("reloader_last_resync_age_seconds") != nil)
        let page = String(decoding: try cluster.get("/metrics").body, as: UTF8.self)
        #expect(!page.contains("reloader_reload_executed_total_by_namespace"))
    }

    @Test("METRICS_COUNT_BY_NAMESPACE=enabled adds reload_executed_total_by_namespace")
    func byNamespace() async throws {
        let cluster = try await Cluster.start(environment: ["METRICS_COUNT_BY_NAMESPACE": "enabled"])
        defer { cluster.stop() }
        try await setUp(cluster, "m02")
        try await cluster.changeConfigMap("app-config", in: "m02", data: ["k": "v2"])
        #expect(cluster.rolloutCount(.deployment, "web", in: "m02") == 1)
        #expect(
            try cluster.metric(#"reloader_reload_executed_total_by_namespace{success="true",namespace="m02"}"#) == 1)
    }
}
