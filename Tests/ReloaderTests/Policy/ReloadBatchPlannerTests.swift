import Testing

@testable import Reloader

extension PolicyTests {
    /// `ReloadBatchPlanner`: several config changes of one workload give exactly one write (DESIGN §4, C55).
    @Suite struct ReloadBatchPlannerTests {
        typealias F = PolicyFixtures
        typealias Change = ReloadBatchPlanner.Change
        static let now: Int64 = 1_764_160_000
        static let auto = ["reloader.stakater.com/auto": "true"]
        static let cmVar = "STAKATER_APP_CONFIG_CONFIGMAP"
        static let secretVar = "STAKATER_DB_SECRET"

        static func update(_ kind: ConfigKind, _ name: String, _ hash: String) -> ConfigChange {
            ConfigChange(
                config: ConfigRef(kind: kind, namespace: "shop", name: name), oldHash: "old", newHash: hash,
                operation: .update)
        }
        static func delete(_ kind: ConfigKind, _ name: String) -> ConfigChange {
            ConfigChange(
                config: ConfigRef(kind: kind, namespace: "shop", name: name), oldHash: "old", newHash: nil,
                operation: .delete)
        }
        static let appConfig = update(.configMap, "app-config", "h-cm")
        static let db = update(.secret, "db", "h-db")

        /// `web` reads app-config (envFrom) and the Secret db (secretKeyRef); `side` has its own env.
        static func object(
            _ kind: WorkloadKind = .deployment, webEnv: [JSONValue] = [["name": "A", "value": "1"]],
            annotations: [String: String] = auto
        ) -> JSONValue {
            F.workload(
                kind, annotations: annotations,
                template: F.template(containers: [
                    F.container("web", env: webEnv, envFrom: [F.configMapRef("app-config"), F.secretRef("db")]),
                    F.container("side", env: [["name": "LOG", "value": "1"]]),
                ]))
        }

        static func plan(
            _ changes: [Change], _ object: JSONValue, _ kind: WorkloadKind = .deployment,
            strategy: PolicyOptions.ReloadStrategy = .envVars, pause: PausePeriod.Plan = .none
        ) -> ReloadPlan {
            var options = PolicyOptions()
            options.reloadStrategy = strategy
            return ReloadBatchPlanner.plan(
                changes, workload: object, kind: kind, options: options, pause: pause, now: now)
        }

        static func env(_ name: String, _ value: String) -> JSONValue {
            ["name": .string(name), "value": .string(value)]
        }

        static func smp(_ containers: [JSONValue]) -> JSONValue {
            ["spec": ["template": ["spec": ["containers": .array(containers)]]]]
        }

        @Test("C55 two configs of one container: one strategic merge patch with both vars")
        func twoConfigsOnePatch() {
            let plan = Self.plan([Change(Self.appConfig, container: 0), Change(Self.db, container: 0)], Self.object())
            let expected = Self.smp([
                ["name": "web", "env": [Self.env(Self.cmVar, "h-cm"), Self.env(Self.secretVar, "h-db")]]
            ])
            #expect(plan.action == .patch(.strategicMerge, body: expected))
            #expect(plan.changes == [Self.appConfig, Self.db])
            #expect(plan.pause == nil)
        }

        @Test("env vars in two containers: one patch naming both containers, in container order")
        func twoContainers() {
            let plan = Self.plan([Change(Self.db, container: 1), Change(Self.appConfig, container: 0)], Self.object())
            let expected = Self.smp([
                ["name": "web", "env": [Self.env(Self.cmVar, "h-cm")]],
                ["name": "side", "env": [Self.env(Self.secretVar, "h-db")]],
            ])
            #expect(plan.action == .patch(.strategicMerge, body: expected))
        }

