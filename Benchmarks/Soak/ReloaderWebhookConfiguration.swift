import Foundation
import Reloader

/// reloader's ValidatingWebhookConfiguration as `scripts/webhook-configuration.sh` prints it (the same rules,
/// failurePolicy Ignore, sideEffects NoneOnDryRun), but calling the Service `soak-system/reloader` instead of a
/// URL, as a cluster install does: kube-sim maps the Service to the soak's forwarder. Pure.
enum ReloaderWebhookConfiguration {
    static func make(caPath: String) throws(SoakError) -> JSONValue {
        let caBundle: String
        do {
            caBundle = try Data(contentsOf: URL(fileURLWithPath: caPath)).base64EncodedString()
        } catch {
            throw .setup("cannot read \(caPath): \(error)")
        }
        let client: JSONValue = [
            "service": [
                "namespace": .string(SoakLayout.leaseNamespace), "name": "reloader", "path": "/validate", "port": 443,
            ],
            "caBundle": .string(caBundle),
        ]
        func rule(_ operations: [String], _ group: String, _ version: String, _ resources: [String]) -> JSONValue {
            [
                "operations": .array(operations.map { .string($0) }), "apiGroups": [.string(group)],
                "apiVersions": [.string(version)], "resources": .array(resources.map { .string($0) }),
            ]
        }
        let all = ["CREATE", "UPDATE", "DELETE"]
        func webhook(_ name: String, _ rules: [JSONValue]) -> JSONValue {
            [
                "name": .string(name), "clientConfig": client, "rules": .array(rules), "failurePolicy": "Ignore",
                "sideEffects": "NoneOnDryRun", "timeoutSeconds": 5, "admissionReviewVersions": ["v1"],
            ]
        }
        return [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": ["name": "reloader"],
            "webhooks": [
                webhook(
                    "configs.reloader.stakater.com",
                    [
                        rule(all, "", "v1", ["configmaps", "secrets"]),
                        rule(["CREATE", "UPDATE"], "", "v1", ["namespaces"]),
                    ]),
                webhook(
                    "workloads.reloader.stakater.com",
                    [
                        rule(all, "apps", "v1", ["deployments", "daemonsets", "statefulsets"]),
                        rule(all, "batch", "v1", ["cronjobs", "jobs"]),
                    ]),
            ],
        ]
    }
}
