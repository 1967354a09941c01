import Foundation
import KubeSim
import Reloader
import Testing

private let configMaps = ResourceRegistry.standard.lookup(group: "", version: "v1", resource: "configmaps")!

private func seeded() throws -> ObjectStore {
    let store = ObjectStore()
    for (name, labels) in [
        ("a", ["app": "web", "tier": "front"]), ("b", ["app": "api"]), ("c", ["app": "web"]), ("d", [:]),
        ("e", ["app": "db", "tier": "back"]),
    ] {
        _ = try store.create(
            configMaps, namespace: "default", body: ["metadata": ["name": .string(name), "labels": .from(labels)]])
    }
    return store
}

private func names(_ list: JSONValue) -> [String] {
    (list["items"]?.arrayValue ?? []).compactMap { $0[path: ["metadata", "name"]]?.stringValue }
}

@Test(
    "label selectors",
    arguments: [
        ("app=web", ["a", "c"]), ("app==web", ["a", "c"]), ("app!=web", ["b", "d", "e"]),
        ("app in (web,db)", ["a", "c", "e"]), ("app notin (web, db)", ["b", "d"]), ("tier", ["a", "e"]),
        ("!tier", ["b", "c", "d"]), ("app=web,tier=front", ["a"]), ("", ["a", "b", "c", "d", "e"]),
    ])
func labelSelectors(selector: String, expected: [String]) throws {
    let list = try seeded().list(
        configMaps, namespace: "default", options: .init(labelSelector: try LabelSelector(parsing: selector)))
    #expect(names(list) == expected)
}

@Test(
    "field selectors on metadata.name and metadata.namespace",
    arguments: [
        ("metadata.name=b", ["b"]), ("metadata.name!=b", ["a", "c", "d", "e"]),
        ("metadata.namespace==default,metadata.name=c", ["c"]), ("metadata.namespace=other", []),
    ])
func fieldSelectors(selector: String, expected: [String]) throws {
    let list = try seeded().list(
        configMaps, namespace: nil, options: .init(fieldSelector: try FieldSelector(parsing: selector)))
    #expect(names(list) == expected)
}

@Test("a list has the List kind, resourceVersion and items without apiVersion or kind")
func listShape() throws {
    let store = try seeded()
    let list = try store.list(configMaps, namespace: "default")
    #expect(list["kind"] == "ConfigMapList")
    #expect(list["apiVersion"] == "v1")
    #expect(list[path: ["metadata", "resourceVersion"]]?.stringValue == String(store.revision))
    #expect(list["items"]?.arrayValue?.allSatisfy { $0["kind"] == nil && $0["apiVersion"] == nil } == true)
}

@Test("limit and continue page through the list with remainingItemCount, then a compaction expires the token")
func pagination() throws {
    let store = try seeded()
    let first = try store.list(configMaps, namespace: "default", options: .init(limit: 2))
    #expect(names(first) == ["a", "b"])
    #expect(first[path: ["metadata", "remainingItemCount"]] == 3)
    let token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
    let decoded = try ContinueToken(decoding: token)
    #expect(decoded.start == "default/b\u{0}")
    let second = try store.list(configMaps, namespace: "default", options: .init(limit: 2, continueToken: token))
    #expect(names(second) == ["c", "d"])
    #expect(second[path: ["metadata", "resourceVersion"]] == first[path: ["metadata", "resourceVersion"]])
    let secondToken = try #require(second[path: ["metadata", "continue"]]?.stringValue)
    let last = try store.list(configMaps, namespace: "default", options: .init(limit: 2, continueToken: secondToken))
    #expect(names(last) == ["e"])
    #expect(last[path: ["metadata", "continue"]] == nil)
    store.compact()
    #expect(throws: APIError.expired) {
        try store.list(configMaps, namespace: "default", options: .init(limit: 2, continueToken: secondToken))
    }
    // A list started after the compaction pages on, though nothing was written since.
    let restarted = try store.list(configMaps, namespace: "default", options: .init(limit: 2))
    let restartedToken = try #require(restarted[path: ["metadata", "continue"]]?.stringValue)
    let next = try store.list(configMaps, namespace: "default", options: .init(limit: 2, continueToken: restartedToken))
    #expect(names(next) == ["c", "d"])
}

@Test("a continue token expires after the retention window")
func retentionExpiry() throws {
    let clock = TestClock()
    let store = ObjectStore(retention: 10, now: { clock.now })
    _ = try store.create(configMaps, namespace: "default", body: ["metadata": ["name": "a"]])
    _ = try store.create(configMaps, namespace: "default", body: ["metadata": ["name": "b"]])
    let first = try store.list(configMaps, namespace: "default", options: .init(limit: 1))
    let token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
    clock.advance(11)
    _ = try store.list(configMaps, namespace: "default", options: .init(limit: 1, continueToken: token))
    clock.advance(11)
    #expect(throws: APIError.expired) {
        try store.list(configMaps, namespace: "default", options: .init(limit: 1, continueToken: token))
    }
}

@Test("the fixture's continue token decodes")
func fixtureToken() throws {
    let token = try ContinueToken(
        decoding: "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NzA5MzEsInN0YXJ0Ijoic2hvcC93ZWJcdTAwMDAifQ")
    #expect(token == ContinueToken(resourceVersion: 70931, start: "shop/web\u{0}"))
    #expect(try ContinueToken(decoding: token.encoded) == token)
}

final class TestClock: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_700_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}
