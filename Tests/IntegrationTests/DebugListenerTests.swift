import Foundation
import TestSupport
import Testing

/// `--enable-pprof`: the debug endpoints listen on `--pprof-addr` only when enabled (contract §7.1 Δ).
@Suite("reloader debug listener")
struct DebugListenerTests {
    @Test("with --enable-pprof the debug endpoints answer on --pprof-addr, and the index is there once ready")
    func enabled() async throws {
        let reloader = try await ReloaderProcess.start(["--enable-pprof", "--pprof-addr", "127.0.0.1:0"])
        defer { reloader.cleanup() }
        let base = try #require(
            Self.debugURL(in: reloader.stderr), "no debug= in the serving line:\n\(reloader.stderr)")
        let index = try await get(base)
        #expect(index.status == 200)
        #expect(index.body.contains("/debug/vars"))

        let vars = try await get(base + "vars")
        #expect(vars.status == 200)
        #expect(vars.body.contains("\"residentBytes\""), "\(vars.body)")
        #expect(try await get(base + "threads").status == 200)
        #expect(try await get(base + "config").body.contains("\"reloadStrategy\":\"env-vars\""))
        try await waitUntil(timeout: .seconds(15), "reloader is ready") {
            try await get(reloader.metricsURL + "/readyz").status == 200
        }
        let summary = try await get(base + "index")
        #expect(summary.status == 200 && summary.body.contains("\"workloads\":"), "\(summary.body)")
        #expect(try await get(base + "index?kind=Pod").status == 400)
    }

    @Test("without --enable-pprof there is no debug listener, and the metrics port serves no debug path")
    func disabled() async throws {
        let reloader = try await ReloaderProcess.start()
        defer { reloader.cleanup() }
        #expect(Self.debugURL(in: reloader.stderr) == nil)
        #expect(try await get(reloader.metricsURL + "/debug/vars").status == 404)
    }

    /// `debug=http://H:P/debug/` from the serving line.
    static func debugURL(in log: String) -> String? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("serving") }),
            let start = line.range(of: "debug=http://")
        else { return nil }
        let url = line[start.lowerBound...].dropFirst("debug=".count).prefix { $0 != " " }
        return String(url)
    }

    private func get(_ url: String) async throws -> Curl.Response {
        try await Curl.perform(url, method: "GET", caPath: nil, http2: false, headers: [])
    }
}
