import KubeSim
import Reloader
import TestSupport

/// More than one reloader against one kube-sim (contract §9, `--enable-ha`): each replica is its own process with
/// its own flags and environment, and its own ValidatingWebhookConfiguration, so kube-sim sends every review to
/// each of them, as kube-apiserver would to several webhook configurations (a Service in front of several pods
/// would send each review to one of them; a configuration each makes "both replicas reviewed it" certain).
extension Cluster {
    /// Starts another reloader process against this kube-sim with `flags` (after `baseFlags`, so they win) and
    /// `environment` (not the cluster's: a replica needs its own `POD_NAME`), registers its webhook as
    /// ValidatingWebhookConfiguration `webhookName` and waits until it is ready. `stop()` kills it.
    func startReplica(
        _ flags: [String], environment: [String: String], webhookName: String
    ) async throws -> ReloaderProcess {
        let replica = try await ReloaderProcess.start(
            ["--kubeconfig", sim.kubeconfigPath] + Self.baseFlags + flags, environment: environment)
        replicas.withLock { $0.append(replica) }
        try await registerWebhook(name: webhookName, for: replica)
        try await waitUntilReady(replica)
        return replica
    }

    /// `reloader_leader` of `process`: whether it holds the Lease (1 without `--enable-ha`).
    func isLeader(_ process: ReloaderProcess) throws -> Bool {
        try metric("reloader_leader", of: process) == 1
    }

    /// The holder of the Lease `name` in `namespace` as stored in kube-sim ("" when released), or nil if there is no
    /// such Lease.
    func leaseHolder(_ name: String = "stakater-reloader-lock", in namespace: String) throws -> String? {
        do {
            let lease = try object("leases", group: "coordination.k8s.io", name, in: namespace)
            return lease[path: ["spec", "holderIdentity"]]?.stringValue ?? ""
        } catch let error as APIError where error.code == 404 {
            return nil
        }
    }
}
