import Testing

@testable import Reloader

/// `--namespace-selector` and `--resource-label-selector` syntax (contract §7.1).
@Suite struct ConfigurationLabelSelectorTests {
    @Test(
        "entries normalise to requirements",
        arguments: [
            (["team=a"], ["team=a"]),
            (["team=a", "env!=dev"], ["team=a", "env!=dev"]),
            (["team==a"], ["team==a"]),
            (["tier in (web", "api)"], ["tier in (web,api)"]),  // split by the list flag, joined back as Reloader does
            (["tier notin (web,api)", "x"], ["tier notin (web,api)", "x"]),
            (["!legacy"], ["!legacy"]),
            (["team:a"], ["team=a"]),  // legacy k:v
            (["team:*"], ["team"]),  // legacy wildcard
            (["team=*"], ["team"]),
            (["example.com/team=a"], ["example.com/team=a"]),
            (["team="], ["team="]),  // empty value is a valid label value
            (["priority>5"], ["priority>5"]),
            ([" team = a ", ""], ["team = a"]),
        ])
    func normalises(entries: [String], requirements: [String]) throws {
        #expect(try LabelSelectorSyntax.requirements(from: entries) == requirements)
    }

    @Test(
        "malformed requirements are refused",
        arguments: [
            "=a", "team=a b", "tier in web", "tier in (web", "tier in ()", "tier between (a,b)", "a/b/c=x",
            "Example.com/team=a", "-team=a", "team=-a", "priority>high", "team)", String(repeating: "k", count: 64),
        ])
    func refuses(requirement: String) {
        #expect(throws: LabelSelectorSyntax.SyntaxError.self) {
            try LabelSelectorSyntax.requirements(from: [requirement])
        }
    }
}
