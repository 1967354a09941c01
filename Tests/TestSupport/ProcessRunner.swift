import Foundation

public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public struct ProcessFailed: Error, CustomStringConvertible {
    public let command: String
    public let result: ProcessResult
    public var description: String { "\(command) exited \(result.status): \(result.stderr)" }
}

/// Runs a command to completion, capturing its output (through files, so large outputs cannot deadlock a pipe).
public enum ProcessRunner {
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, check: Bool = true
    )
        throws -> ProcessResult
    {
        let directory = try TemporaryDirectory("proc")
        defer { directory.remove() }
        let outPath = directory.file("out"), errPath = directory.file("err")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        if let stdin {
            let inPath = directory.file("in")
            FileManager.default.createFile(atPath: inPath, contents: stdin)
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        let result = ProcessResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        if check && result.status != 0 {
            throw ProcessFailed(command: ([executable] + arguments).joined(separator: " "), result: result)
        }
        return result
    }
}
