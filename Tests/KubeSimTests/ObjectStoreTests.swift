import Foundation
import KubeSim
import Reloader
import Synchronization
import Testing

private let registry = ResourceRegistry.standard
private let configMaps = registry.lookup(group: "", version: "v1", resource: "configmaps")!
private let secrets = registry.lookup(group: "", version: "v1", resource: "secrets")!
private let deployments = registry.lookup(group: "apps", version: "v1", resource: "deployments")!
private let jobs = registry.lookup(group: "batch", version: "v1", resource: "jobs")!
private let namespaces = registry.lookup(group: "", version: "v1", resource: "namespaces")!

private func configMap(_ name: String, labels: [String: String] = [:], data: [String: String] = ["k": "v"]) -> JSONValue
{
    ["metadata": ["name": .string(name), "labels": .from(labels)], "data": .from(data)]
}

private func deployment(_ name: String, env: String = "1", annotations: [String: String] = [:]) -> JSONValue {
    [
        "metadata": ["name": .string(name)],
        "spec": [
            "replicas": 1,
            "template": [
                "metadata": ["annotations": .from(annotations)],
                "spec": [
                    "containers": [["name": "app", "image": "nginx", "env": [["name": "V", "value": .string(env)]]]]
                ],
            ],
        ],
    ]
}

@Test("create sets uid, creationTimestamp, resourceVersion and generation; a second create is AlreadyExists")
func createSetsMetadata() throws {
    let store = ObjectStore()
    let created = try store.create(deployments, namespace: "default", body: deployment("web")).object
    #expect(created["apiVersion"] == "apps/v1")
    #expect(created["kind"] == "Deployment")
    #expect(created[path: ["metadata", "uid"]]?.stringValue?.count == 36)
    #expect(created[path: ["metadata", "creationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)
    #expect(created[path: ["metadata", "generation"]] == 1)
    #expect(created[path: ["metadata", "resourceVersion"]]?.stringValue == String(store.revision))
    #expect(created[path: ["metadata", "namespace"]] == "default")
    #expect(throws: APIError.alreadyExists(deployments, "web")) {
        try store.create(deployments, namespace: "default", body: deployment("web"))
    }
    let plain = try store.create(configMaps, namespace: "default", body: configMap("c")).object
    #expect(plain[path: ["metadata", "generation"]] == nil)
}

@Test("creating in a missing namespace is NotFound for the namespace")
func missingNamespace() {
    let store = ObjectStore()
    #expect(throws: APIError.namespaceNotFound("nope")) {
        try store.create(configMaps, namespace: "nope", body: configMap("c"))
    }
}

@Test("generateName makes a name with a 5-character suffix")
func generateName() throws {
    let store = ObjectStore()
    let created = try store.create(
        configMaps, namespace: "default", body: ["metadata": ["generateName": "job-"]]
    ).object
    let name = try #require(created[path: ["metadata", "name"]]?.stringValue)
    #expect(name.hasPrefix("job-") && name.count == 9)
}

@Test("resourceVersion always bumps; generation only when spec changes; a stale resourceVersion is a Conflict")
func updateRules() throws {
    let store = ObjectStore()
    let created = try store.create(deployments, namespace: "default", body: deployment("web")).object
    var relabeled = created
    relabeled[at: ["metadata", "labels"]] = ["a": "b"]
    let afterLabel = try store.update(deployments, namespace: "default", name: "web") { _ in relabeled }.object
    #expect(afterLabel[path: ["metadata", "generation"]] == 1)
    #expect(afterLabel[path: ["metadata", "resourceVersion"]] != created[path: ["metadata", "resourceVersion"]])
    var scaled = afterLabel
    scaled[at: ["spec", "replicas"]] = 3
    let afterScale = try store.update(deployments, namespace: "default", name: "web") { _ in scaled }.object
    #expect(afterScale[path: ["metadata", "generation"]] == 2)
    #expect(afterScale[path: ["metadata", "uid"]] == created[path: ["metadata", "uid"]])
    #expect(throws: APIError.conflict(deployments, "web")) {
        try store.update(deployments, namespace: "default", name: "web") { _ in relabeled }  // stale version
    }
    #expect(throws: APIError.notFound(deployments, "other")) {
        try store.update(deployments, namespace: "default", name: "other") { _ in relabeled }
    }
}

