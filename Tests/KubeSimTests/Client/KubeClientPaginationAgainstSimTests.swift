import Foundation
import KubeSim
import Testing

@testable import Reloader

/// `listAll` against kube-sim: real continue tokens, and a real 410 Expired after `/sim/compact`.
@Suite("KubeClient pagination against kube-sim")
struct KubeClientPaginationAgainstSimTests {
    typealias Harness = SimClientHarness

    static func names(_ items: [JSONValue]) -> [String] {
        items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
    }

    static let expectedNames = (0..<1200).map { "cm-\(String(format: "%05d", $0))" }

    @Test("listAll over 1,200 ConfigMaps in pages of 500 takes 3 requests")
    func threePages() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(1200)
        let client = try harness.client()
        try harness.clearRequests()
        let result = try client.listAll(Harness.configMaps, pageSize: 500)
        #expect(Self.names(result.items) == Self.expectedNames)
        #expect(!result.resourceVersion.isEmpty)
        let lists = try harness.requests()
        #expect(lists.count == 3, "\(lists)")
        #expect(lists.allSatisfy { $0.method == "GET" && $0.path == "/api/v1/namespaces/default/configmaps" })
        #expect(lists.allSatisfy { $0.status == 200 && $0.parameters["limit"] == "500" })
        #expect(lists.map { $0.parameters["continue"] == nil } == [true, false, false])
    }

    @Test("a continue token expired between pages (/sim/compact) restarts the list from the first page")
    func expiredContinueRestarts() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(1200)
        let client = try harness.client()
        try harness.clearRequests()
        var pagesSeen = 0
        var compactError: (any Error)?
        let result = try client.listAll(Harness.configMaps, pageSize: 500) { _ in
            pagesSeen += 1
            if pagesSeen == 2 {  // after the second page: the third page's token is now too old
                do { try harness.sim("POST", "/sim/compact") } catch { compactError = error }
            }
        }
        #expect(compactError == nil)
        #expect(Self.names(result.items) == Self.expectedNames)  // nothing duplicated from the discarded pages
        let lists = try harness.requests()
        // page 1, page 2, page 3 → 410, then the restart: page 1, 2, 3.
        #expect(lists.map(\.status) == [200, 200, 410, 200, 200, 200], "\(lists)")
        #expect(lists.map { $0.parameters["continue"] == nil } == [true, false, false, true, false, false])
        #expect(pagesSeen == 5)
    }

    @Test("a second expiry during the restarted list is an Expired error, after 2 restarts at most")
    func expiredTwiceFails() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(1200)
        let client = try harness.client()
        try harness.clearRequests()
        var compactError: (any Error)?
        #expect {
            _ = try client.listAll(Harness.configMaps, pageSize: 500) { page in
                guard page.continueToken != nil else { return }
                do { try harness.sim("POST", "/sim/compact") } catch { compactError = error }
            }
        } throws: { error in
            guard case .api(let apiError, _) = error as? KubeClientError else { return false }
            return apiError.code == 410 && apiError.reason == "Expired"
        }
        #expect(compactError == nil)
        #expect(try harness.requests().map(\.status) == [200, 410, 200, 410])
    }

    @Test("listAllBodies hands over raw page bodies and, on an expired token, says to drop them before restarting")
    func rawBodiesRestart() throws {
        let harness = try Harness()
        defer { harness.stop() }
        try harness.seedConfigMaps(1200)
        let client = try harness.client()
        try harness.clearRequests()
        var kept: [String] = []
        var restarts = 0
        var compactError: (any Error)?
        try client.listAllBodies(
            Harness.configMaps, pageSize: 500,
            restarting: {
                restarts += 1
                kept = []
            }
        ) { (body) throws(KubeClientError) in
            let page = try KubeClient.decodeListPage(body, path: Harness.configMaps)
            kept += Self.names(page.items)
            if kept.count == 1000 && restarts == 0 {
                do { try harness.sim("POST", "/sim/compact") } catch { compactError = error }
            }
            return page.continueToken
        }
        #expect(compactError == nil)
        #expect(restarts == 1)
        #expect(kept == Self.expectedNames)
        #expect(try harness.requests().map(\.status) == [200, 200, 410, 200, 200, 200])
    }

    @Test("a page body that is not a list is an invalid response, not an empty list")
    func undecodableBody() throws {
        #expect(throws: KubeClientError.self) {
            _ = try KubeClient.decodeListPage(Array("<html>".utf8), path: Harness.configMaps)
        }
        let empty = try KubeClient.decodeListPage(
            Array(#"{"items":null,"metadata":{}}"#.utf8), path: Harness.configMaps)
        #expect(empty.items.isEmpty && empty.continueToken == nil)
    }
}
