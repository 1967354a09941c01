import Foundation

/// The committed fixtures, copied into the test bundle (`Fixtures/`, `Fixtures/malformed/`).
enum FixtureFiles {
    static var directory: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures"])
            }
            return url
        }
    }

    /// The AdmissionReview fixtures (`*.json` at the top level), sorted. Empty if the bundle is missing, which
    /// `fixtureListIsComplete` reports, since argument lists cannot throw.
    static var admissionReviews: [String] { names(in: nil, withExtension: "json") }

    /// Every file under `malformed/`, sorted.
    static var malformed: [String] { names(in: "malformed", withExtension: nil) }

    static func bytes(_ name: String, in subdirectory: String? = nil) throws -> [UInt8] {
        var url = try directory
        if let subdirectory { url.appendPathComponent(subdirectory) }
        return Array(try Data(contentsOf: url.appendingPathComponent(name)))
    }

    /// `request.uid` of a fixture, read with JSONSerialization so the check does not trust our own decoder.
    static func requestUID(_ name: String) throws -> String? {
        let json = try JSONSerialization.jsonObject(with: Data(try bytes(name))) as? [String: Any]
        return (json?["request"] as? [String: Any])?["uid"] as? String
    }

    private static func names(in subdirectory: String?, withExtension pathExtension: String?) -> [String] {
        guard var url = try? directory else { return [] }
        if let subdirectory { url.appendPathComponent(subdirectory) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(
                atPath: url.appendingPathComponent(name).path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue && (pathExtension.map { name.hasSuffix(".\($0)") } ?? true)
        }.sorted()
    }
}
