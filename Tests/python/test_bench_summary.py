"""scripts/bench-summary.py: the one summary table `make bench` puts at the top of bench/out/results.md."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "bench-summary.py")

RESULTS = """## reloader webhook benchmark

| body | protocol | server | req/s | p50 ms | p99 ms | ratio to go (req/s) | ratio to nginx (req/s) |
|---|---|---|---:|---:|---:|---:|---:|
| 2k (4.1 KiB) | HTTP/1.1 | reloader | 30000 | 0.88 | 5.70 | 2.00 | 0.50 |
| 2k (4.1 KiB) | HTTP/1.1 | go | 15000 | 3.89 | 11.89 | 1.00 | 0.25 |
| 2k (4.1 KiB) | HTTP/1.1 | nginx | 60000 | 0.89 | 1.37 | 4.00 | 1.00 |

| server | achieved req/s | p50 ms | p99 ms |
|---|---:|---:|---:|
| reloader | 2000 | 0.73 | 1.66 |
| go | 1999 | 0.84 | 2.52 |

## Reverse index (index-bench)

| workloads | references | item size, pages | re-index wall | re-index CPU | CPU via JSONValue tree | RSS after (delta) | peak RSS (VmHWM, incl. pages)  | RSS delta / reference | workloads(using:) | record(for:) |
|---|---|---|---|---|---|---|---|---|---|---|
| 10,000 | 30,000 | 2.7 KiB, 20 | 0.1 s | 0.073 s | 0.2 s | 60 MiB (+6 MiB) | 80 MiB | 218 B | 276 ns | 90 ns |

## Reload latency and API cost (reload-bench)

| --coalesce-window | writer | writes | span p50 ms | p90 ms | p99 ms | max ms | write returns p50 ms | reloader requests per write |
|---|---|---:|---:|---:|---:|---:|---:|---|
| 1s | kubectl | 200 | 1049.0 | 1062.0 | 1071.0 | 1076.0 | 47.0 | GET (200×) |

| reload | reloader requests (measured) | by verb | write → last rollout | reloader responses (computed) | Stakater requests (computed) | by verb | Stakater responses (computed) |
|---|---:|---|---:|---:|---:|---|---:|
| config used by 1 Deployment | 3 | get 2, patch 1 | 1.01 s | 6.2 KiB | 7 | 5× list | 970 KiB |

| | reloader (measured) | Stakater Reloader v1.4.x (computed) |
|---|---|---|
| requests per resync pass (LISTs in pages of 500) | 3,346: list 24, get 3,322; responses 9 MiB (computed) | 0: informers have `ResyncPeriod: 0` |
| ConfigMap/Secret content held in memory | none: hashed | all 3,322 ConfigMaps and Secrets: 5.4 MiB of content, 7 MiB as JSON (the informer cache) |
| process memory after the second pass | VmRSS 69.3 MiB, VmHWM 70 MiB (/proc/<pid>/status) | not measured |
"""


class BenchSummaryTests(unittest.TestCase):
    def run_summary(self, text, *arguments):
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        path = os.path.join(directory, "results.md")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        result = subprocess.run([sys.executable, SCRIPT, path, *arguments], capture_output=True, text=True, check=True)
        with open(path, encoding="utf-8") as handle:
            return result.stdout, handle.read()

    def test_every_section_gives_its_headline_row(self):
        table, _ = self.run_summary(RESULTS)
        self.assertIn("| admission 2k HTTP/1.1: req/s, p99 | 30,000, 5.70 ms | go 15,000 (2.00x); nginx 60,000 (0.50x) |", table)
        self.assertIn("| admission p99 at a fixed 2,000 req/s (2k, HTTP/2) | 1.66 ms | go 2.52 ms |", table)
        self.assertIn("10,000 workloads (3 refs each): re-index CPU, bytes/ref, lookup | 0.073 s, 218 B, 276 ns |", table)
        self.assertIn("| reload latency, window 1s, kubectl: p50 / p99 | 1049.0 / 1071.0 ms |", table)
        self.assertIn("| API requests per reload, config used by 1 Deployment | 3 | Stakater 7 (computed from its source) |", table)
        self.assertIn("| API requests per resync pass | 3,346: list 24, get 3,322 |", table)
        self.assertIn("Stakater: all 3,322 ConfigMaps and Secrets: 5.4 MiB of content, 7 MiB as JSON (computed)", table)
        self.assertIn("| reloader memory at the reload-bench cluster | VmRSS 69.3 MiB, VmHWM 70 MiB |", table)

    def test_missing_sections_say_not_run(self):
        table, _ = self.run_summary("## reloader webhook benchmark\n\nnothing measured\n")
        for measure in ("admission throughput", "index build", "reload latency"):
            self.assertIn(f"| {measure} | not run |", table)

    def test_inline_writes_once_and_replaces_on_a_second_run(self):
        _, first = self.run_summary(RESULTS, "--inline")
        self.assertTrue(first.startswith("## reloader webhook benchmark\n\n<!-- summary:begin -->\n## Summary (this run)"))
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        path = os.path.join(directory, "results.md")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(first)
        subprocess.run([sys.executable, SCRIPT, path, "--inline"], capture_output=True, check=True)
        with open(path, encoding="utf-8") as handle:
            second = handle.read()
        self.assertEqual(first, second)
        self.assertEqual(second.count("<!-- summary:begin -->"), 1)


if __name__ == "__main__":
    unittest.main()
