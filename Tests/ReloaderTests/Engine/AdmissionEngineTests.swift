import Testing

@testable import Reloader

/// `AdmissionEngine`: config reviews to planned reloads (or the dry-run plan), workload reviews to index updates.
@Suite("Admission engine")
struct AdmissionEngineTests {
    typealias F = EngineFixtures

    static let planLine = "reloader: would reload Deployment shop/web (configmap app-config changed)"

    @Test("a ConfigMap update enqueues a reload of the Deployment that uses it with auto")
    func update() throws {
        let sink = RecordingSink()
        let store = F.store([
            F.deployment("web"), F.deployment("api", annotations: [:]),
            F.deployment("other", configMaps: ["x"]),
        ])
        let review = try F.review("configmap-update.json")
        let response = F.engine(store, sink: sink).review(review, dryRunHeader: false)
        #expect(response == AdmissionResponse(uid: review.request.uid))
        let newHash = ContentHash.configMap(data: review.request.object?.data, binaryData: nil)
        #expect(
            sink.all == [
                PlannedReload(
                    workload: F.web(),
                    config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"),
                    hash: newHash, trigger: .auto, container: 0, operation: .update)
            ])
    }

    @Test("a labels-only update enqueues nothing")
    func labelsOnly() throws {
        let sink = RecordingSink()
        let review = try F.review("configmap-update-labels-only.json")
        let response = F.engine(F.store([F.deployment("web")]), sink: sink).review(
            review, dryRunHeader: true)
        #expect(sink.all.isEmpty)
        #expect(response.warnings.isEmpty && response.auditAnnotations.isEmpty && response.allowed)
    }

    @Test("request.dryRun enqueues nothing")
    func requestDryRun() throws {
        let sink = RecordingSink()
        let store = F.store([F.deployment("web", configMaps: [], secrets: ["app-secret"])])
        var review = try F.review("secret-update-dryrun.json")
        let engine = F.engine(store, sink: sink)
        #expect(engine.review(review, dryRunHeader: false).allowed)
        #expect(sink.all.isEmpty)
        review.request.dryRun = false  // the control: the same write for real
        _ = engine.review(review, dryRunHeader: false)
        #expect(sink.all.map(\.workload) == [F.web()])
    }

    @Test(
        "C53 (unit): the dry-run header answers with the plan and enqueues nothing",
        arguments: [true, false])
    func dryRunPlan(header: Bool) throws {
        let sink = RecordingSink()
        let store = F.store([F.deployment("web"), F.deployment("api", annotations: [:])])
        let review = try F.review("configmap-update.json")
        // The header, or the process-wide --dry-run.
        let response = F.engine(store, sink: sink, dryRun: !header).review(review, dryRunHeader: header)
        #expect(sink.all.isEmpty)
        #expect(response.allowed && response.uid == review.request.uid)
        #expect(response.warnings == [Self.planLine])
        #expect(response.auditAnnotations == ["reloader.stakater.com/plan": Self.planLine])
    }

    @Test("the plan lists every workload, sorted, and names Secrets in lower case")
    func planOrder() throws {
        let sink = RecordingSink()
        let store = F.store([
            F.deployment("web", configMaps: [], secrets: ["app-secret"]),
            F.deployment("api", configMaps: [], secrets: ["app-secret"]),
        ])
        var review = try F.review("secret-update-dryrun.json")
        review.request.dryRun = false
        let response = F.engine(store, sink: sink).review(review, dryRunHeader: true)
        let lines = [
            "reloader: would reload Deployment shop/api (secret app-secret changed)",
            "reloader: would reload Deployment shop/web (secret app-secret changed)",
        ]
        #expect(response.warnings == lines)
        #expect(
            response.auditAnnotations[AdmissionEngine.planAuditAnnotation]
                == lines.joined(separator: "; "))
        #expect(sink.all.isEmpty)
    }

    @Test("ignore: \"true\" on the config reloads nothing")
    func ignoreAnnotation() throws {
        let sink = RecordingSink()
        var review = try F.review("configmap-update.json")
        review.request.object?.metadata.annotations?["reloader.stakater.com/ignore"] = "true"
        _ = F.engine(F.store([F.deployment("web")]), sink: sink).review(review, dryRunHeader: false)
        #expect(sink.all.isEmpty)
    }

    @Test("a plan carries only the config's match and ignore annotations, under renamed keys too")
    func planCarriesDecisionAnnotations() throws {
        let sink = RecordingSink()
        var policy = PolicyOptions()
        policy.annotationKeys.match = "example.com/match"
        var review = try F.review("configmap-update.json")
        review.request.object?.metadata.annotations?["example.com/match"] = "true"
        review.request.object?.metadata.annotations?["reloader.stakater.com/ignore"] = "false"
        review.request.object?.metadata.annotations?["reloader.stakater.com/match"] = "true"  // not the key now
        _ = F.engine(F.store([F.deployment("web")]), sink: sink, policy: policy).review(review, dryRunHeader: false)
        #expect(
            sink.all.map(\.configAnnotations) == [
                ["example.com/match": "true", "reloader.stakater.com/ignore": "false"]
            ])
        #expect(sink.all.first?.configChange.annotations == sink.all.first?.configAnnotations)
    }

    @Test("reload-on-create: a CREATE reloads only when on", arguments: [false, true])
    func reloadOnCreate(enabled: Bool) throws {
        let sink = RecordingSink()
        var policy = PolicyOptions()
        policy.reloadOnCreate = enabled
        let store = F.store([F.deployment("web", configMaps: ["feature-flags"])])
        _ = F.engine(store, sink: sink, policy: policy).review(
            try F.review("configmap-create.json"), dryRunHeader: false)
        #expect(sink.all.map(\.workload) == (enabled ? [F.web()] : []))
        #expect(sink.all.allSatisfy { $0.operation == .create && $0.config.name == "feature-flags" })
    }

    @Test(
        "C59 (unit): a Deployment CREATE review indexes it, and the next ConfigMap update reloads it")
    func createdWorkloadIsReloaded() throws {
        let sink = RecordingSink()
        let store = IndexStore()
        let engine = F.engine(store, sink: sink)
        let create = try F.review("deployment-create.json")
        #expect(
            engine.review(create, dryRunHeader: false) == AdmissionResponse(uid: create.request.uid))
        #expect(sink.all.isEmpty)
        let record = try #require(store.snapshot.record(for: F.web()))
        #expect(
            record.uses(.configMap, named: "app-config") && record.uses(.secret, named: "db-credentials"))
        #expect(record.metadataAnnotation("reloader.stakater.com/auto") == "true")

        _ = engine.review(try F.review("configmap-update.json"), dryRunHeader: false)
        #expect(sink.all.map(\.workload) == [F.web()])
    }

    @Test("a dry-run workload CREATE does not touch the index")
    func dryRunWorkloadCreate() throws {
        let store = IndexStore()
        var create = try F.review("deployment-create.json")
        create.request.dryRun = true
        _ = F.engine(store, sink: RecordingSink()).review(create, dryRunHeader: false)
        #expect(store.snapshot.count == 0)
    }

    @Test("a Deployment DELETE review only marks it deleted: still reloaded until confirmed gone")
    func deleteOnlyMarks() throws {
        let sink = RecordingSink()
        let store = F.store([F.deployment("web")])
        let engine = F.engine(store, sink: sink)
        let delete = AdmissionReview(
            request: AdmissionRequest(
                uid: "d-1", kind: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"),
                resource: GroupVersionResource(group: "apps", version: "v1", resource: "deployments"),
                name: "web",
                namespace: "shop", operation: .delete,
                oldObject: KubeObject(
                    kind: "Deployment", metadata: ObjectMeta(name: "web", namespace: "shop"))))
        #expect(engine.review(delete, dryRunHeader: false).allowed)
        #expect(store.pendingDeletions == [F.web()])
        let update = try F.review("configmap-update.json")
        _ = engine.review(update, dryRunHeader: false)
        #expect(sink.all.map(\.workload) == [F.web()])

        store.confirmGone(F.web())
        _ = engine.review(update, dryRunHeader: false)
        #expect(sink.all.count == 1)
    }

    @Test("workload reviews of other kinds and subresources leave the index alone")
    func workloadKinds() throws {
        let store = IndexStore()
        let engine = F.engine(store, sink: RecordingSink())
        var scale = try F.review("deployment-create.json")
        scale.request.subResource = "scale"
        _ = engine.review(scale, dryRunHeader: false)
        #expect(store.snapshot.count == 0)
        for name in [
            "daemonset-update.json", "cronjob-update.json", "job-create.json", "deployment-update.json",
        ] {
            _ = engine.review(try F.review(name), dryRunHeader: false)
        }
        #expect(
            Set(store.snapshot.forEachRecordRefs()).map(\.kind).sorted { $0.rawValue < $1.rawValue }
                == [.cronJob, .daemonSet, .deployment, .job])
    }

    @Test("a snapshot from a record decides as the snapshot from the object")
    func recordSnapshotAgrees() throws {
        let object = F.deployment(
            "web",
            annotations: [
                "configmap.reloader.stakater.com/reload": "other-.*", "reloader.stakater.com/auto": "true",
            ],
            configMaps: ["app-config"],
            secrets: ["s"])
        let fromRecord = WorkloadSnapshot(record: F.record(object))
        let fromObject = WorkloadSnapshot(kind: .deployment, object: object)
        for (kind, name) in [
            (ConfigKind.configMap, "app-config"), (.configMap, "other-x"), (.secret, "s"),
            (.configMap, "x"),
        ] {
            let change = ConfigChange(
                config: ConfigRef(kind: kind, namespace: "shop", name: name), oldHash: "a", newHash: "b",
                operation: .update)
            #expect(
                ReloadPolicy.decide(change: change, workload: fromRecord, options: PolicyOptions())
                    == ReloadPolicy.decide(change: change, workload: fromObject, options: PolicyOptions()))
        }
    }
}

extension ReverseIndex {
    fileprivate func forEachRecordRefs() -> [WorkloadRef] {
        var refs: [WorkloadRef] = []
        forEachRecord { refs.append($0.ref) }
        return refs
    }
}
