import Foundation
import Testing

@testable import Reloader

@Suite("reload alerts: message, bodies, verdicts")
struct ReloadAlertTests {
    static let alert = ReloadAlert(
        config: ConfigRef(kind: .configMap, namespace: "shop", name: "app-config"), hash: "abc123",
        workload: WorkloadRef(kind: .deployment, namespace: "shop", name: "web"), strategy: "env-vars")

    static let sentence =
        "Reloader detected changes in *app-config* of type *CONFIGMAP* in namespace *shop*. "
        + "Hence reloaded *web* of type *Deployment* in namespace *shop*"

    /// Parses with Foundation, a decoder independent of ours.
    private func decode(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test("the message is the contract's sentence for each config kind", arguments: ConfigKind.allCases)
    func message(kind: ConfigKind) {
        var alert = Self.alert
        alert.config.kind = kind
        #expect(alert.message == Self.sentence.replacingOccurrences(of: "*CONFIGMAP*", with: "*\(kind.typeName)*"))
    }

    @Test("a SecretProviderClass is typed SECRETPROVIDERCLASS, a Secret SECRET")
    func typeNames() {
        var alert = Self.alert
        alert.config.kind = .secretProviderClass
        #expect(alert.message.contains("of type *SECRETPROVIDERCLASS* in namespace"))
        alert.config.kind = .secret
        #expect(alert.message.contains("of type *SECRET* in namespace"))
    }

    @Test(
        "the additional info is trimmed and prefixed with ' : '; blank is none",
        arguments: [("prod-eu", "prod-eu : "), ("  prod-eu\n", "prod-eu : "), ("", ""), ("   ", "")])
    func additionalInfo(info: String, prefix: String) {
        var alert = Self.alert
        alert.additionalInfo = info
        #expect(alert.message == prefix + Self.sentence)
    }

    @Test("each sink's body, byte for byte where Reloader's Go structs fix the key order")
    func bodies() throws {
        let text = String(decoding: Self.alert.body(for: .slack), as: UTF8.self)
        #expect(text == #"{"attachments":[{"color":"good","author_name":"Reloader","text":"\#(Self.sentence)"}]}"#)
        #expect(String(decoding: Self.alert.body(for: .teams), as: UTF8.self) == #"{"text":"\#(Self.sentence)"}"#)
        #expect(String(decoding: Self.alert.body(for: .googleChat), as: UTF8.self) == #"{"text":"\#(Self.sentence)"}"#)
    }

    @Test("the raw body is JSON: the message without asterisks, the config with its hash, the workload")
    func rawBody() throws {
        var alert = Self.alert
        alert.additionalInfo = "*prod*"
        let body = try decode(alert.body(for: .raw))
        #expect(body["message"] as? String == "prod : " + Self.sentence.replacingOccurrences(of: "*", with: ""))
        #expect(
            body["config"] as? NSDictionary == [
                "kind": "ConfigMap", "namespace": "shop", "name": "app-config", "hash": "abc123",
            ])
        #expect(body["workload"] as? NSDictionary == ["kind": "Deployment", "namespace": "shop", "name": "web"])
        #expect(body["strategy"] as? String == "env-vars")
        #expect(body["additionalInfo"] as? String == "*prod*")
        #expect(try decode(Self.alert.body(for: .raw))["additionalInfo"] == nil)
    }

    @Test(
        "names with quotes, backslashes, control characters and non-ASCII survive every body",
        arguments: ReloadAlert.Sink.allCases)
    func escaping(sink: ReloadAlert.Sink) throws {
        var alert = Self.alert
        alert.config.name = "quote\"back\\slash"
        alert.workload.name = "caf\u{E9}-\u{1F680}"
        alert.additionalInfo = "line1\nline2\ttab\u{1}"
        let body = try decode(alert.body(for: sink))
        let text: String? =
            switch sink {
            case .slack: ((body["attachments"] as? [NSDictionary])?.first?["text"]) as? String
            case .teams, .googleChat: body["text"] as? String
            case .raw: body["message"] as? String
            }
        #expect(text == (sink == .raw ? alert.message.replacingOccurrences(of: "*", with: "") : alert.message))
        #expect(text?.contains("quote\"back\\slash") == true && text?.contains("caf\u{E9}-\u{1F680}") == true)
        if sink == .raw {
            #expect((body["config"] as? NSDictionary)?["name"] as? String == "quote\"back\\slash")
        }
    }

    @Test(
        "sink names as Reloader reads them: trimmed, any case; anything else is raw",
        arguments: [
            ("slack", ReloadAlert.Sink.slack), (" Slack\n", .slack), ("TEAMS", .teams), ("gchat", .googleChat),
            ("GChat", .googleChat), ("webhook", .raw), ("raw", .raw), ("", .raw), ("googlechat", .raw),
        ])
    func sinkNames(name: String, sink: ReloadAlert.Sink) {
        #expect(ReloadAlert.Sink(name: name) == sink)
    }

    @Test(
        "verdicts: Slack and raw succeed below 400, Teams and Google Chat only on 200; 3xx refused; 5xx retried",
        arguments: [
            (200, ReloadAlert.Sink.slack, ReloadAlert.Verdict.delivered), (204, .slack, .delivered),
            (204, .raw, .delivered), (200, .teams, .delivered), (202, .teams, .refused("not 200")),
            (200, .googleChat, .delivered), (201, .googleChat, .refused("not 200")),
            (302, .slack, .refused("redirect refused")), (307, .teams, .refused("redirect refused")),
            (301, .raw, .refused("redirect refused")), (404, .slack, .refused("rejected")),
            (400, .raw, .refused("rejected")), (429, .slack, .retry), (408, .teams, .retry), (500, .slack, .retry),
            (503, .googleChat, .retry),
        ])
    func verdicts(status: Int, sink: ReloadAlert.Sink, verdict: ReloadAlert.Verdict) {
        #expect(ReloadAlert.verdict(status: status, sink: sink) == verdict)
    }

    @Test(
        "logs name the host only: no scheme, credentials, path or query",
        arguments: [
            ("https://hooks.slack.com/services/T0/B0/secret", "hooks.slack.com"),
            ("http://user:pw@127.0.0.1:8080/hook?token=x", "127.0.0.1:8080"),
            ("https://example.com?sig=abc", "example.com"), ("https://chat.googleapis.com#frag", "chat.googleapis.com"),
        ])
    func host(url: String, host: String) {
        #expect(ReloadAlert.host(of: url) == host)
    }
}
