import Testing

@testable import Reloader

/// `ChangeDetector`: a ConfigMap/Secret review to a `ConfigChange` (hashes only), or why nothing is to be done.
@Suite("Admission ChangeDetector")
struct AdmissionChangeDetectorTests {
    static func request(_ name: String) throws -> AdmissionRequest {
        try AdmissionReview.decode(try FixtureFiles.bytes(name)).request
    }

    @Test("a ConfigMap data update gives the hashes of the old and the new object")
    func configMapUpdate() throws {
        let request = try Self.request("configmap-update.json")
        guard case .change(let change) = ChangeDetector.detect(request, options: PolicyOptions()) else {
            Issue.record("expected a change")
            return
        }
        #expect(change.config == ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"))
        #expect(change.operation == .update)
        #expect(change.oldHash == ContentHash.configMap(data: request.oldObject?.data, binaryData: nil))
        #expect(change.newHash == ContentHash.configMap(data: request.object?.data, binaryData: nil))
        #expect(change.oldHash != change.newHash)
        #expect(change.labels["app.kubernetes.io/name"] == "shop")
    }

    @Test("a labels-only update is a no-op: no_data_change")
    func labelsOnly() throws {
        let outcome = ChangeDetector.detect(
            try Self.request("configmap-update-labels-only.json"), options: PolicyOptions())
        #expect(outcome == .skip(.noDataChange))
        #expect(ChangeDetector.Skip.noDataChange.metricLabel == "no_data_change")
    }

    @Test("a Secret's hash is of the decoded bytes")
    func secretUpdate() throws {
        var request = try Self.request("secret-update-dryrun.json")
        #expect(ChangeDetector.detect(request, options: PolicyOptions()) == .skip(.dryRun))
        request.dryRun = false
        guard case .change(let change) = ChangeDetector.detect(request, options: PolicyOptions()) else {
            Issue.record("expected a change")
            return
        }
        #expect(change.config.kind == .secret)
        #expect(change.newHash == (try ContentHash.secret(data: request.object?.data)))
        #expect(
            change.newHash
                == ContentHash.secret(decoded: ["API_TOKEN": "tok-new-0002", "WEBHOOK_SECRET": "whsec-a"]))
    }

    @Test("CREATE counts only with reload-on-create; its old hash is absent")
    func create() throws {
        let request = try Self.request("configmap-create.json")
        #expect(ChangeDetector.detect(request, options: PolicyOptions()) == .skip(.operationNotEnabled))
        var options = PolicyOptions()
        options.reloadOnCreate = true
        guard case .change(let change) = ChangeDetector.detect(request, options: options) else {
            Issue.record("expected a change")
            return
        }
        #expect(change.operation == .create && change.oldHash == nil)
        #expect(
            change.newHash
                == ContentHash.configMap(
                    data: ["FLAGS": "beta-search=on\nnew-checkout=off\n"], binaryData: nil))
    }

    @Test("DELETE counts only with reload-on-delete and writes the delete marker")
    func delete() throws {
        let request = try Self.request("configmap-delete.json")
        #expect(ChangeDetector.detect(request, options: PolicyOptions()) == .skip(.operationNotEnabled))
        var options = PolicyOptions()
        options.reloadOnDelete = true
        guard case .change(let change) = ChangeDetector.detect(request, options: options) else {
            Issue.record("expected a change")
            return
        }
        #expect(change.config.name == "legacy-config" && change.operation == .delete)
        #expect(change.newHash == nil && change.hashToWrite == ContentHash.deleteMarker)
    }

    @Test("the ignore annotation on the config, resources-to-ignore and namespace filters")
    func filters() throws {
        var request = try Self.request("configmap-update.json")
        var options = PolicyOptions()
        options.resourcesToIgnore = [.configMap]
        #expect(ChangeDetector.detect(request, options: options) == .skip(.resourceTypeIgnored))

        var filter = ConfigFilter()
        filter.namespacesToIgnore = ["shop"]
        #expect(
            ChangeDetector.detect(request, options: PolicyOptions(), filter: filter) == .skip(.filtered))
        filter = ConfigFilter()
        filter.namespaces = ["other"]
        #expect(
            ChangeDetector.detect(request, options: PolicyOptions(), filter: filter) == .skip(.filtered))

        request.object?.metadata.annotations?["reloader.stakater.com/ignore"] = "true"
        #expect(ChangeDetector.detect(request, options: PolicyOptions()) == .skip(.configIgnored))
        request.object?.metadata.annotations?["reloader.stakater.com/ignore"] = "True"  // exactly "true" only
        if case .skip = ChangeDetector.detect(request, options: PolicyOptions()) {
            Issue.record("True is not true")
        }
    }

    @Test("workload reviews and subresources are not config changes")
    func notAConfig() throws {
        #expect(
            ChangeDetector.detect(try Self.request("deployment-update.json"), options: PolicyOptions())
                == .skip(.notAConfig))
        var request = try Self.request("configmap-update.json")
        request.subResource = "status"
        #expect(ChangeDetector.detect(request, options: PolicyOptions()) == .skip(.notAConfig))
    }
}

extension ContentHash {
    /// The Secret hash from decoded values, for expectations written in clear text.
    fileprivate static func secret(decoded: [String: String]) -> String {
        let items = decoded.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ";")
        return SHA1.hexDigest(Array(items.utf8))
    }
}
