import Reloader
import TestSupport
import Testing

/// Contract §8, the environment variables not covered by a numbered scenario.
@Suite("conformance: environment", .serialized)
struct EnvironmentScenarios {
    @Test("RELOADER_NAMESPACE and RELOADER_DEPLOYMENT_NAME publish the reloader-meta-info ConfigMap")
    func publishesMetaInfo() async throws {
        let cluster = try await Cluster.start(
            ["--reload-strategy=annotations"],
            environment: ["RELOADER_NAMESPACE": "default", "RELOADER_DEPLOYMENT_NAME": "reloader"])
        defer { cluster.stop() }
        try await cluster.waitFor("the reloader-meta-info ConfigMap appears") {
            (try? cluster.object("configmaps", MetaInfo.configMapName, in: "default")) != nil
        }
        let stored = try cluster.object("configmaps", MetaInfo.configMapName, in: "default")
        #expect(stored[path: ["metadata", "labels", MetaInfo.labelKey]]?.stringValue == "reloader")
        let options = try JSONValue.parse(
            Array(try #require(stored[path: ["data", "reloaderOptions"]]?.stringValue).utf8))
        #expect(options["reloadStrategy"]?.stringValue == "annotations")
    }

    @Test("without them, the ConfigMap is skipped with a warning")
    func skipsMetaInfoWithAWarning() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        #expect(cluster.reloader.stderr.contains("the reloader-meta-info ConfigMap is not published"))
        #expect((try? cluster.object("configmaps", MetaInfo.configMapName, in: "default")) == nil)
    }
}
