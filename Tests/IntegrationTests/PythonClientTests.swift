import Foundation
import TestSupport
import Testing

/// The official Kubernetes Python client (pip `kubernetes`, in the venv `make pyenv` creates) against the built
/// kube-sim executable: Tests/python/test_kubesim_client.py, a second real client next to kubectl.
@Suite("official Python client against kube-sim")
struct PythonClientTests {
    /// The repository root, three levels above this file (Tests/IntegrationTests/…).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var venvPython: String { repository.appendingPathComponent(".venv-kube/bin/python").path }
    static var script: String { repository.appendingPathComponent("Tests/python/test_kubesim_client.py").path }

    @Test(
        "the Python client lists with limit/continue, strategic-merge patches a Deployment (one rollout) and gets 404 after delete"
    )
    func pythonClientDrivesKubeSim() async throws {
        let python = Self.venvPython
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python venv at \(python): run `make pyenv` (`make test` creates it first)")
            return
        }
        let kubeSim = try ReloaderProcess.builtExecutable("kube-sim", override: "KUBE_SIM_BIN")
        let result = try await offPool {
            try ProcessRunner.run(
                "/usr/bin/env", ["KUBE_SIM_BIN=\(kubeSim)", "PYTHONDONTWRITEBYTECODE=1", python, Self.script],
                check: false)
        }
        #expect(
            result.status == 0,
            "\(Self.script) exited \(result.status)\n--- stdout ---\n\(result.stdout)\n--- stderr ---\n\(result.stderr)"
        )
    }
}
