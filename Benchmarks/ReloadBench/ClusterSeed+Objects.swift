import Foundation
import Reloader

/// One config a Deployment uses, and how its pod template refers to it.
struct ConfigUse: Sendable, Hashable {
    enum Style: Sendable, Hashable {
        /// `envFrom: [{configMapRef|secretRef}]`
        case envFrom
        /// a `configMap`/`secret` volume, mounted
        case volume
        /// `env: [{valueFrom: {configMapKeyRef|secretKeyRef}}]`
        case envKey
    }

    var kind: ConfigKind
    var name: String
    var style: Style
}

/// The objects, shaped as an API server stores them (labels, a managedFields entry, a container with resources
/// and a probe), so LIST sizes are realistic. Contents are deterministic: a name always gives the same bytes.
extension ClusterSeed {
    /// 2 KiB of YAML-looking text under one key.
    static func configMapData(_ name: String) -> [String: String] {
        var text = "# \(name)\n"
        var line = 0
        while text.utf8.count < 2048 - 40 {
            text += "setting_\(line): value-\(line * 7919 % 10007)-\(name)\n"
            line += 1
        }
        text += String(repeating: "#", count: 2048 - text.utf8.count)
        return ["application.yaml": text]
    }

    /// 1 KiB once decoded: a 24-byte password and a 1000-byte key, base64 as the API stores them. The bytes come
    /// from the name (FNV-1a, then an LCG), not a random source, so every run seeds the same cluster.
    static func secretData(_ name: String) -> [String: String] {
        let seed = name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        func bytes(_ count: Int, _ salt: UInt64) -> [UInt8] {
            var state = seed ^ salt
            return (0..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        return ["password": Base64.encode(bytes(24, 1)), "tls.key": Base64.encode(bytes(1000, 2))]
    }

    static func configMap(_ name: String, _ namespace: String, _ data: [String: String]) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": ["app.kubernetes.io/part-of": .string(namespace)],
            ],
            "data": .object(data.mapValues { .string($0) }),
        ]
    }

    static func secret(_ name: String, _ namespace: String, _ data: [String: String]) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": ["app.kubernetes.io/part-of": .string(namespace)],
            ],
            "data": .object(data.mapValues { .string($0) }),
        ]
    }

    /// A Deployment with `reloader.stakater.com/auto: "true"` using `uses`; `markers` are env vars
    /// (`STAKATER_*` = hash) already in its container, as an earlier reload would have left them.
    static func deployment(
        _ name: String, _ namespace: String, uses: [ConfigUse], markers: [(name: String, value: String)]
    ) -> JSONValue {
        var env: [JSONValue] = [["name": "LOG_LEVEL", "value": "info"], ["name": "PORT", "value": "8080"]]
        var envFrom: [JSONValue] = []
        var volumes: [JSONValue] = []
        var mounts: [JSONValue] = []
        for (position, use) in uses.enumerated() {
            let isSecret = use.kind == .secret
            switch use.style {
            case .envFrom:
                envFrom.append(
                    isSecret
                        ? ["secretRef": ["name": .string(use.name)]] : ["configMapRef": ["name": .string(use.name)]])
            case .volume:
                let volume = "config-\(position)"
                volumes.append(
                    isSecret
                        ? ["name": .string(volume), "secret": ["secretName": .string(use.name), "defaultMode": 420]]
                        : ["name": .string(volume), "configMap": ["name": .string(use.name), "defaultMode": 420]])
                mounts.append(["name": .string(volume), "mountPath": .string("/etc/\(volume)"), "readOnly": true])
            case .envKey:
                let reference: JSONValue = [
                    "name": .string(use.name), "key": isSecret ? "password" : "application.yaml",
                ]
                env.append([
                    "name": .string("VALUE_\(position)"),
                    "valueFrom": isSecret ? ["secretKeyRef": reference] : ["configMapKeyRef": reference],
                ])
            }
        }
        for marker in markers { env.append(["name": .string(marker.name), "value": .string(marker.value)]) }
        var container: JSONValue = [
            "name": "app", "image": .string("registry.example.com/\(namespace)/app:1.4.2"),
            "ports": [["name": "http", "containerPort": 8080, "protocol": "TCP"]], "env": .array(env),
            "resources": [
                "limits": ["cpu": "500m", "memory": "256Mi"], "requests": ["cpu": "100m", "memory": "128Mi"],
            ],
            "livenessProbe": [
                "httpGet": ["path": "/healthz", "port": 8080, "scheme": "HTTP"], "periodSeconds": 10,
                "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3,
            ],
            "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        ]
        if !envFrom.isEmpty { container["envFrom"] = .array(envFrom) }
        if !mounts.isEmpty { container["volumeMounts"] = .array(mounts) }
        var podSpec: JSONValue = [
            "containers": [container], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "serviceAccountName": "default", "schedulerName": "default-scheduler",
        ]
        if !volumes.isEmpty { podSpec["volumes"] = .array(volumes) }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": ["app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": .string(namespace)],
                "annotations": ["reloader.stakater.com/auto": "true"],
                "managedFields": [
                    [
                        "manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "apps/v1",
                        "time": "2025-11-20T09:15:40Z", "fieldsType": "FieldsV1",
                        "fieldsV1": [
                            "f:metadata": ["f:annotations": [".": [:]], "f:labels": [".": [:]]],
                            "f:spec": ["f:replicas": [:], "f:template": ["f:spec": ["f:containers": [:]]]],
                        ],
                    ]
                ],
            ],
            "spec": [
                "replicas": 2, "selector": ["matchLabels": ["app": .string(name)]],
                "template": ["metadata": ["labels": ["app": .string(name)]], "spec": podSpec],
                "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": "25%", "maxSurge": "25%"]],
                "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
            ],
        ]
    }
}
