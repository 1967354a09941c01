import Foundation
import KubeSim
import Testing

@testable import Reloader

/// KubeClient's verbs against an in-process kube-sim, configured from the kubeconfig kube-sim writes.
@Suite("KubeClient verbs against kube-sim")
struct KubeClientVerbsAgainstSimTests {
    typealias Harness = SimClientHarness

    static let deployment: JSONValue = try! JSONValue.parse(
        #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[
             {"name":"app","image":"nginx:1.27","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
             {"name":"sidecar","image":"busybox:1.36"}]}}}}
        """#)

    static func names(_ items: [JSONValue]) -> [String] {
        items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
    }

    static func container(_ object: JSONValue, _ name: String) -> JSONValue? {
        object[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    static func env(_ container: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for item in container?["env"]?.arrayValue ?? [] {
            if let name = item["name"]?.stringValue { result[name] = item["value"]?.stringValue ?? "" }
        }
        return result
    }

    @Test("create, get, list, update and delete a ConfigMap")
    func configMapLifecycle() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try harness.client()
        let path = Harness.configMaps.named("settings")
        let created = try client.create(
            Harness.configMaps, ["metadata": ["name": "settings", "labels": ["app": "web"]], "data": ["a": "1"]])
        let createdVersion = try #require(created[path: ["metadata", "resourceVersion"]]?.stringValue)
        #expect(created[path: ["metadata", "uid"]]?.stringValue?.isEmpty == false)

        let fetched = try client.get(path)
        #expect(fetched["data"] == ["a": "1"])
        #expect(fetched[path: ["metadata", "resourceVersion"]]?.stringValue == createdVersion)

        _ = try client.create(Harness.configMaps, ["metadata": ["name": "other"], "data": [:]])
        let page = try client.list(Harness.configMaps, options: .init(labelSelector: "app=web"))
        #expect(Self.names(page.items) == ["settings"])
        #expect(!page.resourceVersion.isEmpty && page.continueToken == nil)
        #expect(Self.names(try client.list(Harness.configMaps).items) == ["other", "settings"])

        var changed = fetched
        changed["data"] = ["a": "1", "b": "2"]
        let updated = try client.update(path, changed)
        #expect(updated["data"] == ["a": "1", "b": "2"])
        #expect(updated[path: ["metadata", "resourceVersion"]]?.stringValue != createdVersion)

        let deleted = try client.delete(path, propagationPolicy: .background)
        #expect(deleted[path: ["metadata", "name"]] == "settings")
        #expect {
            _ = try client.get(path)
        } throws: { ($0 as? KubeClientError)?.apiError?.isNotFound == true }
        #expect(Self.names(try client.list(Harness.configMaps).items) == ["other"])
    }

    @Test("an update carrying a stale resourceVersion is a typed conflict, and nothing is written")
    func staleUpdateConflicts() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try harness.client()
        let path = Harness.configMaps.named("settings")
        let original = try client.create(Harness.configMaps, ["metadata": ["name": "settings"], "data": ["a": "1"]])
        var first = original
        first["data"] = ["a": "2"]
        _ = try client.update(path, first)
        var stale = original  // still carries the first resourceVersion
        stale["data"] = ["a": "3"]
        #expect {
            _ = try client.update(path, stale)
        } throws: { error in
            guard case .conflict(let apiError, let request) = error as? KubeClientError else { return false }
            return apiError.code == 409 && apiError.reason == "Conflict"
                && request == "update /api/v1/namespaces/default/configmaps/settings"
        }
        #expect(try client.get(path)["data"] == ["a": "2"])
        // A second create of the same name is AlreadyExists, not a conflict.
        #expect {
            _ = try client.create(Harness.configMaps, ["metadata": ["name": "settings"]])
        } throws: { error in
            guard case .api(let apiError, _) = error as? KubeClientError else { return false }
            return apiError.isAlreadyExists
        }
    }

    @Test(
        "ConfigMap patches of every type",
        arguments: [
            (KubeClient.PatchType.merge, #"{"data":{"a":"x","b":null}}"#, ["a": "x", "c": "3"]),
            (.strategicMerge, #"{"data":{"b":"y"}}"#, ["a": "1", "b": "y", "c": "3"]),
            (
                .json, #"[{"op":"replace","path":"/data/a","value":"z"},{"op":"remove","path":"/data/c"}]"#,
                ["a": "z", "b": "2"]
            ),
        ])
    func configMapPatch(type: KubeClient.PatchType, patch: String, expected: [String: String]) throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try harness.client()
        _ = try client.create(
            Harness.configMaps, ["metadata": ["name": "settings"], "data": ["a": "1", "b": "2", "c": "3"]])
        let patched = try client.patch(Harness.configMaps.named("settings"), try JSONValue.parse(patch), type: type)
        #expect(patched["data"]?.stringMapValue == expected)
        #expect(try client.get(Harness.configMaps.named("settings"))["data"]?.stringMapValue == expected)
        let logged = try harness.requests().filter { $0.method == "PATCH" }
        #expect(logged.map(\.status) == [200])
    }

    @Test("a strategic merge patch merges a container's env by name; a merge patch replaces the list")
    func deploymentPatches() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try harness.client()
        let path = Harness.deployments.named("web")
        let created = try client.create(Harness.deployments, Self.deployment)
        #expect(created[path: ["metadata", "generation"]] == 1)

        let strategic = try client.patch(
            path,
            try JSONValue.parse(
                #"{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}}}}"#
            ),
            type: .strategicMerge)
        #expect(Self.env(Self.container(strategic, "app")) == ["A": "1", "B": "3", "C": "4"])
        #expect(Self.container(strategic, "app")?["image"] == "nginx:1.27")
        #expect(Self.container(strategic, "sidecar")?["image"] == "busybox:1.36")
        #expect(strategic[path: ["metadata", "generation"]] == 2)

        let json = try client.patch(
            path,
            try JSONValue.parse(
                #"[{"op":"test","path":"/spec/template/spec/containers/1/name","value":"sidecar"},{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"busybox:1.37"}]"#
            ),
            type: .json)
        #expect(Self.container(json, "sidecar")?["image"] == "busybox:1.37")
        #expect(Self.env(Self.container(json, "app")) == ["A": "1", "B": "3", "C": "4"])

        let merge = try client.patch(
            path,
            try JSONValue.parse(
                #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}"#),
            type: .merge)
        let containers = merge[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.count == 1)  // RFC 7386: a list is replaced whole
        #expect(Self.container(merge, "app")?["image"] == "nginx:1.28" && Self.container(merge, "app")?["env"] == nil)
        #expect(try client.get(path) == merge)

        let rollouts = try harness.sim("GET", "/sim/rollouts?namespace=default&kind=Deployment&name=web")
        #expect(rollouts["items"]?.arrayValue?.count == 3)
    }

    @Test("a Deployment's get, list, update and delete, and a stale update conflicts")
    func deploymentLifecycle() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try harness.client()
        let path = Harness.deployments.named("web")
        let created = try client.create(Harness.deployments, Self.deployment)
        #expect(Self.names(try client.listAll(Harness.deployments).items) == ["web"])
        var scaled = try client.get(path)
        var spec = try #require(scaled["spec"])
        spec["replicas"] = 3
        scaled["spec"] = spec
        let updated = try client.update(path, scaled)
        #expect(updated[path: ["spec", "replicas"]] == 3)
        #expect {
            _ = try client.update(path, created)
        } throws: { error in
            guard case .conflict = error as? KubeClientError else { return false }
            return true
        }
        _ = try client.delete(path, propagationPolicy: .foreground)
        #expect(try client.list(Harness.deployments).items.isEmpty)
    }

    @Test("dryRun=All create, update, patch and delete answer as if written and persist nothing")
    func dryRunPersistsNothing() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try harness.client()
        let path = Harness.deployments.named("web")

        let wouldCreate = try client.create(Harness.deployments, Self.deployment, dryRun: true)
        #expect(wouldCreate[path: ["metadata", "name"]] == "web")
        #expect {
            _ = try client.get(path)
        } throws: { ($0 as? KubeClientError)?.apiError?.isNotFound == true }

        let stored = try client.create(Harness.deployments, Self.deployment)
        let version = stored[path: ["metadata", "resourceVersion"]]
        let wouldPatch = try client.patch(
            path,
            try JSONValue.parse(
                #"{"spec":{"template":{"metadata":{"annotations":{"reloader/hash":"abc"}}}}}"#),
            type: .strategicMerge, dryRun: true)
        #expect(wouldPatch[path: ["spec", "template", "metadata", "annotations", "reloader/hash"]] == "abc")
        var wouldUpdate = stored
        wouldUpdate["metadata"]?["labels"] = ["app": "changed"]
        _ = try client.update(path, wouldUpdate, dryRun: true)
        let wouldDelete = try client.delete(path, propagationPolicy: .background, dryRun: true)
        #expect(wouldDelete[path: ["metadata", "name"]] == "web")

        let after = try client.get(path)
        #expect(after == stored)
        #expect(after[path: ["metadata", "resourceVersion"]] == version)
        #expect(try harness.sim("GET", "/sim/rollouts?name=web")["items"]?.arrayValue?.isEmpty == true)

        // The client sent dryRun (and the delete's propagationPolicy) as query parameters.
        let writes = try harness.requests().filter { $0.method != "GET" }
        #expect(writes.map { $0.parameters["dryRun"] ?? "-" } == ["All", "-", "All", "All", "All"])
        #expect(writes.last?.parameters["propagationPolicy"] == "Background")
    }
}
