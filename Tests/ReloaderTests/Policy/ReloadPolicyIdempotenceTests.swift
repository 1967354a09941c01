import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct ReloadPolicyIdempotenceTests {
        typealias F = PolicyFixtures
        static let envName = "STAKATER_APP_CONFIG_CONFIGMAP"

        static func workload(env: [JSONValue] = [], templateAnnotations: [String: String] = [:]) -> WorkloadSnapshot {
            let template = F.template(
                containers: [F.container("web", env: env, envFrom: [F.configMapRef("app-config")])],
                annotations: templateAnnotations)
            return F.snapshot(F.workload(annotations: ["reloader.stakater.com/auto": "true"], template: template))
        }

        static func annotationsStrategy() -> PolicyOptions {
            var options = PolicyOptions()
            options.reloadStrategy = .annotations
            return options
        }

        @Test("C56 a workload already carrying Reloader's env var with the new hash is not reloaded")
        func envVarAlreadyCurrent() {
            let workload = Self.workload(env: [["name": .string(Self.envName), "value": "new"]])
            #expect(
                ReloadPolicy.decide(change: F.update(), workload: workload, options: PolicyOptions()).verdict
                    == .no(.alreadyCurrent))
        }

        @Test("C09 an env var with an older hash is reloaded")
        func envVarStale() {
            let workload = Self.workload(env: [["name": .string(Self.envName), "value": "old"]])
            #expect(
                ReloadPolicy.decide(change: F.update(), workload: workload, options: PolicyOptions()).verdict
                    == .yes(.auto, container: 0))
        }

        @Test("C31 a last-reloaded-from naming this config with this hash is not written again")
        func annotationAlreadyCurrent() {
            let marker = LastReloadedFrom(
                config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), hash: "new",
                containerRefs: ["web"], observedAt: 1)
            let workload = Self.workload(templateAnnotations: [Annotations.lastReloadedFrom: marker.json])
            #expect(
                ReloadPolicy.decide(change: F.update(), workload: workload, options: Self.annotationsStrategy()).verdict
                    == .no(.alreadyCurrent))
        }

        @Test(
            "last-reloaded-from for another config, hash or kind does not count",
            arguments: [
                ("CONFIGMAP", "other", "new"), ("CONFIGMAP", "app-config", "old"), ("SECRET", "app-config", "new"),
            ])
        func annotationOtherConfig(type: String, name: String, hash: String) {
            let json =
                #"{"type":"\#(type)","name":"\#(name)","namespace":"shop","hash":"\#(hash)","containerRefs":["web"],"observedAt":1}"#
            let workload = Self.workload(templateAnnotations: [Annotations.lastReloadedFrom: json])
            #expect(
                ReloadPolicy.decide(change: F.update(), workload: workload, options: Self.annotationsStrategy())
                    .isReload)
        }

        @Test("C49 delete with env-vars: reload only while the var is still there")
        func deleteEnvVar() {
            var options = PolicyOptions()
            options.reloadOnDelete = true
            let delete = ConfigChange(
                config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), oldHash: "h", newHash: nil,
                operation: .delete)
            let carrying = Self.workload(env: [["name": .string(Self.envName), "value": "h"]])
            #expect(
                ReloadPolicy.decide(change: delete, workload: carrying, options: options).verdict
                    == .yes(.auto, container: 0))
            #expect(
                ReloadPolicy.decide(change: delete, workload: Self.workload(), options: options).verdict
                    == .no(.alreadyCurrent))
        }

        @Test("delete with annotations writes the delete marker once")
        func deleteAnnotation() {
            var options = Self.annotationsStrategy()
            options.reloadOnDelete = true
            let config = ConfigRef(kind: .configMap, namespace: "shop", name: "app-config")
            let delete = ConfigChange(config: config, oldHash: "h", newHash: nil, operation: .delete)
            #expect(delete.hashToWrite == ContentHash.deleteMarker)
            let marker = LastReloadedFrom(
                config: config, hash: ContentHash.deleteMarker, containerRefs: ["web"], observedAt: 1)
            let marked = Self.workload(templateAnnotations: [Annotations.lastReloadedFrom: marker.json])
            #expect(ReloadPolicy.decide(change: delete, workload: Self.workload(), options: options).isReload)
            #expect(
                ReloadPolicy.decide(change: delete, workload: marked, options: options).verdict == .no(.alreadyCurrent))
        }
    }
}
