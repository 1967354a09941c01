import Reloader
import TestSupport
import Testing

/// `--enable-csi-integration` end to end (contract §1, §2, §3, §4, §5.1, §7.1): the secrets-store CSI driver keeps
/// one SecretProviderClassPodStatus per pod and class, named `<pod>-<namespace>-<class>`, and rewrites its
/// `status.objects` versions when the mounted secrets rotate. The workloads that name the class
/// (`secretproviderclass…/reload`) or mount it in a CSI volume under auto roll once per new version.
@Suite("conformance: CSI integration", .serialized)
struct CSIScenarios {
    let keys = AnnotationKeys()

    /// The class, both workloads and two pods' SecretProviderClassPodStatus objects (versions `db` 1), in `namespace`.
    private func objects(in namespace: String) -> [JSONValue] {
        [
            Manifests.secretProviderClass("my-spc", in: namespace),
            Manifests.podStatus(
                "web-pod-\(namespace)-my-spc", in: namespace, className: "my-spc", versions: ["db": "1"]),
            Manifests.podStatus(
                "web-pod2-\(namespace)-my-spc", in: namespace, className: "my-spc", versions: ["db": "1"]),
            Manifests.workload(
                .deployment, "named", in: namespace, annotations: [keys.secretProviderClassReload: "my-spc"]),
            Manifests.workload(
                .deployment, "mounted", in: namespace, annotations: [keys.auto: "true"],
                containers: [.init(mounts: ["secrets"])], volumes: [Manifests.csiVolume("secrets", className: "my-spc")]
            ),
        ]
    }

    /// The env var both workloads get, and its value for `versions` (contract §3 and §5.1).
    private let variable = "STAKATER_MY_SPC_SECRETPROVIDERCLASS"

    private func hash(_ versions: [String: String]) -> String {
        ContentHash.secretProviderClassPodStatus(
            objects: versions.map { (id: "secret/\($0.key)", version: $0.value) }, secretProviderClassName: "my-spc")
    }

    @Test("a version change of web-pod-ns-my-spc reloads the naming and the mounting workload exactly once")
    func versionChangeReloadsOnce() async throws {
        let cluster = try await Cluster.start(["--enable-csi-integration"])
        defer { cluster.stop() }
        try await cluster.setUp("ns", objects(in: "ns"))
        try await cluster.changePodStatus("web-pod-ns-my-spc", in: "ns", versions: ["db": "2"])
        for name in ["named", "mounted"] {
            #expect(cluster.rolloutCount(.deployment, name, in: "ns") == 1, "\(name)")
            #expect(try cluster.env(variable, of: .deployment, name, in: "ns") == hash(["db": "2"]), "\(name)")
        }
        // The workload's other pod remounts the same versions: the hash is already there, nothing rolls again.
        try await cluster.changePodStatus("web-pod2-ns-my-spc", in: "ns", versions: ["db": "2"])
        for name in ["named", "mounted"] {
            #expect(cluster.rolloutCount(.deployment, name, in: "ns") == 1, "\(name)")
        }
    }

    @Test("without --enable-csi-integration a version change reloads nothing")
    func disabledReloadsNothing() async throws {
        let cluster = try await Cluster.start()
        defer { cluster.stop() }
        try await cluster.setUp("ns", objects(in: "ns"))
        try await cluster.changePodStatus("web-pod-ns-my-spc", in: "ns", versions: ["db": "2"])
        for name in ["named", "mounted"] {
            #expect(cluster.rolloutCount(.deployment, name, in: "ns") == 0, "\(name)")
            #expect(try cluster.env(variable, of: .deployment, name, in: "ns") == nil, "\(name)")
        }
    }

    @Test("metadata-only changes and pods coming and going reload nothing; a version change then reloads once")
    func onlyVersionChangesReload() async throws {
        let cluster = try await Cluster.start(
            ["--enable-csi-integration", "--reload-on-create=true", "--reload-on-delete=true"])
        defer { cluster.stop() }
        try await cluster.setUp("ns", objects(in: "ns"))
        try await cluster.kubectl(["-n", "ns", "label", "secretproviderclasspodstatus", "web-pod-ns-my-spc", "x=y"])
        try await cluster.settle()
        // A new pod mounts newer versions (CREATE), an old one goes (DELETE): pod churn, not a class change.
        try await cluster.apply(
            Manifests.list([
                Manifests.podStatus("web-pod3-ns-my-spc", in: "ns", className: "my-spc", versions: ["db": "5"])
            ]))
        try await cluster.kubectl(["-n", "ns", "delete", "secretproviderclasspodstatus", "web-pod2-ns-my-spc"])
        try await cluster.settle()
        for name in ["named", "mounted"] {
            #expect(cluster.rolloutCount(.deployment, name, in: "ns") == 0, "\(name)")
        }
        // The control: the same cluster does reload on a version change.
        try await cluster.changePodStatus("web-pod-ns-my-spc", in: "ns", versions: ["db": "2"])
        for name in ["named", "mounted"] {
            #expect(cluster.rolloutCount(.deployment, name, in: "ns") == 1, "\(name)")
            #expect(try cluster.env(variable, of: .deployment, name, in: "ns") == hash(["db": "2"]), "\(name)")
        }
    }
}

extension Cluster {
    /// Sets a SecretProviderClassPodStatus's `status.objects` to `versions` (ids `secret/<key>`) with
    /// `kubectl patch --type merge`, as the CSI driver's rotation does, and waits until reloader has finished.
    func changePodStatus(_ name: String, in namespace: String, versions: [String: String]) async throws {
        let patch: JSONValue = ["status": ["objects": Manifests.podStatusObjects(versions)]]
        try await mergePatch(
            "secretproviderclasspodstatus", name, in: namespace, String(decoding: patch.serialized(), as: UTF8.self))
        try await settle()
    }
}

extension Manifests {
    static func secretProviderClass(_ name: String, in namespace: String) -> JSONValue {
        [
            "apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["provider": "vault", "parameters": ["roleName": "web"]],
        ]
    }

    /// A SecretProviderClassPodStatus as the CSI driver writes it for one pod, with `versions` mounted.
    static func podStatus(
        _ name: String, in namespace: String, className: String, versions: [String: String]
    ) -> JSONValue {
        [
            "apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClassPodStatus",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "status": [
                "podName": .string(String(name.dropLast("-\(namespace)-\(className)".count))),
                "secretProviderClassName": .string(className),
                "mounted": true, "targetPath": "/var/lib/kubelet/pods/x/volumes/kubernetes.io~csi/secrets/mount",
                "objects": podStatusObjects(versions),
            ],
        ]
    }

    /// `status.objects`: `{id: secret/<key>, version}` per entry, in key order.
    static func podStatusObjects(_ versions: [String: String]) -> JSONValue {
        .array(
            versions.sorted { $0.key < $1.key }.map {
                ["id": .string("secret/\($0.key)"), "version": .string($0.value)]
            })
    }

    /// A CSI volume of the secrets-store driver using SecretProviderClass `className` (contract §4).
    static func csiVolume(_ volume: String, className: String) -> JSONValue {
        [
            "name": .string(volume),
            "csi": [
                "driver": "secrets-store.csi.k8s.io", "readOnly": true,
                "volumeAttributes": ["secretProviderClass": .string(className)],
            ],
        ]
    }
}
