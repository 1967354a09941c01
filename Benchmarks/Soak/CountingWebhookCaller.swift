import KubeSim
import Synchronization

/// kube-sim's webhook caller with a count of the calls that failed (no answer, a non-200 answer, a timeout): the
/// soak's "admission errors". Under reloader's failurePolicy Ignore such a write persists unreviewed, and only the
/// reconciler can catch it. Thread-safe (atomics).
struct CountingWebhookCaller: WebhookCaller {
    private let inner: any WebhookCaller
    private let failures = Failures()

    /// The counters, shared by every copy of the caller (kube-sim copies the struct). Thread-safe: atomics.
    final class Failures: Sendable {
        let reloader = Atomic<Int>(0)
        let policy = Atomic<Int>(0)
        let calls = Atomic<Int>(0)
    }

    init(_ inner: any WebhookCaller) { self.inner = inner }

    /// Failed calls to reloader (through the Service) and to the denying webhook, and every call made.
    var counts: (reloader: Int, policy: Int, calls: Int) {
        (
            failures.reloader.load(ordering: .relaxed), failures.policy.load(ordering: .relaxed),
            failures.calls.load(ordering: .relaxed)
        )
    }

    func call(url: String, caBundle: [UInt8]?, body: [UInt8], timeout: Duration) -> Result<[UInt8], WebhookCallError> {
        failures.calls.wrappingAdd(1, ordering: .relaxed)
        let result = inner.call(url: url, caBundle: caBundle, body: body, timeout: timeout)
        if case .failure = result {
            if url.hasSuffix("/deny") {
                failures.policy.wrappingAdd(1, ordering: .relaxed)
            } else {
                failures.reloader.wrappingAdd(1, ordering: .relaxed)
            }
        }
        return result
    }
}
