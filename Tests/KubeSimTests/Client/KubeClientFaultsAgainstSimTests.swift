import Foundation
import KubeSim
import Testing

@testable import Reloader

/// KubeClient's retries against faults injected through kube-sim's `POST /sim/faults`. The client records its
/// waits instead of sleeping them (jitter fixed at 0.5), so the tests check the delays it chose without waiting.
@Suite("KubeClient retries against kube-sim faults")
struct KubeClientFaultsAgainstSimTests {
    typealias Harness = SimClientHarness

    @Test("429 with Retry-After: 1 on the next 2 lists: the list waits 1 s twice and succeeds")
    func tooManyRequestsThenSuccess() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(3)
        let waits = RecordedWaits()
        let client = try harness.client(waits: waits)
        try harness.fault([
            "verb": "list", "resource": "configmaps", "kind": "status", "status": 429, "retryAfterSeconds": 1,
            "count": 2,
        ])
        let result = try client.listAll(Harness.configMaps)
        #expect(result.items.count == 3)
        #expect(waits.all == [.seconds(1), .seconds(1)])
        #expect(try harness.requests().map(\.status) == [429, 429, 200])
    }

    @Test("503 on the next patch is retried after a backoff and the patch applies once")
    func serviceUnavailablePatchRetried() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(1)
        let waits = RecordedWaits()
        let client = try harness.client(waits: waits)
        try harness.fault(["verb": "patch", "resource": "configmaps", "kind": "status", "status": 503, "count": 1])
        let patched = try client.patch(
            Harness.configMaps.named("cm-00000"), ["data": ["index": "patched"]], type: .merge)
        #expect(patched["data"] == ["index": "patched"])
        #expect(waits.all == [.milliseconds(100)])  // base 200 ms · jitter 0.5
        #expect(try harness.requests().map { "\($0.method) \($0.status)" } == ["PATCH 503", "PATCH 200"])
    }

    @Test("a connection dropped without an answer on a get is retried on a new connection")
    func droppedConnectionRetried() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(1)
        let waits = RecordedWaits()
        // A fresh client: its first request opens the connection, so libcurl cannot silently resend it itself
        // (it does that only on a reused keep-alive connection); the retry seen here is the client's own.
        let client = try harness.client(waits: waits)
        try harness.fault(["verb": "get", "resource": "configmaps", "kind": "drop", "count": 1])
        let object = try client.get(Harness.configMaps.named("cm-00000"))
        #expect(object[path: ["metadata", "name"]] == "cm-00000")
        #expect(waits.all == [.milliseconds(100)])
        #expect(try harness.requests().map(\.status) == [0, 200])
    }

    @Test("a dropped connection on a keep-alive connection in the middle of a list is retried")
    func droppedConnectionMidList() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(30)
        let client = try harness.client()
        _ = try client.list(Harness.configMaps, options: .init(limit: 1))  // opens the keep-alive connection
        try harness.clearRequests()
        try harness.fault(["verb": "list", "resource": "configmaps", "kind": "drop", "count": 1])
        let result = try client.listAll(Harness.configMaps, pageSize: 10)
        #expect(result.items.count == 30)
        #expect(try harness.requests().map(\.status) == [0, 200, 200, 200])
    }

    @Test("a persistent 500 is an error after the bounded attempts")
    func persistentInternalError() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(1)
        let waits = RecordedWaits()
        let client = try harness.client(retry: RetryPolicy(maximumRetries: 5), waits: waits)
        try harness.fault(["verb": "get", "resource": "configmaps", "kind": "status", "status": 500])
        #expect {
            _ = try client.get(Harness.configMaps.named("cm-00000"))
        } throws: { error in
            guard case .api(let apiError, let request) = error as? KubeClientError else { return false }
            return apiError.code == 500 && apiError.reason == "InternalError"
                && apiError.message.contains("kube-sim injected fault")
                && request == "get /api/v1/namespaces/default/configmaps/cm-00000"
        }
        #expect(try harness.requests().map(\.status) == Array(repeating: 500, count: 6))
        #expect(waits.all == [100, 200, 400, 800, 1600].map { .milliseconds($0) })
        try harness.sim("DELETE", "/sim/faults")
        #expect(try client.get(Harness.configMaps.named("cm-00000"))[path: ["metadata", "name"]] == "cm-00000")
    }

    @Test("a create answered 503 is not retried (it may have been applied); a 429 create is")
    func createRetriedOnlyOn429() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try harness.client()
        try harness.fault(["verb": "create", "resource": "configmaps", "kind": "status", "status": 503, "count": 1])
        #expect {
            _ = try client.create(Harness.configMaps, ["metadata": ["name": "a"]])
        } throws: { ($0 as? KubeClientError)?.apiError?.code == 503 }
        try harness.fault([
            "verb": "create", "resource": "configmaps", "kind": "status", "status": 429, "retryAfterSeconds": 0,
            "count": 1,
        ])
        _ = try client.create(Harness.configMaps, ["metadata": ["name": "a"]])
        #expect(try harness.requests().map(\.status) == [503, 429, 201])
    }
}
