import Foundation
import KubeSim
import Logging
import Reloader
import Synchronization
import TestSupport
import Testing

/// `KubeSimServer.addListener`: the same store on a second port with its own event-loop threads, so one client's
/// latency fault (which sleeps on its event-loop thread) does not hold up a client of the other listener.
@Suite("kube-sim added listener")
struct AddedListenerTests {
    final class Done: Sendable {
        private let flag = Mutex(false)
        func set() { flag.withLock { $0 = true } }
        var isSet: Bool { flag.withLock { $0 } }
    }

    func client(_ kubeconfig: String, userAgent: String) throws -> KubeClient {
        var logger = Logger(label: "test.kube-client")
        logger.logLevel = .critical
        return KubeClient(
            configuration: try KubeConfiguration.kubeconfig(path: kubeconfig),
            transport: CurlTransport(userAgent: userAgent), logger: logger,
            options: .init(qps: 0, burst: 1, retry: RetryPolicy(maximumRetries: 0)))
    }

    @Test("a request on the added listener is answered while a faulted one sleeps on the main listener's only loop")
    func independentOfTheMainListener() throws {
        let directory = try TemporaryDirectory("kube-sim-listener")
        defer { directory.remove() }
        var logger = Logger(label: "test.kube-sim")
        logger.logLevel = .warning
        let sim = try KubeSimServer.start(
            .init(
                certificateDirectory: directory.file("certs"), kubeconfigPath: directory.file("kubeconfig"),
                eventLoopCount: 1),
            logger: logger)
        defer { sim.stop() }
        let added = directory.file("kubeconfig-added")
        let port = try sim.addListener(eventLoopCount: 1, kubeconfigPath: added)
        #expect(port != sim.port)
        #expect(try String(contentsOfFile: added, encoding: .utf8).contains("https://127.0.0.1:\(port)"))

        let configMaps = ResourcePath(resource: "configmaps", namespace: "default")
        let fast = try client(added, userAgent: "fast-client")
        _ = try fast.create(configMaps, ["metadata": ["name": "app"], "data": ["k": "v1"]])
        sim.handler.faults.add(
            try FaultInjector.Rule(
                json: [
                    "verb": "get", "resource": "configmaps", "userAgent": "slow-client", "kind": "latency",
                    "latencyMs": 20000, "count": 1,
                ], now: Date()))
        let slow = try client(sim.kubeconfigPath, userAgent: "slow-client")
        let slowDone = Done()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? slow.get(configMaps.named("app"))
            slowDone.set()
            finished.signal()
        }
        // The fault is used up when the slow request starts sleeping on the main listener's only thread. This test
        // keeps its thread (no await), so the fast request follows at once even on a machine loaded by the whole
        // parallel suite; 20 s leaves a wide margin.
        try waitUntilBlocking(timeout: .seconds(30), "the slow request is being delayed") {
            sim.handler.faults.activeRuleCount == 0
        }
        let read = try fast.get(configMaps.named("app"))
        #expect(read[path: ["data", "k"]] == "v1")
        #expect(!slowDone.isSet)
        finished.wait()
    }
}