        @Test("delete + update: one JSON patch, guarded by test ops, replace in place, remove, add at the end")
        func deleteAndUpdate() {
            let object = Self.object(webEnv: [
                Self.env(Self.secretVar, "old-db"), Self.env("A", "1"), Self.env(Self.cmVar, "old-cm"),
            ])
            let newest = Self.update(.configMap, "app-config", "h-cm")
            let plan = Self.plan(
                [Change(Self.delete(.secret, "db"), container: 0), Change(newest, container: 0)], object)
            let base = "/spec/template/spec/containers/0"
            let expected: JSONValue = [
                ["op": "test", "path": .string("\(base)/name"), "value": "web"],
                [
                    "op": "test", "path": .string("\(base)/env"),
                    "value": [Self.env(Self.secretVar, "old-db"), Self.env("A", "1"), Self.env(Self.cmVar, "old-cm")],
                ],
                ["op": "replace", "path": .string("\(base)/env/2"), "value": Self.env(Self.cmVar, "h-cm")],
                ["op": "remove", "path": .string("\(base)/env/0")],
            ]
            #expect(plan.action == .patch(.json, body: expected))
            #expect(plan.changes.map(\.operation) == [.delete, .update])
        }

        @Test("delete + a new var in a container without env: add the list; removals from the highest index down")
        func deleteAndAdd() {
            let sideless = F.workload(
                annotations: Self.auto,
                template: F.template(containers: [
                    F.container("web", env: [Self.env(Self.secretVar, "d"), Self.env(Self.cmVar, "c")]),
                    F.container("side"),
                ]))
            let plan = Self.plan(
                [
                    Change(Self.delete(.secret, "db"), container: 0),
                    Change(Self.delete(.configMap, "app-config"), container: 0),
                    Change(Self.update(.configMap, "other", "h-o"), container: 1),
                ], sideless)
            guard case .patch(.json, let body) = plan.action, let ops = body.arrayValue else {
                Issue.record("expected a JSON patch, got \(plan.action)")
                return
            }
            #expect(
                ops.map { "\($0["op"]?.stringValue ?? "") \($0["path"]?.stringValue ?? "")" } == [
                    "test /spec/template/spec/containers/0/name", "test /spec/template/spec/containers/0/env",
                    "remove /spec/template/spec/containers/0/env/1", "remove /spec/template/spec/containers/0/env/0",
                    "test /spec/template/spec/containers/1/name", "add /spec/template/spec/containers/1/env",
                ])
            #expect(ops.last?["value"] == [Self.env("STAKATER_OTHER_CONFIGMAP", "h-o")])
        }

        @Test(
            "C35 Rollout and DeploymentConfig: one merge patch keeps the other containers whole",
            arguments: [WorkloadKind.rollout, .deploymentConfig])
        func customResourceMergePatch(kind: WorkloadKind) {
            let plan = Self.plan(
                [Change(Self.appConfig, container: 0), Change(Self.db, container: 0)], Self.object(kind), kind)
            let expected = Self.smp([
                [
                    "name": "web", "image": "nginx", "envFrom": [F.configMapRef("app-config"), F.secretRef("db")],
                    "env": [Self.env("A", "1"), Self.env(Self.cmVar, "h-cm"), Self.env(Self.secretVar, "h-db")],
                ],
                ["name": "side", "image": "nginx", "env": [Self.env("LOG", "1")]],
            ])
            #expect(plan.action == .patch(.merge, body: expected))
        }

        @Test("annotations: one last-reloaded-from naming the last change of the batch")
        func annotationsNameTheLast() {
            let plan = Self.plan(
                [Change(Self.appConfig, container: 0), Change(Self.db, container: 1)], Self.object(),
                strategy: .annotations)
            let marker = LastReloadedFrom(
                config: Self.db.config, hash: "h-db", containerRefs: ["side"], observedAt: Self.now)
            let expected: JSONValue = [
                "spec": [
                    "template": ["metadata": ["annotations": [Annotations.lastReloadedFrom: .string(marker.json)]]]
                ]
            ]
            #expect(plan.action == .patch(.strategicMerge, body: expected))
            #expect(plan.changes == [Self.appConfig, Self.db])
        }