@Test("Secret stringData is folded into data as base64 and dropped, on create and update")
func secretStringData() throws {
    let store = ObjectStore()
    let created = try store.create(
        secrets, namespace: "default",
        body: ["metadata": ["name": "s"], "data": ["a": "eA=="], "stringData": ["b": "hello"]]
    ).object
    #expect(created["stringData"] == nil)
    #expect(created["data"] == ["a": "eA==", "b": "aGVsbG8="])
    let updated = try store.update(secrets, namespace: "default", name: "s") { old in
        var object = old
        object["stringData"] = ["a": "new"]
        return object
    }.object
    #expect(updated["data"] == ["a": "bmV3", "b": "aGVsbG8="])
}

@Test("dryRun runs the write without persisting it")
func dryRun() throws {
    let store = ObjectStore()
    let before = store.revision
    _ = try store.create(configMaps, namespace: "default", body: configMap("c"), dryRun: true)
    #expect(store.revision == before)
    #expect(throws: APIError.notFound(configMaps, "c")) { try store.get(configMaps, namespace: "default", name: "c") }
    _ = try store.create(configMaps, namespace: "default", body: configMap("c"))
    _ = try store.delete(configMaps, namespace: "default", name: "c", dryRun: true)
    #expect((try? store.get(configMaps, namespace: "default", name: "c")) != nil)
}

@Test("deleting a Namespace deletes its objects")
func namespaceDeletion() throws {
    let store = ObjectStore()
    _ = try store.create(namespaces, namespace: nil, body: ["metadata": ["name": "shop"]])
    _ = try store.create(configMaps, namespace: "shop", body: configMap("c"))
    _ = try store.create(configMaps, namespace: "default", body: configMap("c"))
    _ = try store.delete(namespaces, namespace: nil, name: "shop")
    #expect(try store.list(configMaps, namespace: nil)["items"]?.arrayValue?.count == 1)
}

@Test("admission denials become Status errors and nothing is stored")
func admissionDenial() {
    struct Deny: AdmissionController {
        func admit(_ attributes: AdmissionAttributes) -> AdmissionDecision {
            attributes.resource == "configmaps"
                ? .denied(code: 400, message: "no", warnings: []) : .allowed(warnings: [])
        }
    }
    let store = ObjectStore(admission: Deny())
    #expect(throws: APIError(code: 400, reason: "BadRequest", message: "no", name: "c", group: "", kind: "configmaps"))
    {
        try store.create(configMaps, namespace: "default", body: configMap("c"))
    }
    #expect((try? store.get(configMaps, namespace: "default", name: "c")) == nil)
}

@Test("every Namespace carries kubernetes.io/metadata.name, set again on update, as kube-apiserver does")
func namespaceNameLabel() throws {
    let store = ObjectStore()
    #expect(
        try store.get(namespaces, namespace: nil, name: "default")[path: ["metadata", "labels"]]
            == ["kubernetes.io/metadata.name": "default"])
    let created = try store.create(
        namespaces, namespace: nil, body: ["metadata": ["name": "shop", "labels": ["team": "a"]]]
    ).object
    #expect(created[path: ["metadata", "labels"]] == ["team": "a", "kubernetes.io/metadata.name": "shop"])
    let updated = try store.update(namespaces, namespace: nil, name: "shop") { (_) throws(APIError) -> JSONValue in
        ["metadata": ["name": "shop", "labels": ["kubernetes.io/metadata.name": "other"]]]
    }.object
    #expect(updated[path: ["metadata", "labels"]] == ["kubernetes.io/metadata.name": "shop"])
}

@Test("admission sees the namespace's labels, and may read the store while it decides")
func admissionReadsStore() throws {
    final class Recorder: AdmissionController, @unchecked Sendable {  // `store` is set once before any write
        var store: ObjectStore?
        let seen = Mutex<[(labels: [String: String]?, configMaps: Int)]>([])
        func admit(_ attributes: AdmissionAttributes) -> AdmissionDecision {
            let count = store?.objects(of: configMaps).count ?? -1
            seen.withLock { $0.append((attributes.namespaceLabels, count)) }
            return .allowed(warnings: [])
        }
    }
    let recorder = Recorder()
    let store = ObjectStore(admission: recorder)
    recorder.store = store
    _ = try store.create(configMaps, namespace: "default", body: configMap("c"))
    let seen = recorder.seen.withLock { $0 }
    #expect(seen.count == 1)
    #expect(seen.first?.labels == ["kubernetes.io/metadata.name": "default"])
    #expect(seen.first?.configMaps == 0)
}
