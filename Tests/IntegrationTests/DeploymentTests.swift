import Foundation
import TestSupport
import Testing

/// deployments/ (kustomize base, HA overlay, checked-in manifests, Helm chart) checked by the Python tests in
/// Tests/python, run with the venv `make pyenv` creates: test_deployments.py renders and validates them without a
/// cluster; test_deployments_e2e.py applies them to kube-sim, runs the built reloader with the rendered Deployment's
/// args and env, and evaluates the rendered RBAC against every request reloader sent.
@Suite("deployments/ manifests and Helm chart")
struct DeploymentTests {
    @Test("the manifests render, validate against the Kubernetes schemas, follow the policy, and the chart matches")
    func staticChecks() async throws {
        try await runPython("test_deployments.py")
    }

    @Test("the rendered manifests run reloader on kube-sim: one rollout per change, every request allowed by RBAC")
    func endToEnd() async throws {
        let output = try await runPython("test_deployments_e2e.py")
        // Rules no request of this run used (kinds and flags the run does not exercise): shown, not failed.
        for line in output.split(separator: "\n") where line.hasPrefix("RBAC-") { print(line) }
    }

    /// Runs one file of Tests/python with unittest; records an issue with its output when it fails.
    @discardableResult
    private func runPython(_ file: String) async throws -> String {
        let python = PythonClientTests.venvPython
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python venv at \(python): run `make pyenv` (`make test` creates it first)")
            return ""
        }
        let script = PythonClientTests.repository.appendingPathComponent("Tests/python/\(file)").path
        let kubeSim = try ReloaderProcess.builtExecutable("kube-sim", override: "KUBE_SIM_BIN")
        let reloader = try ReloaderProcess.executablePath()
        let result = try await offPool {
            try ProcessRunner.run(
                "/usr/bin/env",
                [
                    "KUBE_SIM_BIN=\(kubeSim)", "RELOADER_BIN=\(reloader)", "PYTHONDONTWRITEBYTECODE=1", python, script,
                ],
                check: false)
        }
        #expect(
            result.status == 0,
            "\(file) exited \(result.status)\n--- stdout ---\n\(result.stdout)\n--- stderr ---\n\(result.stderr)")
        return result.stdout
    }
}
