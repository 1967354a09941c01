import Foundation
import KubeSim
import Reloader
import TestSupport
import Testing

/// The kinds deployments/ installs beside reloader's Deployment (ServiceAccount, PodDisruptionBudget, RBAC), served
/// by kube-sim as stored objects so the rendered manifests apply as a whole with kubectl.
@Suite("kube-sim serves the kinds of deployments/")
struct DeploymentKindsKubectlTests {
    static let manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: ops
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: agent
          namespace: ops
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: agent
          namespace: ops
        spec:
          maxUnavailable: 1
          selector:
            matchLabels:
              app: agent
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: agent
        rules:
          - apiGroups: [""]
            resources: ["configmaps"]
            verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: agent
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: agent
        subjects:
          - kind: ServiceAccount
            name: agent
            namespace: ops
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: agent
          namespace: ops
        rules:
          - apiGroups: ["coordination.k8s.io"]
            resources: ["leases"]
            verbs: ["get", "update"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: agent
          namespace: ops
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: agent
        subjects:
          - kind: ServiceAccount
            name: agent
            namespace: ops
        """

    @Test("kubectl applies ServiceAccount, PDB, ClusterRole(Binding) and Role(Binding), and reads them back as stored")
    func applyAndReadBack() throws {
        let harness = try KubectlHarness()
        defer { harness.stop() }
        let applied = try harness.kubectl(["apply", "-f", "-"], stdin: Self.manifest)
        for created in [
            "serviceaccount/agent created", "poddisruptionbudget.policy/agent created",
            "clusterrole.rbac.authorization.k8s.io/agent created",
            "clusterrolebinding.rbac.authorization.k8s.io/agent created",
            "role.rbac.authorization.k8s.io/agent created", "rolebinding.rbac.authorization.k8s.io/agent created",
        ] {
            #expect(applied.stdout.contains(created), "\(created) missing from: \(applied.stdout) \(applied.stderr)")
        }
        let clusterRole = try harness.json(["get", "clusterrole", "agent", "-o", "json"])
        #expect(clusterRole[path: ["metadata", "namespace"]] == nil, "ClusterRole is cluster-scoped")
        #expect(clusterRole["rules"]?.arrayValue?.first?["verbs"] == ["get"])
        let role = try harness.json(["get", "role", "agent", "-n", "ops", "-o", "json"])
        #expect(role["rules"]?.arrayValue?.first?["resources"] == ["leases"])
        let binding = try harness.json(["get", "rolebinding", "agent", "-n", "ops", "-o", "json"])
        #expect(binding[path: ["roleRef", "kind"]] == "Role")
        let pdb = try harness.json(["get", "pdb", "agent", "-n", "ops", "-o", "json"])
        #expect(pdb[path: ["spec", "maxUnavailable"]] == 1)
        #expect(try harness.json(["get", "sa", "agent", "-n", "ops", "-o", "json"])["kind"] == "ServiceAccount")
        // A second apply changes nothing.
        let again = try harness.kubectl(["apply", "-f", "-"], stdin: Self.manifest)
        #expect(again.stdout.contains("role.rbac.authorization.k8s.io/agent unchanged"), "\(again.stdout)")
    }
}
