import Foundation

/// A directory of its own for one test, removed by `remove()` (call it in a `defer`).
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String = "reloader-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
