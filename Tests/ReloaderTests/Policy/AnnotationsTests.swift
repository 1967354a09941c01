import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct AnnotationsTests {
        @Test(
            "auto values parse as Go's strconv.ParseBool",
            arguments: [
                ("true", true), ("1", true), ("t", true), ("T", true), ("TRUE", true), ("True", true),
                ("false", false), ("0", false), ("f", false), ("F", false), ("FALSE", false), ("False", false),
            ])
        func goBools(text: String, expected: Bool) {
            #expect(Annotations.parseBool(text) == expected)
        }

        @Test("other auto values are invalid (nil)", arguments: ["", "yes", "no", "tRUE", " true", "2", "on"])
        func invalidBools(text: String) {
            #expect(Annotations.parseBool(text) == nil)
        }

        @Test(
            "search, match and ignore count only with exactly \"true\"",
            arguments: [
                ("true", true), ("True", false), ("1", false), ("TRUE", false), ("", false),
            ])
        func exactTrue(text: String, expected: Bool) {
            #expect(Annotations.isExactlyTrue(text) == expected)
            #expect(Annotations.isExactlyTrue(nil) == false)
        }

        @Test(
            "comma lists are split and each entry trimmed",
            arguments: [
                ("a,b", ["a", "b"]), (" a , b ", ["a", "b"]), ("a", ["a"]), ("a,,b", ["a", "", "b"]), ("\ta\n", ["a"]),
            ])
        func commaLists(text: String, expected: [String]) {
            #expect(Annotations.commaList(text) == expected)
        }

        @Test(
            "reload list entries are anchored regexes (C28, C29)",
            arguments: [
                ("app-.*", "app-config", true),  // C28
                ("app-.*", "other-config", false),  // C29
                ("app-config", "app-config", true),
                ("app", "app-config", false),  // anchored at the end
                ("config", "app-config", false),  // anchored at the start
                ("foo, app-config", "app-config", true),
                ("foo,bar", "app-config", false),
                ("app-config-[0-9]+", "app-config-12", true),
                ("app.config", "app-config", true),  // `.` is a regex, as in Reloader
            ])
        func reloadListMatches(list: String, name: String, matches: Bool) {
            #expect(ReloadList(list).match(name).matches == matches)
        }

        @Test("an invalid regex entry is reported and skipped; valid entries still match (C30)")
        func invalidEntrySkipped() {
            let result = ReloadList("app-[, app-config").match("app-config")
            #expect(result.matches)
            #expect(result.invalidEntries.map(\.entry) == ["app-["])
            let none = ReloadList("(unclosed").match("app-config")
            #expect(!none.matches)
            #expect(none.invalidEntries.count == 1)
        }

        @Test(
            "every annotation key has Reloader's default and its rename flag (§2)",
            arguments: [
                ("auto-annotation", "reloader.stakater.com/auto"),
                ("configmap-auto-annotation", "configmap.reloader.stakater.com/auto"),
                ("secret-auto-annotation", "secret.reloader.stakater.com/auto"),
                ("secretproviderclass-auto-annotation", "secretproviderclass.reloader.stakater.com/auto"),
                ("configmap-annotation", "configmap.reloader.stakater.com/reload"),
                ("secret-annotation", "secret.reloader.stakater.com/reload"),
                ("secretproviderclass-annotation", "secretproviderclass.reloader.stakater.com/reload"),
                ("auto-search-annotation", "reloader.stakater.com/search"),
                ("search-match-annotation", "reloader.stakater.com/match"),
                ("ignore-annotation", "reloader.stakater.com/ignore"),
                ("configmap-exclude-annotation", "configmaps.exclude.reloader.stakater.com/reload"),
                ("secret-exclude-annotation", "secrets.exclude.reloader.stakater.com/reload"),
                (
                    "secretproviderclass-exclude-annotation",
                    "secretproviderclasses.exclude.reloader.stakater.com/reload"
                ),
                ("pause-deployment-annotation", "deployment.reloader.stakater.com/pause-period"),
                ("pause-deployment-time-annotation", "deployment.reloader.stakater.com/paused-at"),
            ])
        func defaultsAndFlags(flag: String, key: String) throws {
            let entry = try #require(AnnotationKeys.renameFlags.first { $0.flag.rawValue == flag })
            #expect(AnnotationKeys()[keyPath: entry.key] == key)
            var renamed = AnnotationKeys()
            renamed[keyPath: entry.key] = "example.com/x"
            #expect(renamed[keyPath: entry.key] == "example.com/x")
            #expect(AnnotationKeys(overrides: [entry.flag: "example.com/y"])[keyPath: entry.key] == "example.com/y")
        }

        @Test("the fixed keys are Reloader's")
        func fixedKeys() {
            #expect(Annotations.lastReloadedFrom == "reloader.stakater.com/last-reloaded-from")
            #expect(Annotations.rolloutStrategy == "reloader.stakater.com/rollout-strategy")
            #expect(AnnotationKeys.renameFlags.count == 15)
            #expect(
                Set(AnnotationKeys.renameFlags.map(\.flag))
                    == Set(ConfigurationFlag.allCases.filter(\.isAnnotationRename)))
        }
    }
}
