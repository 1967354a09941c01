import Testing

@testable import Reloader

extension PolicyTests {
    /// The pause period rides in the batch's one write (contract §5.4), and a batch of one plans what the
    /// single-change `ReloadPatchPlanner` plans.
    @Suite struct ReloadBatchPlannerPauseTests {
        typealias T = ReloadBatchPlannerTests
        typealias Change = ReloadBatchPlanner.Change
        static let pausedAtKey = "deployment.reloader.stakater.com/paused-at"

        @Test("C37 a new pause: spec.paused and paused-at in the same strategic merge patch")
        func pauseInStrategicMerge() {
            let plan = T.plan(
                [Change(T.appConfig, container: 0)], T.object(),
                pause: .pause(period: .seconds(10), pausedAt: "2025-11-26T12:26:40Z", isNew: true))
            var expected = T.smp([["name": "web", "env": [T.env(T.cmVar, "h-cm")]]])
            expected.set(["spec", "paused"], to: true)
            expected.set(["metadata", "annotations", Self.pausedAtKey], to: "2025-11-26T12:26:40Z")
            #expect(plan.action == .patch(.strategicMerge, body: expected))
            #expect(plan.pause == ReloadPlan.Pause(pausedAt: "2025-11-26T12:26:40Z", period: .seconds(10)))
        }

        @Test("inside the window: spec.paused again, our paused-at left as it is")
        func pauseKeepsPausedAt() {
            let plan = T.plan(
                [Change(T.appConfig, container: 0)], T.object(),
                pause: .pause(period: .seconds(10), pausedAt: "2025-11-26T12:26:00Z", isNew: false))
            var expected = T.smp([["name": "web", "env": [T.env(T.cmVar, "h-cm")]]])
            expected.set(["spec", "paused"], to: true)
            #expect(plan.action == .patch(.strategicMerge, body: expected))
            #expect(plan.pause?.pausedAt == "2025-11-26T12:26:00Z")
        }

        @Test("a pause in a JSON patch: add ops, the annotation key escaped as a JSON pointer")
        func pauseInJSONPatch() {
            let object = T.object(webEnv: [T.env(T.cmVar, "c")])
            let plan = T.plan(
                [Change(T.delete(.configMap, "app-config"), container: 0)], object,
                pause: .pause(period: .seconds(10), pausedAt: "2025-11-26T12:26:40Z", isNew: true))
            guard case .patch(.json, let body) = plan.action, let ops = body.arrayValue else {
                Issue.record("expected a JSON patch, got \(plan.action)")
                return
            }
            #expect(
                Array(ops.suffix(2)) == [
                    ["op": "add", "path": "/spec/paused", "value": true],
                    [
                        "op": "add", "path": "/metadata/annotations/deployment.reloader.stakater.com~1paused-at",
                        "value": "2025-11-26T12:26:40Z",
                    ],
                ])
        }

        @Test(
            "a pause that cannot be honoured adds nothing",
            arguments: [
                PausePeriod.Plan.none, .invalidPeriod(value: "x"), .unsupportedKind(value: "5m"), .pausedByOther,
            ])
        func noPauseSteps(pause: PausePeriod.Plan) {
            let plan = T.plan([Change(T.appConfig, container: 0)], T.object(), pause: pause)
            #expect(
                plan.action == .patch(.strategicMerge, body: T.smp([["name": "web", "env": [T.env(T.cmVar, "h-cm")]]])))
            #expect(plan.pause == nil)
        }

        @Test("JSON pointers escape ~ and /")
        func pointers() {
            #expect(ReloadBatchPlanner.pointer(["metadata", "a/b~c"]) == "/metadata/a~1b~0c")
        }

        @Test(
            "a batch of one plans what the single-change planner plans (all but its unguarded delete)",
            arguments: [
                WorkloadKind.deployment, .daemonSet, .statefulSet, .cronJob, .job, .rollout, .deploymentConfig,
            ],
            [PolicyOptions.ReloadStrategy.envVars, .annotations])
        func singleChangeAgrees(kind: WorkloadKind, strategy: PolicyOptions.ReloadStrategy) {
            var options = PolicyOptions()
            options.reloadStrategy = strategy
            options.reloadOnDelete = true
            let objects = [T.object(kind), T.object(kind, webEnv: [T.env(T.cmVar, "h-cm")])]
            let changes = [T.appConfig, T.db, T.delete(.secret, "db")]
            for object in objects {
                for change in changes where !(strategy == .envVars && change.operation == .delete) {
                    let decision = ReloadPolicy.decide(
                        change: change, workload: WorkloadSnapshot(kind: kind, object: object), options: options)
                    let single = ReloadPatchPlanner.plan(
                        decision: decision, change: change, workload: object, kind: kind, options: options, now: T.now)
                    guard case .yes(_, let container) = decision.verdict else {
                        #expect(single.action == .none(.alreadyCurrent), "\(change.config) on \(kind)")
                        continue
                    }
                    let batch = ReloadBatchPlanner.plan(
                        [Change(change, container: container)], workload: object, kind: kind, options: options,
                        now: T.now)
                    #expect(batch.action == single.action, "\(change.config) \(change.operation) on \(kind)")
                }
            }
        }
    }
}
