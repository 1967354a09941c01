import Foundation
import Logging
import WebhookServer

/// An HTTPServer on 127.0.0.1:0 with freshly generated certificates, for one test. Call `stop()` in a `defer`.
public final class TestServer: @unchecked Sendable {  // fields are immutable after init
    public let directory: TemporaryDirectory
    public let certificates: TestCertificates
    public let reloader: CertificateReloader
    public let server: HTTPServer
    public var port: Int { server.port }
    public var url: String { "https://127.0.0.1:\(server.port)" }

    public init(
        handler: any HTTPHandler, limits: ServerLimits = ServerLimits(),
        observer: any ServerObserver = NoServerObserver(),
        eventLoops: Int = 2
    ) throws {
        directory = try TemporaryDirectory("server")
        certificates = try TestCertificates.generate(in: directory.path)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        reloader = try CertificateReloader(
            certificatePath: certificates.certificatePath, keyPath: certificates.keyPath, observer: observer,
            logger: logger, pollInterval: .milliseconds(200))
        server = try HTTPServer(
            configuration: .init(
                address: ListenAddress(host: "127.0.0.1", port: 0), limits: limits, eventLoopCount: eventLoops),
            handler: handler, certificates: reloader.certificates, observer: observer, logger: logger)
        server.start()
    }

    public func stop() {
        server.shutdown(gracePeriod: .seconds(2))
        server.wait()
        reloader.stop()
        directory.remove()
    }
}

/// A handler that echoes what it received as a small text summary, for server tests.
public struct EchoHandler: HTTPHandler {
    public init() {}
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain")
        headers.add(name: "x-body-bytes", value: "\(request.body.count)")
        headers.add(name: "x-version", value: request.version.rawValue)
        let summary = "\(request.method) \(request.path)\(request.query.map { "?\($0)" } ?? "") \(request.body.count)"
        return HTTPResponse(status: 200, headers: headers, body: Array(summary.utf8))
    }
}

/// Counts this process's open file descriptors, to catch leaks.
public func openDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// Counts this process's descriptors that are accepted sockets of a server on `port` (local port == `port`,
/// not listening). Unlike a count of all descriptors, other tests running in parallel cannot disturb it.
public func acceptedSocketCount(port: Int) -> Int {
    var inodes = Set<String>()
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        guard let text = readProcFile(table) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9, let colon = fields[1].lastIndex(of: ":"),
                Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port, fields[3] != "0A"
            else { continue }
            inodes.insert(String(fields[9]))
        }
    }
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return descriptors.filter { fd in
        guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
            link.hasPrefix("socket:["), link.hasSuffix("]")
        else { return false }
        return inodes.contains(String(link.dropFirst(8).dropLast()))
    }.count
}

/// Reads a /proc file to its end. procfs reports a size of 0, and a reader that trusts the size (or reads one
/// page) sees only the first lines of a long socket table.
public func readProcFile(_ path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var data = Data()
    while true {
        guard let chunk = try? handle.read(upToCount: 65536), !chunk.isEmpty else { break }
        data.append(chunk)
    }
    return String(decoding: data, as: UTF8.self)
}
