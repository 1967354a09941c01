import Dispatch
import Foundation
import TestSupport
import Testing

/// The project-wide fixtures in `shared/`, which sits beside the repository clone (locally and in CI).
enum SharedFixtures {
    /// `<repo>/../shared`; the repository root is three levels above this file (Tests/IntegrationTests/…).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared").standardizedFileURL

    static var admission: URL { root.appendingPathComponent("fixtures/admission") }
    static var malformed: URL { admission.appendingPathComponent("malformed") }
    static var makeLarge: URL { root.appendingPathComponent("fixtures/tools/make-large.py") }

    /// File names in a folder (plain files only), sorted, so `@Test(arguments:)` lists them stably.
    static func files(in folder: URL, extension wanted: String? = nil) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue && (wanted == nil || name.hasSuffix("." + wanted!))
        }.sorted()
    }

    /// The valid AdmissionReviews of `shared/fixtures/admission/*.json`.
    static var reviews: [String] { files(in: admission, extension: "json") }
    /// Everything in `shared/fixtures/admission/malformed/`.
    static var malformedBodies: [String] { files(in: malformed) }

    /// Runs `make-large.py --out directory` (admission fixtures only: no list file unless --workloads is given)
    /// and returns the folder holding configmap-update-64k.json and secret-update-1m.json.
    static func generateLarge(in directory: TemporaryDirectory) throws -> URL {
        try ProcessRunner.run("/usr/bin/env", ["python3", makeLarge.path, "--out", directory.path])
        return URL(fileURLWithPath: directory.path)
    }

    /// `request.uid` of an AdmissionReview file.
    static func requestUID(of file: URL) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        let request = object?["request"] as? [String: Any]
        guard let uid = request?["uid"] as? String else { throw FixtureProblem("\(file.path) has no request.uid") }
        return uid
    }
}

struct FixtureProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// HTTP/1.1 or HTTP/2 through curl.
enum WireProtocol: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case http1, http2
    var isHTTP2: Bool { self == .http2 }
    /// What curl's `%{http_version}` reports.
    var curlVersion: String { self == .http2 ? "2" : "1.1" }
    var testDescription: String { self == .http2 ? "HTTP/2" : "HTTP/1.1" }
}

/// Runs blocking work (curl, blocking sockets) on a Dispatch thread instead of the cooperative pool, which has
/// only as many threads as cores: parallel tests blocking it would stall each other's `waitUntil`.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

extension Curl {
    /// `Curl.request` off the cooperative pool.
    static func perform(
        _ url: String, method: String = "POST", bodyFile: String? = nil, caPath: String?, http2: Bool,
        headers: [String] = ["Content-Type: application/json"]
    ) async throws -> Response {
        try await offPool {
            try Curl.request(url, method: method, bodyFile: bodyFile, caPath: caPath, http2: http2, headers: headers)
        }
    }
}

/// Checks an AdmissionReview answer: apiVersion, kind, the echoed uid and `allowed: true`; returns a reason when not.
func admissionProblem(in body: String, expectedUID: String) -> String? {
    guard let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else {
        return "not a JSON object: \(body.prefix(200))"
    }
    if object["apiVersion"] as? String != "admission.k8s.io/v1" {
        return "apiVersion is \(object["apiVersion"] ?? "missing")"
    }
    if object["kind"] as? String != "AdmissionReview" { return "kind is \(object["kind"] ?? "missing")" }
    guard let response = object["response"] as? [String: Any] else { return "no response object" }
    if response["uid"] as? String != expectedUID { return "response.uid is \(response["uid"] ?? "missing")" }
    if response["allowed"] as? Bool != true { return "response.allowed is \(response["allowed"] ?? "missing")" }
    return nil
}
