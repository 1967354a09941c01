import Foundation

/// The latency table (markdown on stdout) and its raw CSV.
struct LatencyReport {
    /// One series: a coalesce window and its samples, both writers.
    struct Series {
        var window: String
        var samples: [LatencyRun.Sample]
    }

    struct Row {
        var window: String
        var writer: LatencyRun.Writer
        var spans: [Double]
        var writes: [Double]
        var requests: [Int]

        func span(_ p: Double) -> Double { percentile(spans, p) * 1000 }
        var p50: Double { span(50) }
    }

    let series: [Series]

    var rows: [Row] {
        series.flatMap { series in
            LatencyRun.Writer.allCases.map { writer in
                let samples = series.samples.filter { $0.writer == writer }
                return Row(
                    window: series.window, writer: writer, spans: samples.map(\.span).sorted(),
                    writes: samples.map(\.write).sorted(), requests: samples.map(\.reloaderRequests))
            }
        }
    }

    func markdown(writes: Int) -> String {
        var out = "### Reload latency: ConfigMap write → rollout\n\n"
        out += """
            One Deployment (`reloader.stakater.com/auto: "true"`, the ConfigMap through `envFrom`) and its 2 KiB \
            ConfigMap alone in kube-sim; the release `reloader` (default `--reload-strategy=env-vars`, \
            `--resync-period=1h`) started once per `--coalesce-window`. \(writes) sequential writes per writer \
            (after 3 unmeasured ones), the two writers taking turns; each write changes one data key with a merge \
            patch and is waited for until its rollout is recorded and reloader's queue is empty (exactly one \
            rollout per write, checked), then the next starts \(Int(LatencyRun.pause / .milliseconds(1))) ms later \
            (back to back, 3 requests per write outrun reloader's 50 QPS client limit and the limiter's 20 ms \
            waits would dominate at 0s). **span** = from just before the write starts to the rollout's time in \
            kube-sim's record (the commit of reloader's PATCH; same process and clock as the bench). \
            **write returns** = from the same start until `kubectl patch` exits / the in-process \
            `KubeClient.patch` returns. **reloader requests** = requests kube-sim logged with reloader's user agent \
            per write (confirmation GET(s) of the ConfigMap, GET and PATCH of the Deployment).


            """
        out += "| --coalesce-window | writer | writes | span p50 ms | p90 ms | p99 ms | max ms "
        out += "| write returns p50 ms | reloader requests per write |\n"
        out += "|---|---|---:|---:|---:|---:|---:|---:|---|\n"
        for row in rows {
            let requestCounts = Dictionary(grouping: row.requests, by: { $0 }).sorted { $0.key < $1.key }
                .map { "\($0.key) (\($0.value.count)×)" }.joined(separator: ", ")
            out += "| \(row.window) | \(row.writer.rawValue) | \(row.spans.count) "
            out += String(
                format: "| %.1f | %.1f | %.1f | %.1f | %.1f ", row.span(50), row.span(90), row.span(99),
                row.span(100), percentile(row.writes, 50) * 1000)
            out += "| \(requestCounts) |\n"
        }
        let byKey = Dictionary(rows.map { ("\($0.window)|\($0.writer.rawValue)", $0) }, uniquingKeysWith: { a, _ in a })
        var notes: [String] = []
        if series.count == 2 {
            let (wide, narrow) = (series[0].window, series[1].window)
            for writer in LatencyRun.Writer.allCases {
                if let a = byKey["\(wide)|\(writer.rawValue)"], let b = byKey["\(narrow)|\(writer.rawValue)"] {
                    notes.append(
                        "the window's share (\(writer.rawValue), p50 at \(wide) − p50 at \(narrow)): "
                            + String(format: "%.1f ms", a.p50 - b.p50))
                }
            }
        }
        for window in series.map(\.window) {
            if let kubectl = byKey["\(window)|\(LatencyRun.Writer.kubectl.rawValue)"],
                let client = byKey["\(window)|\(LatencyRun.Writer.client.rawValue)"]
            {
                notes.append(
                    "kubectl's own share at \(window) (span p50 kubectl − in-process): "
                        + String(format: "%.1f ms", kubectl.p50 - client.p50))
            }
        }
        if !notes.isEmpty { out += "\n" + notes.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        return out
    }

    /// window,writer,sequence,span_ms,write_ms,reloader_requests
    var csv: String {
        var text = "coalesce_window,writer,sequence,span_ms,write_returns_ms,reloader_requests\n"
        for series in series {
            for sample in series.samples {
                text += "\(series.window),\(sample.writer.rawValue),\(sample.sequence),"
                text += String(format: "%.3f,%.3f,", sample.span * 1000, sample.write * 1000)
                text += "\(sample.reloaderRequests)\n"
            }
        }
        return text
    }
}
