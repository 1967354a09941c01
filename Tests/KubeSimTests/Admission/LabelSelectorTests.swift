import KubeSim
import Reloader
import Testing

@Suite("metav1.LabelSelector")
struct LabelSelectorTests {
    @Test(
        "matchLabels and every matchExpressions operator",
        arguments: [
            (JSONValue.null, ["a": "1"], true),
            ([:] as JSONValue, [:], true),
            (["matchLabels": ["a": "1"]] as JSONValue, ["a": "1", "b": "2"], true),
            (["matchLabels": ["a": "1"]] as JSONValue, ["a": "2"], false),
            (
                ["matchExpressions": [["key": "a", "operator": "In", "values": ["1", "2"]]]] as JSONValue, ["a": "2"],
                true
            ),
            (["matchExpressions": [["key": "a", "operator": "In", "values": ["1"]]]] as JSONValue, [:], false),
            (["matchExpressions": [["key": "a", "operator": "NotIn", "values": ["1"]]]] as JSONValue, [:], true),
            (
                ["matchExpressions": [["key": "a", "operator": "NotIn", "values": ["1"]]]] as JSONValue, ["a": "1"],
                false
            ),
            (["matchExpressions": [["key": "a", "operator": "Exists"]]] as JSONValue, ["a": ""], true),
            (["matchExpressions": [["key": "a", "operator": "DoesNotExist"]]] as JSONValue, ["a": ""], false),
            (
                ["matchLabels": ["a": "1"], "matchExpressions": [["key": "b", "operator": "Exists"]]] as JSONValue,
                ["a": "1"], false
            ),
        ])
    func matches(selector: JSONValue, labels: [String: String], expected: Bool) throws {
        #expect(try LabelSelector(selector, path: "s").matches(labels) == expected)
    }

    @Test(
        "malformed selectors name the field",
        arguments: [
            (["matchExpressions": [["key": "a", "operator": "In"]]] as JSONValue, "s.matchExpressions[0].values"),
            (
                ["matchExpressions": [["key": "a", "operator": "Exists", "values": ["x"]]]] as JSONValue,
                "s.matchExpressions[0].values"
            ),
            (["matchExpressions": [["key": "a", "operator": "Like"]]] as JSONValue, "s.matchExpressions[0].operator"),
            (["matchLabels": ["a": 1]] as JSONValue, "s.matchLabels"),
            ("x" as JSONValue, "s"),
        ])
    func malformed(selector: JSONValue, path: String) {
        #expect {
            _ = try LabelSelector(selector, path: "s")
        } throws: { error in
            guard case .invalid(let failing, _) = error as? WebhookConfigurationError else { return false }
            return failing == path
        }
    }
}
