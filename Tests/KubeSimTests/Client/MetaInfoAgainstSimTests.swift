import Reloader
import Testing

/// Contract §8: the `reloader-meta-info` ConfigMap, written through the API client into kube-sim.
@Suite("reloader-meta-info against kube-sim")
struct MetaInfoAgainstSimTests {
    let location = ReloaderConfiguration.MetaInfoLocation(namespace: "default", deploymentName: "reloader")
    let path = ResourcePath(resource: "configmaps", namespace: "default", name: MetaInfo.configMapName)

    /// The JSON document stored under `key` of the ConfigMap's data.
    private func document(_ configMap: JSONValue, _ key: String) throws -> JSONValue {
        try JSONValue.parse(Array(try #require(configMap[path: ["data", key]]?.stringValue).utf8))
    }

    @Test("created with the label, the build info, Reloader's option names and the Deployment's metadata")
    func createsFromTheDeployment() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let deployment = try client.create(
            SimClientHarness.deployments,
            [
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": "reloader", "labels": ["app": "reloader"]],
                "spec": [
                    "selector": ["matchLabels": ["app": "reloader"]],
                    "template": [
                        "metadata": ["labels": ["app": "reloader"]],
                        "spec": ["containers": [["name": "reloader", "image": "reloader:dev"]]],
                    ],
                ],
            ])
        let configuration = try ReloaderConfiguration(
            flags: [.reloadStrategy: ["annotations"], .autoAnnotation: ["example.com/auto"]], environment: [:])
        try MetaInfoPublisher(client: client).publish(configuration: configuration, location: location)

        let stored = try client.get(path)
        #expect(stored[path: ["metadata", "labels", MetaInfo.labelKey]]?.stringValue == MetaInfo.labelValue)
        #expect(try document(stored, "buildInfo")["version"]?.stringValue == ReloaderVersion.string)
        let options = try document(stored, "reloaderOptions")
        #expect(options["reloadStrategy"]?.stringValue == "annotations")
        #expect(options["reloaderAutoAnnotation"]?.stringValue == "example.com/auto")
        #expect(options["reloadOnCreate"]?.stringValue == "false")
        #expect(options["enableHA"]?.boolValue == false)
        let info = try document(stored, "deploymentInfo")
        #expect(info["name"]?.stringValue == "reloader")
        #expect(info["uid"] == deployment[path: ["metadata", "uid"]])
        #expect(info["labels"]?["app"]?.stringValue == "reloader")
        #expect(info["managedFields"] == nil)
    }

    @Test("published again, the existing ConfigMap is replaced; without the Deployment only its name is recorded")
    func replacesAndToleratesAMissingDeployment() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let publisher = MetaInfoPublisher(client: client)
        try publisher.publish(configuration: ReloaderConfiguration(), location: location)
        let second = try ReloaderConfiguration(flags: [.reloadOnDelete: ["true"]], environment: [:])
        try publisher.publish(configuration: second, location: location)

        let stored = try client.get(path)
        #expect(try document(stored, "reloaderOptions")["reloadOnDelete"]?.stringValue == "true")
        #expect(
            try document(stored, "deploymentInfo") == ["name": "reloader", "namespace": "default"])
    }
}
