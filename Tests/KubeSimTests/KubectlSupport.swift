import Foundation
import KubeSim
import Logging
import Reloader
import TestSupport

/// An in-process kube-sim and a kubectl pointed at it (its own kubeconfig and cache directory). Call `stop()`.
final class KubectlHarness: @unchecked Sendable {  // immutable after init
    let directory: TemporaryDirectory
    let server: KubeSimServer

    /// - Parameter serviceAddresses: as kube-sim's `--service` flags, for webhooks with a service clientConfig.
    init(serviceAddresses: [String: String] = [:]) throws {
        directory = try TemporaryDirectory("kube-sim")
        var logger = Logger(label: "test.kube-sim")
        logger.logLevel = .critical  // failing webhooks are logged as warnings; some tests fail them on purpose
        server = try KubeSimServer.start(
            .init(
                certificateDirectory: directory.file("certs"), kubeconfigPath: directory.file("kubeconfig"),
                serviceAddresses: serviceAddresses),
            logger: logger)
    }

    func stop() {
        server.stop()
        directory.remove()
    }

    /// Runs kubectl; `check` throws on a non-zero exit.
    @discardableResult
    func kubectl(_ arguments: [String], stdin: String? = nil, check: Bool = true) throws -> ProcessResult {
        try ProcessRunner.run(
            "/usr/bin/kubectl",
            ["--kubeconfig", server.kubeconfigPath, "--cache-dir", directory.file("cache"), "--request-timeout=20s"]
                + arguments,
            stdin: stdin.map { Data($0.utf8) }, check: check)
    }

    func json(_ arguments: [String]) throws -> JSONValue {
        try JSONValue.parse(try kubectl(arguments).stdout)
    }

    /// The rollouts kube-sim recorded, read through kubectl as a client would.
    func rollouts(_ query: String = "") throws -> [JSONValue] {
        try json(["get", "--raw", "/sim/rollouts\(query)"])["items"]?.arrayValue ?? []
    }

    /// `<repo>/../shared`, next to the repository.
    static var sharedDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").path
    }
}