        @Test("annotations: a change the marker already records is dropped, the other is named")
        func annotationsDropRecorded() {
            let recorded = LastReloadedFrom(config: Self.db.config, hash: "h-db", containerRefs: ["web"], observedAt: 1)
            var object = Self.object()
            object.set(
                ["spec", "template", "metadata", "annotations", Annotations.lastReloadedFrom],
                to: .string(recorded.json))
            let plan = Self.plan(
                [Change(Self.appConfig, container: 0), Change(Self.db, container: 0)], object, strategy: .annotations)
            #expect(plan.changes == [Self.appConfig])
            guard case .patch(_, let body) = plan.action,
                let json = body[path: ["spec", "template", "metadata", "annotations", Annotations.lastReloadedFrom]]?
                    .stringValue
            else {
                Issue.record("expected an annotation patch, got \(plan.action)")
                return
            }
            #expect(LastReloadedFrom(json: json)?.name == "app-config")
        }

        @Test("C32 CronJob: one Job with both vars; C34 Job: one re-creation with both")
        func jobsCarryBoth() {
            let changes = [Change(Self.appConfig, container: 0), Change(Self.db, container: 1)]
            let cronJob = Self.plan(changes, Self.object(.cronJob), .cronJob)
            let job = Self.plan(changes, Self.object(.job), .job)
            for (action, expectedKind) in [(cronJob.action, "createJob"), (job.action, "recreateJob")] {
                let created: JSONValue
                switch action {
                case .createJob(let value) where expectedKind == "createJob": created = value
                case .recreateJob(_, let value) where expectedKind == "recreateJob": created = value
                default:
                    Issue.record("expected \(expectedKind), got \(action)")
                    continue
                }
                let containers = created[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
                #expect(containers.first?["env"] == [Self.env("A", "1"), Self.env(Self.cmVar, "h-cm")])
                #expect(containers.last?["env"] == [Self.env("LOG", "1"), Self.env(Self.secretVar, "h-db")])
            }
        }

        @Test("already current: changes holding their hash are dropped; none left, nothing is written")
        func alreadyCurrent() {
            let object = Self.object(webEnv: [Self.env(Self.cmVar, "h-cm"), Self.env(Self.secretVar, "h-db")])
            let both = [Change(Self.appConfig, container: 0), Change(Self.db, container: 0)]
            #expect(Self.plan(both, object) == ReloadPlan(.none(.alreadyCurrent)))
            let newer = Self.update(.secret, "db", "h-db2")
            let one = Self.plan([Change(Self.appConfig, container: 0), Change(newer, container: 0)], object)
            #expect(
                one.action
                    == .patch(
                        .strategicMerge, body: Self.smp([["name": "web", "env": [Self.env(Self.secretVar, "h-db2")]]])))
            #expect(one.changes == [newer])
            let gone = Self.plan([Change(Self.delete(.configMap, "other"), container: 0)], object)
            #expect(gone == ReloadPlan(.none(.alreadyCurrent)))
        }

        @Test("a later change of the same config wins; Argo restart, suspended CronJob and bad containers")
        func edges() {
            let older = Self.update(.configMap, "app-config", "h-old")
            let twice = Self.plan([Change(older, container: 0), Change(Self.appConfig, container: 0)], Self.object())
            #expect(twice.changes == [Self.appConfig])
            var restart = Self.auto
            restart[Annotations.rolloutStrategy] = "restart"
            let argo = Self.plan(
                [Change(Self.appConfig, container: 0), Change(Self.db, container: 0)],
                Self.object(.rollout, annotations: restart), .rollout)
            #expect(argo.action == .patch(.merge, body: ["spec": ["restartAt": "2025-11-26T12:26:40Z"]]))
            var suspended = Self.object(.cronJob)
            suspended.set(["spec", "suspend"], to: true)
            #expect(Self.plan([Change(Self.db, container: 0)], suspended, .cronJob).action == .none(.cronJobSuspended))
            #expect(Self.plan([Change(Self.db, container: 7)], Self.object()).action == .none(.noContainer))
            #expect(Self.plan([], Self.object()).action == .none(.notSelected))
        }
    }
}
