import Testing
import WebhookServer

@testable import Reloader

/// The whole `/metrics` page as the executable assembles it: the registry (`ServerMetrics`, `ReloaderMetrics`,
/// `KubeRequestMetrics`) followed by the engine's scrape-time families (`EngineMetrics`).
@Suite("metrics exposition")
struct MetricsExpositionTests {
    /// Contract §11's metrics and ours: name, type and the label names of their samples.
    static let expected: [(name: String, type: String, labels: [String])] = [
        ("reloader_reload_executed_total", "counter", ["success"]),
        ("reloader_reconcile_total", "counter", ["result"]),
        ("reloader_reconcile_duration_seconds", "histogram", ["result"]),
        ("reloader_action_total", "counter", ["workload_kind", "result"]),
        ("reloader_action_latency_seconds", "histogram", ["workload_kind"]),
        ("reloader_skipped_total", "counter", ["reason"]),
        ("reloader_workqueue_depth", "gauge", []),
        ("reloader_workqueue_adds_total", "counter", []),
        ("reloader_workqueue_latency_seconds", "histogram", []),
        ("reloader_errors_total", "counter", ["type"]),
        ("reloader_retries_total", "counter", []),
        ("reloader_events_received_total", "counter", ["event_type", "resource_type"]),
        ("reloader_events_processed_total", "counter", ["event_type", "resource_type", "result"]),
        ("reloader_workloads_scanned_total", "counter", ["kind"]),
        ("reloader_workloads_matched_total", "counter", ["kind"]),
        ("reloader_admission_requests_total", "counter", ["operation", "result"]),
        ("reloader_admission_duration_seconds", "histogram", ["operation"]),
        ("reloader_queue_coalesced_total", "counter", []),
        ("reloader_queue_dropped_total", "counter", ["reason"]),
        ("reloader_confirmation_giveups_total", "counter", []),
        ("reloader_index_workloads", "gauge", []),
        ("reloader_index_references", "gauge", []),
        ("reloader_resyncs_total", "counter", ["result"]),
        ("reloader_reconcile_enqueued_total", "counter", []),
        ("reloader_last_resync_duration_seconds", "gauge", []),
        ("reloader_last_resync_timestamp_seconds", "gauge", []),
        ("reloader_last_resync_age_seconds", "gauge", []),
        ("reloader_kube_api_requests_total", "counter", ["verb", "code"]),
        ("reloader_kube_api_request_duration_seconds", "histogram", ["verb"]),
        ("reloader_leader", "gauge", []),
        ("reloader_serving_certificate_not_after_seconds", "gauge", []),
    ]

    /// The page after one Kubernetes request and one successful resync (the only families without samples before).
    static func page(countsByNamespace: Bool = false, record: (ReloaderMetrics) -> Void = { _ in }) -> String {
        let server = ServerMetrics()
        let reloader = ReloaderMetrics(registry: server.registry, countsByNamespace: countsByNamespace)
        KubeRequestMetrics(registry: server.registry).requestFinished(verb: "patch", code: 200, duration: .seconds(0))
        record(reloader)
        let now = ContinuousClock.now
        var status = ResyncLoop.Status()
        status.lastSuccess = now - .seconds(30)
        status.lastDuration = .milliseconds(1500)
        let engine = EngineMetrics(
            sources: .init(
                queue: { ReloadQueueStateMachine.Counters() }, index: { (0, 0) }, isLeader: { true },
                resync: { [status] in status }, now: { now }, unixTime: { 1_000_000 }))
        let response = MetricsRoutes.makeRouter(metrics: server, collectors: [engine.render], isReady: { true })
            .handle(HTTPRequest(method: "GET", path: "/metrics"))
        return String(decoding: response.body, as: UTF8.self)
    }

    @Test("no family is declared twice: Prometheus rejects a page that repeats one")
    func familiesAreUnique() {
        let names = Self.page().split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
            .map { $0.split(separator: " ")[2] }
        #expect(names.count == Set(names).count, "repeated: \(names.filter { name in names.count { $0 == name } > 1 })")
    }

