import Foundation
import KubeSim
import Reloader
import TestSupport
import Testing

/// kubectl (a real client) against an in-process kube-sim, one workflow per test.
@Suite("kubectl against kube-sim", .serialized)
struct KubectlTests {
    @Test("create namespace, apply the demo manifests, get -o json, label, patch, conflict, delete, raw rollouts")
    func demoWorkflow() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        try harness.kubectl(["create", "namespace", "demo"])
        #expect(try harness.json(["get", "namespace", "demo", "-o", "json"])[path: ["status", "phase"]] == "Active")

        // The Namespace exists already, so apply patches it (strategic merge); everything else is created.
        let demo = KubectlHarness.sharedDirectory + "/fixtures/manifests/demo.yaml"
        let apply = try harness.kubectl(["apply", "-f", demo])
        #expect(apply.stdout.contains("deployment.apps/web created"), "\(apply.stdout) \(apply.stderr)")
        #expect(apply.stdout.contains("namespace/demo configured") || apply.stdout.contains("namespace/demo unchanged"))
        // A second apply of the same file changes nothing and rolls nothing out.
        let again = try harness.kubectl(["apply", "-f", demo])
        #expect(again.stdout.contains("deployment.apps/web unchanged"), "\(again.stdout)")
        let deployments = try harness.json(["get", "deployments", "-n", "demo", "-o", "json"])
        #expect(deployments["kind"] == "List")
        let names = deployments["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
        #expect(names == ["untouched", "web"])
        let web = try #require(deployments["items"]?.arrayValue?.last)
        #expect(web["apiVersion"] == "apps/v1" && web["kind"] == "Deployment")
        #expect(web[path: ["metadata", "generation"]] == 1)
        #expect(web[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] != nil)
        let secret = try harness.json(["get", "secret", "app-secret", "-n", "demo", "-o", "json"])
        #expect(secret["stringData"] == nil && secret[path: ["data", "username"]] == "ZGVtbw==")

        try harness.kubectl(["label", "configmap", "app-config", "-n", "demo", "reloaded=yes"])
        #expect(
            try harness.json(["get", "cm", "app-config", "-n", "demo", "-o", "json"])[
                path: ["metadata", "labels", "reloaded"]] == "yes")

