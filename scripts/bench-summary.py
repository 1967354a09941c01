#!/usr/bin/env python3
"""Reads bench/out/results.md (everything `make bench` measured in one run) and prints one summary table:
admission throughput and p99 beside the Go peer and nginx, the index at 10k and 100k workloads, reload latency,
API requests per reload and per resync, and memory beside what Stakater Reloader would hold. Each row says how
its numbers were obtained. A section that did not run shows "not run".

  bench-summary.py RESULTS_MD            prints the summary
  bench-summary.py RESULTS_MD --inline   also writes it at the top of RESULTS_MD (after its title line)
"""
import re
import sys

MARK_BEGIN = "<!-- summary:begin -->"
MARK_END = "<!-- summary:end -->"


def tables(text):
    """Every Markdown table in text as a list of {header: cell} rows."""
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|[-:| ]+\|$", lines[i + 1].strip()):
            header = [c.strip() for c in lines[i].strip().strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                rows.append(dict(zip(header, cells)))
                i += 1
            found.append((header, rows))
        else:
            i += 1
    return found


def table_with(all_tables, *columns):
    for header, rows in all_tables:
        if all(c in header for c in columns):
            return rows
    return []


def number(text):
    match = re.search(r"-?[\d,]*\.?\d+", text or "")
    return float(match.group(0).replace(",", "")) if match else None


def grouped(value):
    return f"{value:,.0f}" if value is not None else "?"


def summary(text):
    all_tables = tables(text)
    out = []

    def row(measure, ours, other, how):
        out.append(f"| {measure} | {ours} | {other} | {how} |")

    admission = table_with(all_tables, "body", "protocol", "server", "req/s", "p99 ms")
    for body in ("2k", "64k", "1m"):
        for protocol in ("HTTP/1.1", "HTTP/2"):
            cells = {r["server"]: r for r in admission if r["body"].startswith(body + " ") and r["protocol"] == protocol}
            if "reloader" not in cells:
                continue
            ours = cells["reloader"]
            others = []
            for peer in ("go", "nginx"):
                if peer in cells and number(cells[peer]["req/s"]):
                    ratio = number(ours["req/s"]) / number(cells[peer]["req/s"])
                    others.append(f"{peer} {grouped(number(cells[peer]['req/s']))} ({ratio:.2f}x)")
            row(f"admission {body} {protocol}: req/s, p99", f"{grouped(number(ours['req/s']))}, {ours['p99 ms']} ms",
                "; ".join(others) or "not run", "h2load -c 64 -m 1, real AdmissionReviews, same TLS, one server at a time")
    if not admission:
        row("admission throughput", "not run", "", "")

    fixed = table_with(all_tables, "server", "achieved req/s", "p99 ms")
    cells = {r["server"]: r for r in fixed}
    if "reloader" in cells:
        others = "; ".join(f"{p} {cells[p]['p99 ms']} ms" for p in ("go", "nginx") if p in cells)
        row("admission p99 at a fixed 2,000 req/s (2k, HTTP/2)", f"{cells['reloader']['p99 ms']} ms", others,
            "h2load --rps, 20 connections")

    memory = table_with(all_tables, "idle after start", "peak (VmHWM)")
    if memory:
        m = memory[0]
        row("webhook RSS: idle / after a 60 s full-speed soak / peak", f"{m['idle after start']} / {m['after soak']} / "
            f"{m['peak (VmHWM)']}", "", "VmRSS/VmHWM from /proc")

    index = table_with(all_tables, "workloads", "re-index CPU", "RSS delta / reference")
    for r in index:
        row(f"index: {r['workloads']} workloads (3 refs each): re-index CPU, bytes/ref, lookup",
            f"{r['re-index CPU']}, {r['RSS delta / reference']}, {r.get('workloads(using:)', '?')}",
            "target ≤ 200 B/ref, 100k < 2 s CPU", "index-bench: list pages synthesised in process, one child per size")
    if not index:
        row("index build", "not run", "", "")

    latency = table_with(all_tables, "--coalesce-window", "writer", "span p50 ms", "p99 ms")
    for r in latency:
        row(f"reload latency, window {r['--coalesce-window']}, {r['writer']}: p50 / p99",
            f"{r['span p50 ms']} / {r['p99 ms']} ms", "",
            "reload-bench: ConfigMap write → rollout in kube-sim's record, sequential writes")
    if not latency:
        row("reload latency", "not run", "", "")

    cost = table_with(all_tables, "reload", "reloader requests (measured)", "Stakater requests (computed)")
    for r in cost:
        row(f"API requests per reload, {r['reload']}", r["reloader requests (measured)"],
            f"Stakater {r['Stakater requests (computed)']} (computed from its source)",
            "kube-sim's request log, reloader's user agent")

    resync = table_with(all_tables, "reloader (measured)", "Stakater Reloader v1.4.x (computed)")
    for r in resync:
        label = r.get("", "")
        if label.startswith("requests per resync pass"):
            row("API requests per resync pass", r["reloader (measured)"].split(";")[0],
                "Stakater 0 (computed: no periodic pass)", "kube-sim's request log")
        elif label.startswith("process memory"):
            row("reloader memory at the reload-bench cluster", r["reloader (measured)"].split(" (")[0], "", "/proc")
        elif label.startswith("ConfigMap/Secret content held"):
            row("config content held in memory", "none (hashed and dropped)",
                "Stakater: " + r["Stakater Reloader v1.4.x (computed)"].split(" (")[0] + " (computed)",
                "sum of the simulated cluster's config sizes")
    return ("| measurement | reloader | beside it | how obtained |\n|---|---|---|---|\n" + "\n".join(out) + "\n")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    path = sys.argv[1]
    text = open(path, encoding="utf-8").read()
    text = re.sub(re.escape(MARK_BEGIN) + ".*?" + re.escape(MARK_END) + "\n*", "", text, flags=re.S)
    table = summary(text)
    print(table, end="")
    if "--inline" in sys.argv[2:]:
        block = f"{MARK_BEGIN}\n## Summary (this run)\n\n{table}{MARK_END}\n\n"
        first, _, rest = text.partition("\n")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(first + "\n\n" + block + rest.lstrip("\n"))


if __name__ == "__main__":
    main()
