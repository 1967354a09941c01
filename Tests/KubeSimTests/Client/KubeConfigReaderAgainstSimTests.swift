import Reloader
import Testing

/// The reload queue's persistence check against kube-sim: the hash of what is stored, computed from a real GET,
/// must equal the hash the admission side computes from a review of the same content (contract §3), and a
/// missing object reads as nil (a DELETE is confirmed by it).
@Suite("KubeConfigReader against kube-sim")
struct KubeConfigReaderAgainstSimTests {
    @Test("a stored ConfigMap and Secret hash as the contract's worked examples; a missing one is nil")
    func hashesWhatIsStored() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        try client.create(
            SimClientHarness.configMaps,
            [
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "app"],
                "data": ["port": "8080", "log_level": "debug"],
            ])
        try client.create(
            ResourcePath(resource: "secrets", namespace: "default"),
            [
                "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db"],
                "stringData": ["user": "admin", "password": "s3cr3t"],
            ])
        let reader = KubeConfigReader(client: client)
        let configMap = try reader.contentHash(of: ConfigRef(kind: .configMap, namespace: "default", name: "app")).get()
        #expect(configMap == "8d8f29b2a79932569402720b08d1014ae00c809f")
        // kube-sim folds stringData into base64 data, as kube-apiserver does; the hash is over the decoded bytes.
        let secret = try reader.contentHash(of: ConfigRef(kind: .secret, namespace: "default", name: "db")).get()
        #expect(secret == "e013dcfd8b3a9e80e812740978788202e1ef1325")
        let missing = try reader.contentHash(of: ConfigRef(kind: .configMap, namespace: "default", name: "nope")).get()
        #expect(missing == nil)
    }

    @Test("state(of:) gives the hash with the config's annotations and labels; a missing config is nil")
    func stateWithMetadata() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        _ = try client.create(
            SimClientHarness.configMaps,
            [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": [
                    "name": "app", "labels": ["team": "a"], "annotations": ["reloader.stakater.com/match": "true"],
                ],
                "data": ["key": "value"],
            ])
        let reader = KubeConfigReader(client: client)
        let state = try reader.state(of: ConfigRef(kind: .configMap, namespace: "default", name: "app")).get()
        #expect(
            state
                == ConfigState(
                    hash: "dc30e0faa89a70dec1033016a2309bbeb9efcbd0",
                    annotations: ["reloader.stakater.com/match": "true"], labels: ["team": "a"]))
        #expect(try reader.state(of: ConfigRef(kind: .secret, namespace: "default", name: "app")).get() == nil)
    }

    @Test("a SecretProviderClass is read from the named SecretProviderClassPodStatus, never by the class's name")
    func secretProviderClassPodStatus() throws {
        let harness = try SimClientHarness()
        defer { harness.stop() }
        let client = try harness.client()
        let statuses = ResourcePath(
            group: ChangeDetector.secretsStoreGroup, version: "v1", resource: "secretproviderclasspodstatuses",
            namespace: "default")
        try client.create(
            statuses,
            [
                "apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClassPodStatus",
                "metadata": ["name": "web-pod-default-my-spc"],
                "status": [
                    "podName": "web-pod", "secretProviderClassName": "my-spc", "mounted": true,
                    "objects": [["id": "secret/db", "version": "7"]],
                ],
            ])
        let reader = KubeConfigReader(client: client)
        let config = ConfigRef(kind: .secretProviderClass, namespace: "default", name: "my-spc")
        let hash = try reader.contentHash(of: config, sourceName: "web-pod-default-my-spc").get()
        #expect(
            hash
                == ContentHash.secretProviderClassPodStatus(
                    objects: [("secret/db", "7")], secretProviderClassName: "my-spc"))
        #expect(try reader.contentHash(of: config, sourceName: "gone-pod-default-my-spc").get() == nil)
        // Without the object to read there is nothing to GET: a typed failure, no request.
        let before = harness.server.handler.requests.all.count
        guard case .failure(let error) = reader.contentHash(of: config) else {
            Issue.record("a SecretProviderClass without source object must not read as present or gone")
            return
        }
        #expect(error as? KubeConfigReader.Failure == .noSourceObject(config))
        #expect(harness.server.handler.requests.all.count == before)
    }
}
