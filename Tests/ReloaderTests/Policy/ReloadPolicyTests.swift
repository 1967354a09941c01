import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct ReloadPolicyTests {
        typealias F = PolicyFixtures

        struct Case: Sendable, CustomTestStringConvertible {
            var testDescription: String
            var metadata: [String: String] = [:]
            var templateAnnotations: [String: String] = [:]
            var kind: WorkloadKind = .deployment
            /// The template uses ConfigMap app-config (envFrom) and Secret db (volume) unless this is false.
            var usesConfigs = true
            var change: ConfigChange = F.update()
            var options: PolicyOptions = PolicyOptions()
            var expected: ReloadDecision.Verdict
        }

        static func options(_ edit: (inout PolicyOptions) -> Void) -> PolicyOptions {
            var options = PolicyOptions()
            edit(&options)
            return options
        }

        static let cmReload = "configmap.reloader.stakater.com/reload"
        static let secretReload = "secret.reloader.stakater.com/reload"
        static let auto = "reloader.stakater.com/auto"
        static let cmAuto = "configmap.reloader.stakater.com/auto"
        static let secretAuto = "secret.reloader.stakater.com/auto"
        static let search = "reloader.stakater.com/search"
        static let match = "reloader.stakater.com/match"
        static let ignore = "reloader.stakater.com/ignore"
        static let cmExclude = "configmaps.exclude.reloader.stakater.com/reload"
        static let secretExclude = "secrets.exclude.reloader.stakater.com/reload"
        static let secretChange = F.update(.secret, "db")

        static let cases: [Case] = [
            Case(
                testDescription: "C01 named ConfigMap list reloads", metadata: [cmReload: "app-config"],
                expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C02 named Secret list reloads", metadata: [secretReload: "db"], change: secretChange,
                expected: .yes(.named, container: 0)),
            Case(
                testDescription: "named reloads even when the workload does not use the config",
                metadata: [cmReload: "app-config"], usesConfigs: false, expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C03 auto reloads a used ConfigMap", metadata: [auto: "true"],
                expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C07 auto reloads a volume-mounted Secret", metadata: [auto: "true"],
                change: secretChange, expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "auto yes for a workload that does not use the config is a no",
                metadata: [auto: "true"], usesConfigs: false, expected: .no(.notUsed)),
            Case(
                testDescription: "C04 labels-only change: no data change", metadata: [auto: "true"],
                change: ConfigChange(
                    config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), oldHash: "h",
                    newHash: "h", operation: .update),
                expected: .no(.noDataChange)),
            Case(testDescription: "C05 no annotation: no reload", expected: .no(.notSelected)),
            Case(testDescription: "C06 auto false: no reload", metadata: [auto: "false"], expected: .no(.notSelected)),
            Case(
                testDescription: "auto accepts Go bool forms", metadata: [auto: "T"],
                expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "an invalid auto value acts as false", metadata: [auto: "yes"],
                expected: .no(.notSelected)),
            Case(
                testDescription: "C08 one of several names in a list reloads", metadata: [cmReload: "a, app-config ,b"],
                expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C10 reload list only on the pod template reloads",
                templateAnnotations: [cmReload: "app-config"], expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C10 auto only on the pod template reloads", templateAnnotations: [auto: "true"],
                expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C10 metadata wins over the pod template", metadata: [auto: "false"],
                templateAnnotations: [auto: "true"], expected: .no(.notSelected)),
            Case(
                testDescription: "C10 metadata search key alone hides the template's auto", metadata: [search: "true"],
                templateAnnotations: [auto: "true"], expected: .no(.notSelected)),
            Case(
                testDescription: "keys of another config type on metadata do not hide the template (as in Reloader)",
                metadata: [secretReload: "db"], templateAnnotations: [cmReload: "app-config"],
                expected: .yes(.named, container: 0)),
            Case(
                testDescription: "unrelated metadata annotations do not hide the template", metadata: ["team": "a"],
                templateAnnotations: [auto: "true"], expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C11 ConfigMap list does not reload on a Secret change", metadata: [cmReload: "db"],
                change: secretChange, expected: .no(.notSelected)),
            Case(
                testDescription: "C18 configmap auto reloads on a ConfigMap", metadata: [cmAuto: "true"],
                expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C18 configmap auto does not reload on a Secret", metadata: [cmAuto: "true"],
                change: secretChange, expected: .no(.notSelected)),
            Case(
                testDescription: "C19 secret auto reloads on a Secret", metadata: [secretAuto: "true"],
                change: secretChange, expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C19 secret auto does not reload on a ConfigMap", metadata: [secretAuto: "true"],
                expected: .no(.notSelected)),
            Case(
                testDescription: "C20 auto plus named list: the listed unused config reloads",
                metadata: [auto: "true", cmReload: "other"],
                change: F.update(.configMap, "other"), expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C21 ConfigMap exclude beats auto", metadata: [auto: "true", cmExclude: "app-config"],
                expected: .no(.excluded)),
            Case(
                testDescription: "C21 ConfigMap exclude leaves other ConfigMaps",
                metadata: [auto: "true", cmExclude: "other"], expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C22 Secret exclude beats auto", metadata: [auto: "true", secretExclude: " x , db"],
                change: secretChange, expected: .no(.excluded)),
            Case(
                testDescription: "exclude beats a named list",
                metadata: [cmReload: "app-config", cmExclude: "app-config"], expected: .no(.excluded)),
            Case(
                testDescription: "exclude on the pod template is not read",
                templateAnnotations: [auto: "true", cmExclude: "app-config"], expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "exclude entries are exact names, not regexes",
                metadata: [auto: "true", cmExclude: "app-.*"], expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C23 search plus match reloads", metadata: [search: "true"],
                change: F.update(annotations: [match: "true"]), expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C23 search plus match needs usage", metadata: [search: "true"], usesConfigs: false,
                change: F.update(annotations: [match: "true"]), expected: .no(.notUsed)),
            Case(
                testDescription: "C24 search without match: no reload", metadata: [search: "true"],
                expected: .no(.notSelected)),
            Case(
                testDescription: "C25 match without search: no reload", change: F.update(annotations: [match: "true"]),
                expected: .no(.notSelected)),
            Case(
                testDescription: "search needs exactly true", metadata: [search: "True"],
                change: F.update(annotations: [match: "true"]), expected: .no(.notSelected)),
            Case(
                testDescription: "C26 ignore on the ConfigMap: no reload", metadata: [cmReload: "app-config"],
                change: F.update(annotations: [ignore: "true"]), expected: .no(.configIgnored)),
            Case(
                testDescription: "C27 ignore on the Secret: no reload", metadata: [auto: "true"],
                change: F.update(.secret, "db", annotations: [ignore: "true"]), expected: .no(.configIgnored)),
            Case(
                testDescription: "ignore needs exactly true", metadata: [auto: "true"],
                change: F.update(annotations: [ignore: "1"]), expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "ignore on the workload is not read", metadata: [auto: "true", ignore: "true"],
                expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C28 regex entry matches", metadata: [cmReload: "app-.*"],
                expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C29 regex entry does not match another name", metadata: [cmReload: "app-.*"],
                usesConfigs: false, change: F.update(.configMap, "other-config"), expected: .no(.notSelected)),
            Case(
                testDescription: "C30 invalid regex is skipped, valid entries still work",
                metadata: [cmReload: "app-[, app-config"], expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C41 auto-reload-all reloads an unannotated workload",
                options: options { $0.autoReloadAll = true }, expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C41 auto-reload-all respects auto false", metadata: [auto: "false"],
                options: options { $0.autoReloadAll = true }, expected: .no(.notSelected)),
            Case(
                testDescription: "auto-reload-all respects this type's typed auto false", metadata: [cmAuto: "false"],
                options: options { $0.autoReloadAll = true }, expected: .no(.notSelected)),
            Case(
                testDescription: "auto-reload-all is blocked by an invalid auto value", metadata: [auto: "nope"],
                options: options { $0.autoReloadAll = true }, expected: .no(.notSelected)),
            Case(
                testDescription: "auto-reload-all still needs usage", usesConfigs: false,
                options: options { $0.autoReloadAll = true }, expected: .no(.notUsed)),
            Case(
                testDescription: "C42 resources-to-ignore secrets: no reload for Secrets", metadata: [auto: "true"],
                change: secretChange,
                options: options { $0.resourcesToIgnore = [.secret] }, expected: .no(.resourceTypeIgnored)),
            Case(
                testDescription: "C42 resources-to-ignore secrets: ConfigMaps still reload", metadata: [auto: "true"],
                options: options { $0.resourcesToIgnore = [.secret] }, expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C44 ignored-workload-types cronjobs: no reload of a CronJob",
                metadata: [auto: "true"], kind: .cronJob,
                options: options { $0.ignoredWorkloadTypes = [.cronJob] }, expected: .no(.workloadTypeIgnored)),
            Case(
                testDescription: "C44 ignored-workload-types cronjobs: Deployments still reload",
                metadata: [auto: "true"],
                options: options { $0.ignoredWorkloadTypes = [.cronJob] }, expected: .yes(.auto, container: 0)),
            Case(
                testDescription: "C48 create without reload-on-create: no reload", metadata: [cmReload: "app-config"],
                change: ConfigChange(
                    config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), oldHash: nil,
                    newHash: "h", operation: .create),
                expected: .no(.operationNotEnabled)),
            Case(
                testDescription: "C48 create with reload-on-create reloads (old hash absent)",
                metadata: [cmReload: "app-config"],
                change: ConfigChange(
                    config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), oldHash: nil,
                    newHash: "h", operation: .create),
                options: options { $0.reloadOnCreate = true }, expected: .yes(.named, container: 0)),
            Case(
                testDescription: "C49 delete without reload-on-delete: no reload", metadata: [cmReload: "app-config"],
                change: ConfigChange(
                    config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), oldHash: "h",
                    newHash: nil, operation: .delete),
                expected: .no(.operationNotEnabled)),
            Case(
                testDescription: "a config in another namespace never reloads", metadata: [cmReload: "app-config"],
                change: ConfigChange(
                    config: ConfigRef(kind: .configMap, namespace: "other", name: "app-config"), oldHash: "a",
                    newHash: "b", operation: .update),
                expected: .no(.otherNamespace)),
            Case(
                testDescription: "C33 suspended CronJob: no Job", metadata: [auto: "true"], kind: .cronJob,
                expected: .no(.cronJobSuspended)),
        ]

        static func snapshot(_ testCase: Case) -> WorkloadSnapshot {
            let template =
                testCase.usesConfigs
                ? F.template(
                    containers: [F.container("web", envFrom: [F.configMapRef("app-config")], mounts: ["s"])],
                    volumes: [F.secretVolume("s", "db")], annotations: testCase.templateAnnotations)
                : F.template(containers: [F.container("web")], annotations: testCase.templateAnnotations)
            let object = F.workload(
                testCase.kind, annotations: testCase.metadata, template: template,
                extraSpec: testCase.kind == .cronJob ? ["suspend": true] : [:])
            return F.snapshot(object, testCase.kind)
        }

        @Test("the decision follows contract §2.1 step by step", arguments: cases)
        func decision(testCase: Case) {
            let decision = ReloadPolicy.decide(
                change: testCase.change, workload: Self.snapshot(testCase), options: testCase.options)
            #expect(decision.verdict == testCase.expected)
        }

        @Test("C30 the invalid regex entry is reported back for logging")
        func invalidEntryReported() {
            var testCase = Case(testDescription: "", metadata: [Self.cmReload: "(bad"], expected: .no(.notSelected))
            testCase.usesConfigs = true
            let decision = ReloadPolicy.decide(
                change: F.update(), workload: Self.snapshot(testCase), options: PolicyOptions())
            #expect(decision.verdict == .no(.notSelected))
            #expect(decision.invalidReloadEntries.map(\.entry) == ["(bad"])
        }

        @Test("C52 renamed annotation keys work and the default key no longer does")
        func renamedKeys() {
            var options = PolicyOptions()
            options.annotationKeys.auto = "example.com/auto"
            let renamed = Self.snapshot(
                Case(testDescription: "", metadata: ["example.com/auto": "true"], expected: .no(.notSelected)))
            let defaultKey = Self.snapshot(
                Case(testDescription: "", metadata: [Self.auto: "true"], expected: .no(.notSelected)))
            #expect(
                ReloadPolicy.decide(change: F.update(), workload: renamed, options: options).verdict
                    == .yes(.auto, container: 0))
            #expect(
                ReloadPolicy.decide(change: F.update(), workload: defaultKey, options: options).verdict
                    == .no(.notSelected))
        }

        @Test(
            "skip reasons map to reloader_skipped_total reasons",
            arguments: [
                (ReloadDecision.SkipReason.noDataChange, "no_data_change"), (.alreadyCurrent, "strategy_not_updated"),
                (.notSelected, "ignored_or_not_selected"), (.configIgnored, "ignored_or_not_selected"),
                (.cronJobSuspended, "ignored_or_not_selected"),
            ])
        func metricLabels(reason: ReloadDecision.SkipReason, label: String) {
            #expect(reason.metricLabel == label)
        }
    }
}
