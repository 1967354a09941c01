import Foundation
import KubeSim
import Reloader
import Testing

private let registry = ResourceRegistry.standard
private let deployments = registry.lookup(group: "apps", version: "v1", resource: "deployments")!
private let jobs = registry.lookup(group: "batch", version: "v1", resource: "jobs")!

private func deployment(env: String, annotations: [String: String] = [:], replicas: Int = 1) -> JSONValue {
    [
        "metadata": ["name": "web"],
        "spec": [
            "replicas": .number(String(replicas)),
            "template": [
                "metadata": ["annotations": .from(annotations)],
                "spec": [
                    "containers": [["name": "app", "image": "nginx", "env": [["name": "V", "value": .string(env)]]]]
                ],
            ],
        ],
    ]
}

@Test("only pod-template changes are rollouts, each recording what changed")
func rollouts() throws {
    let store = ObjectStore()
    _ = try store.create(deployments, namespace: "default", body: deployment(env: "1"))
    #expect(store.rollouts().isEmpty)  // a create is not a rollout
    _ = try store.update(deployments, namespace: "default", name: "web") { _ in deployment(env: "1", replicas: 3) }
    #expect(store.rollouts().isEmpty)  // spec changed, template did not
    _ = try store.update(deployments, namespace: "default", name: "web") { _ in
        deployment(env: "2", annotations: ["reloader.stakater.com/last-reloaded-from": "x"], replicas: 3)
    }
    let records = store.rollouts(namespace: "default", kind: "Deployment", name: "web")
    #expect(records.count == 1)
    let record = try #require(records.first)
    #expect(record.annotations.map(\.name) == ["reloader.stakater.com/last-reloaded-from"])
    #expect(record.env.first?.container == "app")
    #expect(record.env.first?.oldValue == "1" && record.env.first?.newValue == "2")
    #expect(record.resourceVersion == String(store.revision))
    _ = try store.update(deployments, namespace: "default", name: "web") { old in old }  // no-op write
    #expect(store.rollouts().count == 1)
    store.clearRollouts()
    #expect(store.rollouts().isEmpty)
}

@Test("creating a Job counts as its rollout")
func jobCreation() throws {
    let store = ObjectStore()
    _ = try store.create(
        jobs, namespace: "default",
        body: ["metadata": ["name": "once"], "spec": ["template": ["spec": ["containers": [["name": "j"]]]]]])
    #expect(store.rollouts(kind: "Job").count == 1)
}

@Test("a dry-run write records no rollout")
func dryRunNoRollout() throws {
    let store = ObjectStore()
    _ = try store.create(deployments, namespace: "default", body: deployment(env: "1"))
    _ = try store.update(deployments, namespace: "default", name: "web", dryRun: true) { _ in deployment(env: "2") }
    #expect(store.rollouts().isEmpty)
}
