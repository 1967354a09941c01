import Foundation
import TestSupport
import Testing

/// scripts/bench-summary.py (the one table `make bench` puts at the top of its report), through its unittest file.
@Suite("make bench summary table")
struct BenchSummaryTests {
    @Test("the summary reads every section's headline figures, says 'not run' for missing ones, and inlines once")
    func summary() throws {
        let script = PythonClientTests.repository.appendingPathComponent("Tests/python/test_bench_summary.py").path
        let result = try ProcessRunner.run(
            "/usr/bin/env", ["PYTHONDONTWRITEBYTECODE=1", "/usr/bin/python3", script], check: false)
        #expect(result.status == 0, "test_bench_summary.py exited \(result.status)\n\(result.stdout)\n\(result.stderr)")
    }
}
