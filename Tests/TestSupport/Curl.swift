import Foundation

/// The curl CLI as an independent HTTP peer.
public enum Curl {
    public struct Response: Sendable {
        public var status: Int
        public var httpVersion: String
        public var body: String
    }

    /// Posts `bodyFile` (or nothing) and returns the status, negotiated HTTP version and body.
    public static func request(
        _ url: String, method: String = "POST", bodyFile: String? = nil, caPath: String?, http2: Bool,
        headers: [String] = ["Content-Type: application/json"], extra: [String] = []
    ) throws -> Response {
        let directory = try TemporaryDirectory("curl")
        defer { directory.remove() }
        var arguments = [
            "-sS", "-X", method, "-o", directory.file("body"), "-w", "%{http_code} %{http_version}",
            "--max-time", "20", http2 ? "--http2" : "--http1.1",
        ]
        if let caPath { arguments += ["--cacert", caPath] }
        for header in headers { arguments += ["-H", header] }
        if let bodyFile { arguments += ["--data-binary", "@\(bodyFile)"] }
        arguments += extra
        arguments.append(url)
        let result = try ProcessRunner.run("/usr/bin/curl", arguments)
        let parts = result.stdout.split(separator: " ")
        let body = (try? String(contentsOfFile: directory.file("body"), encoding: .utf8)) ?? ""
        return Response(
            status: Int(parts.first ?? "") ?? -1, httpVersion: parts.count > 1 ? String(parts[1]) : "", body: body)
    }
}