        try harness.kubectl([
            "patch", "deployment", "web", "-n", "demo", "--type", "merge", "-p",
            #"{"spec":{"template":{"metadata":{"annotations":{"reloader.stakater.com/last-reloaded-from":"x"}}}}}"#,
        ])
        let patched = try harness.json(["get", "deployment", "web", "-n", "demo", "-o", "json"])
        #expect(patched[path: ["metadata", "generation"]] == 2)
        let rollouts = try harness.rollouts("?namespace=demo&kind=Deployment&name=web")
        #expect(rollouts.count == 1)
        #expect(
            rollouts.first?[path: ["changed", "annotations"]]?.arrayValue?.first?["name"]
                == "reloader.stakater.com/last-reloaded-from")
        #expect(try harness.rollouts("?name=untouched").isEmpty)

        try harness.kubectl(
            [
                "patch", "deployment", "web", "-n", "demo", "--type", "json", "-p",
                #"[{"op":"add","path":"/metadata/labels/patched","value":"json"}]"#,
            ])
        #expect(
            try harness.json(["get", "deployment", "web", "-n", "demo", "-o", "json"])[
                path: ["metadata", "labels", "patched"]] == "json")
        let failedTest = try harness.kubectl(
            [
                "patch", "deployment", "web", "-n", "demo", "--type", "json", "-p",
                #"[{"op":"test","path":"/metadata/name","value":"other"}]"#,
            ], check: false)
        #expect(failedTest.status != 0 && failedTest.stderr.contains("is invalid"), "\(failedTest.stderr)")

        // Strategic merge (kubectl's default type): one container's env var added by name, the rest kept.
        try harness.kubectl([
            "patch", "deployment", "web", "-n", "demo", "-p",
            #"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"STAKATER_APP_CONFIG_CONFIGMAP","value":"abc"}]}]}}}}"#,
        ])
        let merged = try harness.json(["get", "deployment", "web", "-n", "demo", "-o", "json"])
        let containers: [JSONValue] = merged[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        let container: JSONValue? = containers.first { $0["name"] == "nginx" }
        #expect(container?["image"] != nil, "the strategic merge kept the container's other fields")
        let env: [JSONValue] = container?["env"]?.arrayValue ?? []
        let added = env.contains { (variable: JSONValue) -> Bool in
            variable["name"] == "STAKATER_APP_CONFIG_CONFIGMAP" && variable["value"] == "abc"
        }
        #expect(added)
        #expect(try harness.rollouts("?namespace=demo&kind=Deployment&name=web").count == 2)

        // An edit-style replace with a stale resourceVersion.
        var stale = try harness.json(["get", "cm", "app-config", "-n", "demo", "-o", "json"])
        try harness.kubectl(["label", "configmap", "app-config", "-n", "demo", "moved=on"])
        stale[at: ["data", "LOG_LEVEL"]] = "debug"
        let replace = try harness.kubectl(["replace", "-f", "-"], stdin: stale.serializedString, check: false)
        #expect(replace.status != 0)
        #expect(replace.stderr.contains("the object has been modified"), "\(replace.stderr)")

        try harness.kubectl(["delete", "deployment", "untouched", "-n", "demo"])
        let gone = try harness.kubectl(["get", "deployment", "untouched", "-n", "demo"], check: false)
        #expect(gone.status != 0 && gone.stderr.contains("NotFound"), "\(gone.stderr)")
    }

    @Test("get --chunk-size=2 pages through 5 ConfigMaps with limit and continue")
    func chunkedList() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        try harness.kubectl(["create", "namespace", "pages"])
        for index in 1...5 {
            try harness.kubectl(["create", "configmap", "cm-\(index)", "-n", "pages", "--from-literal=k=\(index)"])
        }
        try harness.kubectl(["delete", "--raw", "/sim/requests"])
        let names = try harness.kubectl(["get", "configmaps", "-n", "pages", "--chunk-size=2", "-o", "name"]).stdout
        #expect(names.split(separator: "\n").map(String.init) == (1...5).map { "configmap/cm-\($0)" })
        let log = try harness.json(["get", "--raw", "/sim/requests"])["items"]?.arrayValue ?? []
        let lists = log.filter { $0["path"] == "/api/v1/namespaces/pages/configmaps" && $0["method"] == "GET" }
        let queries = lists.compactMap { $0["query"]?.stringValue }
        #expect(lists.count == 3, "\(queries)")
        #expect(queries.allSatisfy { $0.contains("limit=2") }, "\(queries)")
        #expect(queries.dropFirst().allSatisfy { $0.contains("continue=") }, "\(queries)")
        #expect(lists.allSatisfy { $0["userAgent"]?.stringValue?.hasPrefix("kubectl/") == true })
    }

    @Test("--dry-run=server persists nothing and create without a namespace answers NotFound")
    func dryRunAndMissingNamespace() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        try harness.kubectl(["create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server"])
        let missing = try harness.kubectl(["get", "configmap", "dry"], check: false)
        #expect(missing.status != 0 && missing.stderr.contains("not found"), "\(missing.stderr)")
        let nowhere = try harness.kubectl(["create", "configmap", "x", "-n", "nowhere"], check: false)
        #expect(nowhere.stderr.contains("namespaces \"nowhere\" not found"), "\(nowhere.stderr)")
    }

    @Test("the secrets-store CSI resources: discovered, applied, listed and their status merge-patched")
    func secretsStoreResources() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let resources = try harness.kubectl(["api-resources", "--api-group=secrets-store.csi.x-k8s.io", "-o", "name"])
        #expect(
            Set(resources.stdout.split(separator: "\n").map(String.init)) == [
                "secretproviderclasses.secrets-store.csi.x-k8s.io",
                "secretproviderclasspodstatuses.secrets-store.csi.x-k8s.io",
            ], "\(resources.stdout)")
        try harness.kubectl(["create", "namespace", "csi"])
        let manifests = """
            {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
             "metadata": {"name": "my-spc", "namespace": "csi"}, "spec": {"provider": "vault"}}
            {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClassPodStatus",
             "metadata": {"name": "web-pod-csi-my-spc", "namespace": "csi"},
             "status": {"podName": "web-pod", "secretProviderClassName": "my-spc", "mounted": true,
                        "objects": [{"id": "secret/db", "version": "1"}]}}
            """
        let apply = try harness.kubectl(["apply", "-f", "-"], stdin: manifests)
        #expect(
            apply.stdout.contains("secretproviderclasspodstatus.secrets-store.csi.x-k8s.io/web-pod-csi-my-spc created"))
        #expect(
            try harness.json(["get", "secretproviderclass", "my-spc", "-n", "csi", "-o", "json"])[
                path: ["spec", "provider"]] == "vault")
        // No status subresource (as in the driver's CRD): a write to the object itself changes its status.
        try harness.kubectl([
            "patch", "secretproviderclasspodstatus", "web-pod-csi-my-spc", "-n", "csi", "--type", "merge", "-p",
            #"{"status":{"objects":[{"id":"secret/db","version":"2"}]}}"#,
        ])
        let status = try harness.json(["get", "secretproviderclasspodstatuses", "-n", "csi", "-o", "json"])
        let item = try #require(status["items"]?.arrayValue?.first)
        #expect(item[path: ["status", "objects"]] == [["id": "secret/db", "version": "2"]])
        #expect(item[path: ["status", "secretProviderClassName"]] == "my-spc")
    }
}
