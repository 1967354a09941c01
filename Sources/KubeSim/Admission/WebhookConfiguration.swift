public import Reloader

/// A ValidatingWebhookConfiguration's webhooks, decoded from the stored object with kube-apiserver's defaults
/// (failurePolicy Fail, matchPolicy Equivalent, timeoutSeconds 10, scope "*"). Pure.
public struct ValidatingWebhook: Sendable, Equatable {
    public enum FailurePolicy: String, Sendable { case ignore = "Ignore", fail = "Fail" }
    /// `sideEffects`: whether calling the webhook changes anything outside the review. A dry-run write may only be
    /// sent to webhooks that declare None or NoneOnDryRun.
    public enum SideEffects: String, Sendable {
        case none = "None", noneOnDryRun = "NoneOnDryRun", some = "Some", unknown = "Unknown"
        public var allowsDryRun: Bool { self == .none || self == .noneOnDryRun }
    }
    public enum Endpoint: Sendable, Equatable {
        case url(String)
        case service(namespace: String, name: String, path: String, port: Int)
    }

    public struct Rule: Sendable, Equatable {
        public var operations: [String]
        public var apiGroups: [String]
        public var apiVersions: [String]
        public var resources: [String]
        public var scope: String
    }

    /// The configuration object's name and the webhook's own name.
    public var configurationName: String
    public var name: String
    public var endpoint: Endpoint
    /// PEM bytes of the CA that signs the webhook's serving certificate; nil: the system roots.
    public var caBundle: [UInt8]?
    public var rules: [Rule]
    public var failurePolicy: FailurePolicy
    public var sideEffects: SideEffects
    public var namespaceSelector: LabelSelector
    public var objectSelector: LabelSelector
    public var timeoutSeconds: Int

    /// Every webhook of one ValidatingWebhookConfiguration object.
    public static func webhooks(in configuration: JSONValue) throws(WebhookConfigurationError) -> [ValidatingWebhook] {
        let configurationName = configuration[path: ["metadata", "name"]]?.stringValue ?? ""
        var result: [ValidatingWebhook] = []
        for (index, hook) in (configuration["webhooks"]?.arrayValue ?? []).enumerated() {
            let path = "\(configurationName).webhooks[\(index)]"
            guard let name = hook["name"]?.stringValue, !name.isEmpty else {
                throw .invalid(path: "\(path).name", reason: "is required")
            }
            let client = hook["clientConfig"]
            let endpoint: Endpoint
            if let url = client?["url"]?.stringValue {
                endpoint = .url(url)
            } else if let service = client?["service"], let serviceName = service["name"]?.stringValue,
                let namespace = service["namespace"]?.stringValue
            {
                endpoint = .service(
                    namespace: namespace, name: serviceName, path: service["path"]?.stringValue ?? "/",
                    port: service["port"]?.intValue ?? 443)
            } else {
                throw .invalid(path: "\(path).clientConfig", reason: "needs url or service {namespace, name}")
            }
            var caBundle: [UInt8]?
            if let encoded = client?["caBundle"]?.stringValue, !encoded.isEmpty {
                guard let decoded = Base64.decode(encoded) else {
                    throw .invalid(path: "\(path).clientConfig.caBundle", reason: "is not base64")
                }
                caBundle = decoded
            }
            var rules: [Rule] = []
            for rule in hook["rules"]?.arrayValue ?? [] {
                func strings(_ key: String) -> [String] { (rule[key]?.arrayValue ?? []).compactMap(\.stringValue) }
                rules.append(
                    Rule(
                        operations: strings("operations"), apiGroups: strings("apiGroups"),
                        apiVersions: strings("apiVersions"), resources: strings("resources"),
                        scope: rule["scope"]?.stringValue ?? "*"))
            }
            let policyText = hook["failurePolicy"]?.stringValue ?? "Fail"
            guard let policy = FailurePolicy(rawValue: policyText) else {
                throw .invalid(path: "\(path).failurePolicy", reason: "must be Ignore or Fail")
            }
            // Required in admissionregistration.k8s.io/v1; kube-sim does not validate stored configurations, so a
            // missing one is read as v1beta1's default, Unknown.
            let sideEffectsText = hook["sideEffects"]?.stringValue ?? "Unknown"
            guard let sideEffects = SideEffects(rawValue: sideEffectsText) else {
                throw .invalid(path: "\(path).sideEffects", reason: "must be None, NoneOnDryRun, Some or Unknown")
            }
            result.append(
                ValidatingWebhook(
                    configurationName: configurationName, name: name, endpoint: endpoint, caBundle: caBundle,
                    rules: rules, failurePolicy: policy, sideEffects: sideEffects,
                    namespaceSelector: try LabelSelector(hook["namespaceSelector"], path: "\(path).namespaceSelector"),
                    objectSelector: try LabelSelector(hook["objectSelector"], path: "\(path).objectSelector"),
                    timeoutSeconds: min(30, max(1, hook["timeoutSeconds"]?.intValue ?? 10))))
        }
        return result
    }

    /// Whether this webhook is called for a write (rules, then selectors), as kube-apiserver decides.
    public func matches(_ attributes: AdmissionAttributes, namespaced: Bool) -> Bool {
        guard rules.contains(where: { $0.matches(attributes, namespaced: namespaced) }) else { return false }
        // namespaceSelector applies to namespaced objects (by their namespace's labels) and to Namespace objects
        // themselves (by their own labels); other cluster-scoped objects always match it.
        if attributes.resource == "namespaces" && attributes.group.isEmpty {
            let labels =
                (attributes.object ?? attributes.oldObject)?[path: ["metadata", "labels"]]?.stringMapValue ?? [:]
            if !namespaceSelector.matches(labels) { return false }
        } else if namespaced, !namespaceSelector.matches(attributes.namespaceLabels ?? [:]) {
            return false
        }
        // objectSelector (as kube-apiserver's matcher): empty matches all; otherwise the new or the old object's
        // labels must match, and a missing object never does.
        guard objectSelector != .everything else { return true }
        return [attributes.object, attributes.oldObject].contains { object in
            guard let object else { return false }
            return objectSelector.matches(object[path: ["metadata", "labels"]]?.stringMapValue ?? [:])
        }
    }
}

extension ValidatingWebhook.Rule {
    /// `admissionregistration.k8s.io/v1` RuleWithOperations: `*` wildcards; `resources` may name a subresource
    /// (`deployments/scale`), `*` matches every resource but no subresource, `*/*` everything.
    func matches(_ attributes: AdmissionAttributes, namespaced: Bool) -> Bool {
        func contains(_ list: [String], _ value: String) -> Bool { list.contains("*") || list.contains(value) }
        guard contains(operations, attributes.operation), contains(apiGroups, attributes.group),
            contains(apiVersions, attributes.version)
        else { return false }
        switch scope {
        case "Cluster": if namespaced { return false }
        case "Namespaced": if !namespaced { return false }
        default: break
        }
        let sub = attributes.subResource ?? ""
        return resources.contains { pattern in
            let parts = pattern.split(separator: "/", maxSplits: 1).map(String.init)
            let resource = parts.first ?? ""
            let subPattern = parts.count > 1 ? parts[1] : ""
            let resourceMatches = resource == "*" || resource == attributes.resource
            let subMatches = subPattern == "*" || subPattern == sub
            return resourceMatches && subMatches
        }
    }
}

public enum WebhookConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalid(path: String, reason: String)
    public var description: String {
        switch self {
        case .invalid(let path, let reason): "ValidatingWebhookConfiguration \(path): \(reason)"
        }
    }
}
