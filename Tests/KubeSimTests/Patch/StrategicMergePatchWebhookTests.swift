import Foundation
import KubeSim
import Reloader
import Testing

/// A ValidatingWebhookConfiguration re-applied with a new URL and CA: what `kubectl apply` sends (only the changed
/// fields of each webhook, matched by `name`, with `$setElementOrder/webhooks`) keeps each webhook's rules.
@Test("strategic merge patch merges a webhook configuration's webhooks by name")
func webhookConfigurationPatch() throws {
    let stored = #"""
        {"kind":"ValidatingWebhookConfiguration","metadata":{"name":"reloader"},"webhooks":[
          {"name":"configs.reloader.stakater.com","clientConfig":{"url":"https://old/validate","caBundle":"T0xE"},
           "rules":[{"operations":["UPDATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],
           "failurePolicy":"Ignore","sideEffects":"None","admissionReviewVersions":["v1"]},
          {"name":"workloads.reloader.stakater.com","clientConfig":{"url":"https://old/validate","caBundle":"T0xE"},
           "rules":[{"operations":["UPDATE"],"apiGroups":["apps"],"apiVersions":["v1"],"resources":["deployments"]}],
           "failurePolicy":"Ignore","sideEffects":"None","admissionReviewVersions":["v1"]}]}
        """#
    let patch = #"""
        {"$setElementOrder/webhooks":[{"name":"configs.reloader.stakater.com"},{"name":"workloads.reloader.stakater.com"}],
         "webhooks":[
          {"name":"configs.reloader.stakater.com","clientConfig":{"url":"https://new/validate","caBundle":"TkVX"}},
          {"name":"workloads.reloader.stakater.com","clientConfig":{"url":"https://new/validate","caBundle":"TkVX"}}]}
        """#
    let expected = stored.replacingOccurrences(of: "https://old/validate", with: "https://new/validate")
        .replacingOccurrences(of: "T0xE", with: "TkVX")
    let patched = try StrategicMergePatch.apply(
        try JSONValue.parse(patch), to: try JSONValue.parse(stored), schema: .workloads)
    #expect(patched == (try JSONValue.parse(expected)))
}
