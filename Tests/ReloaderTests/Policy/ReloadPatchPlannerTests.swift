import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct ReloadPatchPlannerTests {
        typealias F = PolicyFixtures
        static let now: Int64 = 1_764_160_000
        static let hash = "dc30e0faa89a70dec1033016a2309bbeb9efcbd0"
        static let change = ConfigChange(
            config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), oldHash: "old", newHash: hash,
            operation: .update)

        static func template(env: [JSONValue] = []) -> JSONValue {
            F.template(containers: [
                F.container("web", env: env, envFrom: [F.configMapRef("app-config")]),
                F.container("side", env: [["name": "LOG", "value": "1"]]),
            ])
        }

        static func plan(
            _ object: JSONValue, _ kind: WorkloadKind = .deployment, change: ConfigChange = change,
            strategy: PolicyOptions.ReloadStrategy = .envVars
        ) -> ReloadAction {
            var options = PolicyOptions()
            options.reloadStrategy = strategy
            options.reloadOnDelete = true
            let decision = ReloadPolicy.decide(
                change: change, workload: WorkloadSnapshot(kind: kind, object: object), options: options)
            return ReloadPatchPlanner.plan(
                decision: decision, change: change, workload: object, kind: kind, options: options, now: now
            ).action
        }

        static let auto = ["reloader.stakater.com/auto": "true"]

        @Test(
            "C01 env-vars: strategic merge patch of the chosen container's env var",
            arguments: [
                WorkloadKind.deployment, .daemonSet, .statefulSet,
            ])
        func envVarStrategicMerge(kind: WorkloadKind) {
            let action = Self.plan(F.workload(kind, annotations: Self.auto, template: Self.template()), kind)
            let expected: JSONValue = [
                "spec": [
                    "template": [
                        "spec": [
                            "containers": [
                                [
                                    "name": "web",
                                    "env": [["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": .string(Self.hash)]],
                                ]
                            ]
                        ]
                    ]
                ]
            ]
            #expect(action == .patch(.strategicMerge, body: expected))
        }

        @Test("C40 multi-container: the env var goes to the container using the config")
        func multiContainer() {
            let template = F.template(
                containers: [F.container("web"), F.container("side", mounts: ["cfg"])],
                volumes: [F.configMapVolume("cfg", "app-config")])
            let action = Self.plan(F.workload(annotations: Self.auto, template: template))
            guard case .patch(_, let body) = action else {
                Issue.record("expected a patch, got \(action)")
                return
            }
            #expect(body[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["name"] == "side")
        }

        @Test("C56 env-vars: nothing is written when the container already has the hash")
        func envVarIdempotent() {
            let template = Self.template(env: [["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": .string(Self.hash)]])
            #expect(Self.plan(F.workload(annotations: Self.auto, template: template)) == .none(.alreadyCurrent))
        }

        @Test(
            "C35 Rollout and DeploymentConfig: merge patch carries the whole containers list with the var set",
            arguments: [
                WorkloadKind.rollout, .deploymentConfig,
            ])
        func envVarMergePatch(kind: WorkloadKind) {
            let template = Self.template(env: [
                ["name": "A", "value": "1"], ["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": "stale"],
            ])
            let action = Self.plan(F.workload(kind, annotations: Self.auto, template: template), kind)
            let expected: JSONValue = [
                "spec": [
                    "template": [
                        "spec": [
                            "containers": [
                                [
                                    "name": "web", "image": "nginx", "envFrom": [F.configMapRef("app-config")],
                                    "env": [
                                        ["name": "A", "value": "1"],
                                        ["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": .string(Self.hash)],
                                    ],
                                ],
                                ["name": "side", "image": "nginx", "env": [["name": "LOG", "value": "1"]]],
                            ]
                        ]
                    ]
                ]
            ]
            #expect(action == .patch(.merge, body: expected))
        }

        @Test("C36 Argo rollout-strategy restart sets spec.restartAt to now (RFC 3339)")
        func argoRestart() {
            var annotations = Self.auto
            annotations[Annotations.rolloutStrategy] = "restart"
            let action = Self.plan(F.workload(.rollout, annotations: annotations, template: Self.template()), .rollout)
            #expect(action == .patch(.merge, body: ["spec": ["restartAt": "2025-11-26T12:26:40Z"]]))
        }

        @Test("C31 annotations: last-reloaded-from with Reloader's JSON key order")
        func annotationsStrategy() {
            let action = Self.plan(
                F.workload(annotations: Self.auto, template: Self.template()), strategy: .annotations)
            let json =
                #"{"type":"CONFIGMAP","name":"app-config","namespace":"shop","hash":"\#(Self.hash)","containerRefs":["web"],"observedAt":1764160000}"#
            #expect(
                action
                    == .patch(
                        .strategicMerge,
                        body: [
                            "spec": [
                                "template": ["metadata": ["annotations": [Annotations.lastReloadedFrom: .string(json)]]]
                            ]
                        ]))
            let rollout = Self.plan(
                F.workload(.rollout, annotations: Self.auto, template: Self.template()), .rollout,
                strategy: .annotations)
            #expect(
                rollout
                    == .patch(
                        .merge,
                        body: [
                            "spec": [
                                "template": ["metadata": ["annotations": [Annotations.lastReloadedFrom: .string(json)]]]
                            ]
                        ]))
        }

        @Test("C31 annotations: a repeat of the same content writes nothing")
        func annotationsIdempotent() {
            let marker = LastReloadedFrom(
                config: Self.change.config, hash: Self.hash, containerRefs: ["web"], observedAt: 5)
            let template = F.template(
                containers: [F.container("web", envFrom: [F.configMapRef("app-config")])],
                annotations: [Annotations.lastReloadedFrom: marker.json])
            #expect(
                Self.plan(F.workload(annotations: Self.auto, template: template), strategy: .annotations)
                    == .none(.alreadyCurrent))
        }

        @Test("C49 delete with env-vars: a JSON patch removes the var at its index")
        func deleteEnvVar() {
            let template = Self.template(env: [
                ["name": "A", "value": "1"], ["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": "h"],
            ])
            let delete = ConfigChange(config: Self.change.config, oldHash: "h", newHash: nil, operation: .delete)
            let action = Self.plan(F.workload(annotations: Self.auto, template: template), change: delete)
            #expect(
                action == .patch(.json, body: [["op": "remove", "path": "/spec/template/spec/containers/0/env/1"]]))
        }

        @Test("delete with annotations: the annotation carries the delete-marker hash")
        func deleteAnnotation() {
            let delete = ConfigChange(config: Self.change.config, oldHash: "h", newHash: nil, operation: .delete)
            let action = Self.plan(
                F.workload(annotations: Self.auto, template: Self.template()), change: delete, strategy: .annotations)
            guard case .patch(.strategicMerge, let body) = action,
                let json = body[path: ["spec", "template", "metadata", "annotations", Annotations.lastReloadedFrom]]?
                    .stringValue
            else {
                Issue.record("expected an annotation patch, got \(action)")
                return
            }
            #expect(LastReloadedFrom(json: json)?.hash == ContentHash.deleteMarker)
        }

        @Test("C32 CronJob: a Job from the jobTemplate with the env var, owner reference and instantiate annotation")
        func cronJob() {
            var cronJob = F.workload(
                .cronJob, name: "nightly", annotations: Self.auto, template: Self.template(), uid: "cj-uid")
            cronJob.set(["spec", "jobTemplate", "metadata", "annotations"], to: ["team.example.com/owner": "ops"])
            cronJob.set(["spec", "jobTemplate", "spec", "backoffLimit"], to: 2)
            let action = Self.plan(cronJob, .cronJob)
            guard case .createJob(let job) = action else {
                Issue.record("expected a Job, got \(action)")
                return
            }
            #expect(job["apiVersion"] == "batch/v1")
            #expect(job["kind"] == "Job")
            #expect(job[path: ["metadata", "generateName"]] == "nightly-")
            #expect(job[path: ["metadata", "namespace"]] == "shop")
            #expect(
                job[path: ["metadata", "annotations"]] == [
                    "cronjob.kubernetes.io/instantiate": "manual", "team.example.com/owner": "ops",
                ])
            #expect(job[path: ["metadata", "labels"]] == ["team": "a"])
            #expect(
                job[path: ["metadata", "ownerReferences"]] == [
                    [
                        "apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly", "uid": "cj-uid",
                        "controller": true,
                        "blockOwnerDeletion": true,
                    ]
                ])
            #expect(job[path: ["spec", "backoffLimit"]] == 2)
            let env = job[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["env"]
            #expect(env == [["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": .string(Self.hash)]])
        }

        @Test("C33 suspended CronJob: no Job")
        func suspendedCronJob() {
            let cronJob = F.workload(
                .cronJob, annotations: Self.auto, template: Self.template(), extraSpec: ["suspend": true])
            #expect(Self.plan(cronJob, .cronJob) == .none(.cronJobSuspended))
        }

        @Test("C34 Job: deleted and re-created without server fields, selector and controller labels")
        func jobRecreate() {
            var template = Self.template()
            template.set(
                ["metadata", "labels"],
                to: [
                    "app": "web", "controller-uid": "u", "batch.kubernetes.io/controller-uid": "u",
                    "batch.kubernetes.io/job-name": "migrate", "job-name": "migrate",
                ])
            var job = F.workload(.job, name: "migrate", annotations: Self.auto, template: template, uid: "job-uid")
            job.set(["metadata", "resourceVersion"], to: "42")
            job.set(["metadata", "creationTimestamp"], to: "2025-01-01T00:00:00Z")
            job.set(["spec", "selector"], to: ["matchLabels": ["controller-uid": "u"]])
            job.set(["status"], to: ["succeeded": 1])
            let action = Self.plan(job, .job)
            guard case .recreateJob(let ref, let copy) = action else {
                Issue.record("expected a re-creation, got \(action)")
                return
            }
            #expect(ref == WorkloadRef(kind: .job, namespace: "shop", name: "migrate"))
            #expect(copy[path: ["metadata", "name"]] == "migrate")
            #expect(copy[path: ["metadata", "annotations"]] == .from(Self.auto))
            for path in [
                ["metadata", "uid"], ["metadata", "resourceVersion"], ["metadata", "creationTimestamp"], ["status"],
                ["spec", "selector"],
            ] {
                #expect(copy[path: path] == nil, "\(path) must be cleared")
            }
            #expect(copy[path: ["spec", "template", "metadata", "labels"]] == ["app": "web"])
            let env = copy[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["env"]
            #expect(env == [["name": "STAKATER_APP_CONFIG_CONFIGMAP", "value": .string(Self.hash)]])
        }

        @Test("a no decision plans nothing, with its reason")
        func noDecision() {
            #expect(Self.plan(F.workload(template: Self.template())) == .none(.notSelected))
        }

        @Test("patch types carry their content types")
        func contentTypes() {
            #expect(ReloadAction.PatchType.strategicMerge.contentType == "application/strategic-merge-patch+json")
            #expect(ReloadAction.PatchType.merge.contentType == "application/merge-patch+json")
            #expect(ReloadAction.PatchType.json.contentType == "application/json-patch+json")
        }

        @Test(
            "RFC 3339 times in UTC",
            arguments: [
                (Int64(0), "1970-01-01T00:00:00Z"), (1_764_160_000, "2025-11-26T12:26:40Z"),
                (951_782_400, "2000-02-29T00:00:00Z"),
                (1_709_251_199, "2024-02-29T23:59:59Z"), (-1, "1969-12-31T23:59:59Z"),
            ])
        func rfc3339(seconds: Int64, expected: String) {
            #expect(ReloadPatchPlanner.rfc3339(unixSeconds: seconds) == expected)
        }
    }
}
