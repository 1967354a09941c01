import Logging
import Synchronization
import Testing
import WebhookServer

@testable import Reloader

@Suite("--webhook-url notifications")
struct ConfigChangeWebhookTests {
    /// Answers the hash reads from a script (then the last answer forever).
    final class ScriptedReader: ConfigReader {
        let answers: Mutex<[String?]>
        /// The `sourceName` of each read, in order.
        let sources = Mutex<[String?]>([])
        init(_ answers: [String?]) { self.answers = Mutex(answers) }
        func contentHash(of config: ConfigRef, sourceName: String?) -> Result<String?, any Error> {
            sources.withLock { $0.append(sourceName) }
            return .success(answers.withLock { $0.count > 1 ? $0.removeFirst() : $0.first ?? nil })
        }
    }

    /// Records each request and answers with the scripted statuses (then 200).
    final class RecordingTransport: HTTPTransport {
        let requests = Mutex<[TransportRequest]>([])
        let statuses: Mutex<[Int]>
        init(_ statuses: [Int] = []) { self.statuses = Mutex(statuses) }
        func send(_ request: TransportRequest) -> Result<TransportResponse, TransportError> {
            requests.withLock { $0.append(request) }
            let status = statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            return .success(TransportResponse(status: status, headers: HTTPHeaders(), body: []))
        }
        var count: Int { requests.withLock { $0.count } }
    }

    let notification = ConfigChangeWebhook.Notification(
        config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), hash: "abc",
        workloads: [WorkloadRef(kind: .deployment, namespace: "shop", name: "web")])

    private func webhook(_ reader: any ConfigReader, _ transport: any HTTPTransport) -> ConfigChangeWebhook {
        ConfigChangeWebhook(
            url: "http://127.0.0.1:1/hook", reader: reader, transport: transport, logger: Logger(label: "test"),
            sleep: { _ in })
    }

    @Test("a persisted change is POSTed once with the documented body")
    func sendsOncePersisted() throws {
        let transport = RecordingTransport()
        let webhook = webhook(ScriptedReader(["old", "abc"]), transport)
        webhook.notify(notification)
        webhook.drain()
        #expect(webhook.counters == .init(sent: 1, notPersisted: 0, failed: 0))
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.method == "POST")
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        let body = try JSONValue.parse(request.body)
        #expect(
            body == [
                "webhook": "update successful", "kind": "ConfigMap", "namespace": "shop", "name": "app-config",
                "hash": "abc", "workloads": [["kind": "Deployment", "namespace": "shop", "name": "web"]],
            ])
    }

    @Test("a SecretProviderClass change is confirmed on its SecretProviderClassPodStatus; the body names the class")
    func secretProviderClass() throws {
        let transport = RecordingTransport()
        let reader = ScriptedReader(["abc"])
        let webhook = webhook(reader, transport)
        webhook.notify(
            .init(
                config: ConfigRef(kind: .secretProviderClass, namespace: "shop", name: "vault-db"), hash: "abc",
                workloads: [], sourceName: "web-pod-shop-vault-db"))
        webhook.drain()
        #expect(reader.sources.withLock { $0 } == ["web-pod-shop-vault-db"])
        let body = try JSONValue.parse(try #require(transport.requests.withLock { $0.first }).body)
        #expect(body["kind"] == "SecretProviderClass" && body["name"] == "vault-db")
    }

    @Test("a write that never persisted sends nothing")
    func notPersisted() {
        let transport = RecordingTransport()
        let webhook = webhook(ScriptedReader(["old"]), transport)
        webhook.notify(notification)
        webhook.drain()
        #expect(transport.count == 0)
        #expect(webhook.counters.notPersisted == 1)
    }

    @Test("a DELETE is confirmed by the config being gone")
    func deleteConfirmedByAbsence() {
        let transport = RecordingTransport()
        let webhook = webhook(ScriptedReader([nil]), transport)
        var deleted = notification
        deleted.hash = ContentHash.deleteMarker
        webhook.notify(deleted)
        webhook.drain()
        #expect(webhook.counters.sent == 1)
    }

    @Test("error answers are retried, then counted as failed")
    func retriesThenFails() {
        let flaky = RecordingTransport([500])
        let recovering = webhook(ScriptedReader(["abc"]), flaky)
        recovering.notify(notification)
        recovering.drain()
        #expect(flaky.count == 2)
        #expect(recovering.counters.sent == 1)

        let down = RecordingTransport([500, 502, 503])
        let failing = webhook(ScriptedReader(["abc"]), down)
        failing.notify(notification)
        failing.drain()
        #expect(down.count == 3)
        #expect(failing.counters.failed == 1)
    }
}