    @Test("every contract metric is there with its type and labels", arguments: expected.map(\.name))
    func contractMetric(name: String) throws {
        let entry = try #require(Self.expected.first { $0.name == name })
        let lines = Self.page().split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE \(name) \(entry.type)"))
        let sampleName = entry.type == "histogram" ? name + "_bucket" : name
        let samples = lines.filter { $0.hasPrefix(sampleName + "{") || $0.hasPrefix(sampleName + " ") }
        #expect(!samples.isEmpty, "no sample of \(name)")
        for label in entry.labels {
            #expect(samples.allSatisfy { $0.contains("\(label)=\"") }, "\(name) lacks the label \(label)")
        }
    }

    @Test(
        "bounded label values start at 0 (Reloader pre-initialises reload_executed_total; we do it for all)",
        arguments: [
            "reloader_reload_executed_total{success=\"true\"} 0", "reloader_reload_executed_total{success=\"false\"} 0",
            "reloader_skipped_total{reason=\"ignored_or_not_selected\"} 0",
            "reloader_skipped_total{reason=\"no_data_change\"} 0",
            "reloader_skipped_total{reason=\"strategy_not_updated\"} 0",
            "reloader_events_received_total{event_type=\"update\",resource_type=\"configmaps\"} 0",
            "reloader_events_processed_total{event_type=\"delete\",resource_type=\"secrets\",result=\"dropped\"} 0",
            "reloader_action_total{workload_kind=\"Deployment\",result=\"success\"} 0",
            "reloader_action_total{workload_kind=\"Rollout\",result=\"error\"} 0",
            "reloader_workloads_matched_total{kind=\"StatefulSet\"} 0",
            "reloader_errors_total{type=\"handler_error\"} 0",
            "reloader_admission_requests_total{operation=\"UPDATE\",result=\"enqueued\"} 0",
        ])
    func zeroes(sample: String) {
        #expect(Self.page().split(separator: "\n").contains(Substring(sample)))
    }

    @Test("the resync gauges are computed at scrape time from the last pass")
    func resyncGauges() {
        let lines = Set(Self.page().split(separator: "\n").map(String.init))
        #expect(lines.contains("reloader_last_resync_duration_seconds 1.5"))
        #expect(lines.contains("reloader_last_resync_age_seconds 30.0"))
        #expect(lines.contains("reloader_last_resync_timestamp_seconds 999970.0"))
    }

    @Test("reload_executed_total_by_namespace exists only with METRICS_COUNT_BY_NAMESPACE=enabled")
    func byNamespace() {
        let record: (ReloaderMetrics) -> Void = {
            $0.reloadExecuted(succeeded: true, namespace: "shop")
            $0.reloadExecuted(succeeded: false, namespace: "shop")
        }
        let enabled = Self.page(countsByNamespace: true, record: record).split(separator: "\n")
        #expect(enabled.contains("reloader_reload_executed_total_by_namespace{success=\"true\",namespace=\"shop\"} 1"))
        #expect(enabled.contains("reloader_reload_executed_total_by_namespace{success=\"false\",namespace=\"shop\"} 1"))
        let disabled = Self.page(countsByNamespace: false, record: record)
        #expect(!disabled.contains("reloader_reload_executed_total_by_namespace"))
    }

    @Test("each label value's position is its index in allCases, the order the metric arrays are built in")
    func positions() {
        func inOrder<Label: MetricLabelValue>(_: Label.Type) -> Bool {
            Label.allCases.enumerated().allSatisfy { $0.offset == $0.element.position }
        }
        #expect(inOrder(AdmissionMetricOperation.self))
        #expect(inOrder(AdmissionMetricResult.self))
        #expect(inOrder(ConfigEventType.self))
        #expect(inOrder(ConfigKind.self))
        #expect(inOrder(EventMetricResult.self))
        #expect(inOrder(SkipMetricReason.self))
        #expect(inOrder(WorkloadKind.self))
    }
}
