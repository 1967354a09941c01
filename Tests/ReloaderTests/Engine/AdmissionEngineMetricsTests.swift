import Logging
import Testing
import WebhookServer

@testable import Reloader

/// Where the admission side counts Reloader's event metrics (contract §11): one config review is one informer
/// event, counted as Reloader's controller and handlers count theirs.
@Suite("Admission engine metrics")
struct AdmissionEngineMetricsTests {
    typealias F = EngineFixtures

    static func engine(
        _ store: IndexStore, _ metrics: RecordingMetrics, filter: ConfigFilter = ConfigFilter(), dryRun: Bool = false
    ) -> AdmissionEngine {
        AdmissionEngine(
            options: .init(filter: filter, dryRun: dryRun), index: store, sink: RecordingSink(), logger: F.logger,
            metrics: metrics)
    }

    @Test("a content change: received, every candidate scanned, the selected one matched, the others skipped")
    func contentChange() throws {
        let metrics = RecordingMetrics()
        // web is auto and uses app-config; api uses it without an annotation; other does not use it.
        let store = F.store([
            F.deployment("web"), F.deployment("api", annotations: [:]), F.deployment("other", configMaps: ["x"]),
        ])
        let (_, result) = Self.engine(store, metrics).answer(try F.review("configmap-update.json"), dryRunHeader: false)
        #expect(result == .enqueued)
        #expect(
            metrics.multiset == [
                .received(.update, .configMap): 1, .scanned(.deployment): 2, .matched(.deployment): 1,
                .skipped(.ignoredOrNotSelected): 1, .processed(.update, .configMap, .success): 1,
            ])
    }

    @Test("a labels-only update is received, skipped as no_data_change and processed (Reloader's update handler)")
    func labelsOnly() throws {
        let metrics = RecordingMetrics()
        let review = try F.review("configmap-update-labels-only.json")
        let (_, result) = Self.engine(F.store([F.deployment("web")]), metrics).answer(review, dryRunHeader: false)
        #expect(result == .skipped)
        #expect(
            metrics.multiset == [
                .received(.update, .configMap): 1, .skipped(.noDataChange): 1,
                .processed(.update, .configMap, .success): 1,
            ])
    }

    @Test("a server-side dry run is no event at all: nothing was persisted for an informer to see")
    func requestDryRun() throws {
        let metrics = RecordingMetrics()
        let review = try F.review("secret-update-dryrun.json")
        let (_, result) = Self.engine(F.store([F.deployment("web")]), metrics).answer(review, dryRunHeader: false)
        #expect(result == .skipped)
        #expect(metrics.all.isEmpty)
    }

    @Test("a config in an ignored namespace is received and skipped, never processed")
    func filtered() throws {
        let metrics = RecordingMetrics()
        var filter = ConfigFilter()
        filter.namespacesToIgnore = ["shop"]
        let review = try F.review("configmap-update.json")
        _ = Self.engine(F.store([F.deployment("web")]), metrics, filter: filter).answer(review, dryRunHeader: false)
        #expect(metrics.multiset == [.received(.update, .configMap): 1, .skipped(.ignoredOrNotSelected): 1])
    }

    @Test("a Secret whose data is not base64 is received, dropped and counted as an error")
    func unreadable() throws {
        let metrics = RecordingMetrics()
        var review = try F.review("secret-update.json")
        review.request.object?.data = ["password": "not base64!"]
        _ = Self.engine(F.store([]), metrics).answer(review, dryRunHeader: false)
        #expect(
            metrics.multiset == [
                .received(.update, .secret): 1, .processed(.update, .secret, .dropped): 1,
                .error(.unreadableConfig): 1,
            ])
    }

    @Test(
        "the admission result of each kind of review",
        arguments: [
            ("configmap-update.json", false, false, AdmissionMetricResult.enqueued),
            ("configmap-update.json", true, false, .dryRun), ("configmap-update.json", false, true, .dryRun),
            ("configmap-create.json", false, false, .skipped), ("deployment-update.json", false, false, .indexed),
        ])
    func results(fixture: String, header: Bool, dryRunFlag: Bool, expected: AdmissionMetricResult) throws {
        let engine = Self.engine(F.store([F.deployment("web")]), RecordingMetrics(), dryRun: dryRunFlag)
        #expect(engine.answer(try F.review(fixture), dryRunHeader: header).result == expected)
    }

    @Test("ValidateHandler counts each review by operation and result, and a refused body as rejected")
    func handler() throws {
        let metrics = RecordingMetrics()
        let handler = ValidateHandler(
            logger: F.logger, engine: Self.engine(F.store([F.deployment("web")]), RecordingMetrics()),
            metrics: metrics)
        #expect(
            handler.handle(ValidateHandlerTests.post(try FixtureFiles.bytes("configmap-update.json"))).status == 200)
        #expect(handler.handle(ValidateHandlerTests.post(Array("{}".utf8))).status == 400)
        #expect(handler.handle(ValidateHandlerTests.post([], contentType: "text/plain")).status == 415)
        #expect(
            metrics.all == [
                .admission(.update, .enqueued), .error(.admissionRejected), .admission(.unknown, .rejected),
                .error(.admissionRejected), .admission(.unknown, .rejected),
            ])
        #expect(metrics.durations.withLock { $0.count } == 3)
    }

    @Test(
        "skip reasons map onto Reloader's event metrics",
        arguments: [
            (ChangeDetector.Skip.notAConfig, false, nil, nil), (.dryRun, false, nil, nil),
            (.resourceTypeIgnored, false, nil, nil), (.operationNotEnabled, true, nil, nil),
            (.filtered, true, SkipMetricReason.ignoredOrNotSelected, nil),
            (.configIgnored, true, .ignoredOrNotSelected, EventMetricResult.success),
            (.noDataChange, true, .noDataChange, .success), (.unreadable("x"), true, nil, .dropped),
        ] as [(ChangeDetector.Skip, Bool, SkipMetricReason?, EventMetricResult?)])
    func skipMapping(skip: ChangeDetector.Skip, isEvent: Bool, reason: SkipMetricReason?, result: EventMetricResult?) {
        #expect(skip.isEvent == isEvent)
        #expect(skip.skipMetricReason == reason)
        #expect(skip.processedResult == result)
    }

    @Test(
        "decision skip reasons map onto skipped_total",
        arguments: [
            (ReloadDecision.SkipReason.alreadyCurrent, SkipMetricReason.strategyNotUpdated),
            (.noDataChange, .noDataChange), (.notSelected, .ignoredOrNotSelected), (.notUsed, .ignoredOrNotSelected),
            (.cronJobSuspended, .ignoredOrNotSelected),
        ])
    func decisionMapping(reason: ReloadDecision.SkipReason, expected: SkipMetricReason) {
        #expect(reason.skipMetricReason == expected)
        #expect(reason.skipMetricReason.rawValue == reason.metricLabel)
    }
}
