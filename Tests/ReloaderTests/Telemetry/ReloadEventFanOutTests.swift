import Logging
import Synchronization
import Testing

@testable import Reloader

@Suite("reload event fan-out")
struct ReloadEventFanOutTests {
    /// Records the calls it gets, as "reloaded <workload>" and "failed <workload>".
    final class RecordingSink: ReloadEventSink {
        let calls = Mutex<[String]>([])
        func reloaded(_ workload: WorkloadRef, uid: String?, change: ConfigChange) {
            calls.withLock { $0.append("reloaded \(workload.name)") }
        }
        func failed(_ workload: WorkloadRef, uid: String?, configs: [ConfigRef], reason: String) {
            calls.withLock { $0.append("failed \(workload.name)") }
        }
    }

    @Test("every sink gets every call, in order")
    func fansOut() {
        let first = RecordingSink()
        let second = RecordingSink()
        let fanOut = ReloadEventFanOut([first, second])
        let change = ConfigChange(
            config: ConfigRef(kind: .configMap, namespace: "n", name: "c"), oldHash: "a", newHash: "b",
            operation: .update)
        fanOut.reloaded(WorkloadRef(kind: .deployment, namespace: "n", name: "web"), uid: nil, change: change)
        fanOut.failed(WorkloadRef(kind: .job, namespace: "n", name: "batch"), uid: nil, configs: [], reason: "x")
        for sink in [first, second] {
            #expect(sink.calls.withLock { $0 } == ["reloaded web", "failed batch"])
        }
    }

    @Test("combining the engine's sinks: Events alone, alerts alone, both fanned out, or none")
    func engineSink() throws {
        let logger = Logger(label: "test")
        let client = KubeClient(
            configuration: KubeConfiguration(server: "https://127.0.0.1:1", tls: TLSClientSettings()),
            transport: CurlTransport(), logger: logger)
        let events = KubeEventRecorder(client: client, logger: logger)
        let alerts = AlertNotifier(
            settings: .init(sink: .raw, url: "http://127.0.0.1:1/a"), transport: CurlTransport(), logger: logger)
        #expect(ReloadEventFanOut.combining([nil, nil]) == nil)
        #expect(ReloadEventFanOut.combining([events, nil]) is KubeEventRecorder)
        #expect(ReloadEventFanOut.combining([nil, alerts]) is AlertNotifier)
        let both = try #require(ReloadEventFanOut.combining([events, alerts]) as? ReloadEventFanOut)
        #expect(both.sinks.count == 2 && both.sinks[0] is KubeEventRecorder && both.sinks[1] is AlertNotifier)
    }
}
