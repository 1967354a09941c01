import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct ConfigFilterTests {
        @Test(
            "label selector entries, legacy forms included, match as Reloader's (§7.1)",
            arguments: [
                (["app=web"], ["app": "web"], true),
                (["app=web"], ["app": "api"], false),
                (["app==web"], ["app": "web"], true),
                (["app!=web"], ["app": "api"], true),
                (["app!=web"], [:], true),
                (["app in (web,api)"], ["app": "api"], true),
                (["app in (web, api)"], ["app": "db"], false),
                (["app notin (web)"], ["app": "db"], true),
                (["app notin (web)"], [:], true),
                (["app"], ["app": "x"], true),
                (["app"], [:], false),
                (["!app"], [:], true),
                (["app:web"], ["app": "web"], true),  // legacy k:v
                (["app:web"], ["app": "api"], false),
                (["app:*"], ["app": "anything"], true),  // legacy k:*
                (["app:*"], ["team": "a"], false),
                (["app=*"], ["app": "anything"], true),
                (["app=web", "team=a"], ["app": "web", "team": "a"], true),  // entries ANDed
                (["app=web", "team=a"], ["app": "web"], false),
                (["app=web,team=a"], ["app": "web"], false),
                (["app in (web", "api)"], ["app": "api"], true),  // a set the list flag split at its comma
                (["app:web", "team in (a", "b)"], ["app": "web", "team": "b"], true),
                (["priority>5"], ["priority": "7"], true),  // apimachinery's Gt/Lt, which the flags accept
                (["priority>5"], ["priority": "high"], false),
                (["priority<5"], [:], false),
                ([], [:], true),
            ] as [([String], [String: String], Bool)])
        func selectors(entries: [String], labels: [String: String], matches: Bool) throws {
            #expect(try LabelSelector(entries: entries).matches(labels) == matches)
        }

        @Test("malformed selectors are refused", arguments: ["app in web", "a b=c", "app=we b", "app in (a", "=x"])
        func malformed(entry: String) {
            #expect(throws: LabelSelector.ParseError.self) { try LabelSelector(entries: [entry]) }
        }

        @Test(
            "C45 C46 C47 C50 namespaces, namespaces-to-ignore, namespace and resource selectors",
            arguments: [
                ("shop", ["env": "prod"], ["reload": "yes"], true),
                ("kube-system", ["env": "prod"], ["reload": "yes"], false),  // C45 ignored namespace
                ("other", ["env": "prod"], ["reload": "yes"], false),  // C50 not in --namespaces
                ("shop", ["env": "dev"], ["reload": "yes"], false),  // C46 namespace selector
                ("shop", ["env": "prod"], [:], false),  // C47 resource label selector
            ])
        func filter(
            namespace: String, namespaceLabels: [String: String], configLabels: [String: String], admitted: Bool
        ) throws {
            var filter = ConfigFilter()
            filter.namespaces = ["shop", "kube-system"]
            filter.namespacesToIgnore = ["kube-system"]
            filter.namespaceSelector = try LabelSelector(entries: ["env:prod"])
            filter.resourceLabelSelector = try LabelSelector(entries: ["reload=yes"])
            #expect(
                filter.admits(namespace: namespace, namespaceLabels: namespaceLabels, configLabels: configLabels)
                    == admitted)
        }

        @Test("an empty filter admits everything; unknown namespace labels fail a namespace selector")
        func defaults() throws {
            #expect(ConfigFilter().admits(namespace: "any", namespaceLabels: nil, configLabels: [:]))
            var filter = ConfigFilter()
            filter.namespaceSelector = try LabelSelector(entries: ["env=prod"])
            #expect(!filter.admits(namespace: "shop", namespaceLabels: nil, configLabels: [:]))
        }
    }
}
