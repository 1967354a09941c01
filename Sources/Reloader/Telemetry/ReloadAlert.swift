/// The alert for one workload reloaded successfully (contract §10): its message, its body for each sink, and what
/// a sink's answer means. Pure: values in, bytes and verdicts out; `AlertNotifier` does the sending.
///
/// Reloader's `internal/pkg/alerts/alert.go` is matched where the contract follows it: the sink name is trimmed and
/// lower-cased (`Slack` is `slack`), the additional info is trimmed and prefixed as `<info> : `, Slack gets one
/// `good` attachment by `Reloader`, Teams and Google Chat get `{"text":…}` and count only 200 as success.
/// Δ Reloader posts the bare text (asterisks removed) to any other sink; we post JSON with the same text and the
/// config and workload as fields, so a receiver need not parse the sentence.
public struct ReloadAlert: Sendable, Hashable {
    /// Where the alert goes, from `--alert-sink` / `ALERT_SINK`.
    public enum Sink: String, Sendable, Hashable, CaseIterable {
        case slack
        case teams
        case googleChat = "gchat"
        /// Anything else: `webhook`, `raw`, empty.
        case raw

        /// Reloader's rule: trimmed, case-insensitive; any unknown name is the raw JSON webhook.
        public init(name: String) {
            let word = name.trimmingASCIIWhitespace().lowercased()
            self = Sink(rawValue: word) ?? .raw
        }
    }

    /// What a sink's HTTP answer means for the alert.
    public enum Verdict: Sendable, Hashable {
        case delivered
        /// Worth another try: the sink is overloaded or broken for now (5xx, 429, 408).
        case retry
        /// Not worth another try: a redirect (refused, never followed), a rejection (4xx), or a success status the
        /// sink does not count as success (Teams' 202), where the message may well have been posted already.
        case refused(String)
    }

    public var config: ConfigRef
    /// The hash written to the workload (`ContentHash.deleteMarker` for a deleted config).
    public var hash: String
    public var workload: WorkloadRef
    /// `--alert-additional-info` / `ALERT_ADDITIONAL_INFO`, e.g. the cluster's name; empty for none.
    public var additionalInfo: String
    /// `env-vars` or `annotations`: how the workload was reloaded (raw JSON body only).
    public var strategy: String

    public init(config: ConfigRef, hash: String, workload: WorkloadRef, additionalInfo: String = "", strategy: String) {
        self.config = config
        self.hash = hash
        self.workload = workload
        self.additionalInfo = additionalInfo
        self.strategy = strategy
    }

    /// The contract's sentence, with Slack-style `*bold*` names, after `<additional info> : ` when there is any.
    /// Reloader prefixes an additional info that is set but blank as well (` : …`); we read blank as unset.
    public var message: String {
        let sentence =
            "Reloader detected changes in *\(config.name)* of type *\(config.kind.typeName)* in namespace "
            + "*\(config.namespace)*. Hence reloaded *\(workload.name)* of type *\(workload.kind.rawValue)* in "
            + "namespace *\(workload.namespace)*"
        let info = additionalInfo.trimmingASCIIWhitespace()
        return info.isEmpty ? sentence : "\(info) : \(sentence)"
    }

    /// The request body for `sink`, always JSON. Slack's, Teams' and Google Chat's keep the key order of Reloader's
    /// Go structs, byte for byte; the raw body is a JSON object with sorted keys.
    public func body(for sink: Sink) -> [UInt8] {
        var out: [UInt8] = []
        switch sink {
        case .slack:
            out.append(contentsOf: #"{"attachments":[{"color":"good","author_name":"Reloader","text":"#.utf8)
            JSONValue.writeString(message, into: &out)
            out.append(contentsOf: "}]}".utf8)
        case .teams, .googleChat:
            out.append(contentsOf: #"{"text":"#.utf8)
            JSONValue.writeString(message, into: &out)
            out.append(contentsOf: "}".utf8)
        case .raw:
            var body: JSONValue = [
                // Reloader strips every `*` from the raw text, those of the additional info included.
                "message": .string(message.filter { $0 != "*" }),
                "config": [
                    "kind": .string(config.kind.rawValue), "namespace": .string(config.namespace),
                    "name": .string(config.name), "hash": .string(hash),
                ],
                "workload": [
                    "kind": .string(workload.kind.rawValue), "namespace": .string(workload.namespace),
                    "name": .string(workload.name),
                ],
                "strategy": .string(strategy),
            ]
            let info = additionalInfo.trimmingASCIIWhitespace()
            if !info.isEmpty { body["additionalInfo"] = .string(info) }
            body.write(into: &out)
        }
        return out
    }

    /// What `status` from `sink` means. Success as in Reloader: below 400 for Slack and raw, exactly 200 for
    /// Teams and Google Chat; but a 3xx is never success here (the redirect is not followed, so nothing arrived).
    public static func verdict(status: Int, sink: Sink) -> Verdict {
        switch status {
        case 300..<400: return .refused("redirect refused")
        case 408, 429, 500...: return .retry
        case 400..<500: return .refused("rejected")
        default: break
        }
        switch sink {
        case .slack, .raw: return .delivered
        case .teams, .googleChat: return status == 200 ? .delivered : .refused("not 200")
        }
    }

    /// The host (and port) of `url`, without scheme, credentials, path or query: all a log line may say about a
    /// sink, since a Slack or Teams webhook URL is itself the secret.
    public static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return String(authority) }
        return String(authority[authority.index(after: at)...])
    }
}
