import Foundation
import KubeSim

/// The API-cost tables (markdown on stdout): reloader's counts measured from kube-sim's request log beside
/// Stakater Reloader's computed by `StakaterModel`, each column saying which it is.
struct CostReport {
    let layout: ClusterSeed.Layout
    let seed: ClusterSeed.Summary
    let single: CostRun.Reload
    let shared: CostRun.Reload
    let resync: CostRun.Resync
    let stakater: StakaterModel
    let resyncPeriod: String

    func markdown() -> String {
        var out = "### API cost at \(grouped(seed.workloads)) workloads\n\n"
        out += """
            Seeded through kube-sim's store: \(grouped(seed.workloads)) Deployments in \(layout.namespaces) \
            namespaces (\(grouped(layout.perNamespace)) each, \(kib(seed.deploymentBytes / max(seed.workloads, 1))) \
            as stored), each using 3 configs of its namespace (two ConfigMaps, through `envFrom` and a volume, and \
            one Secret through an env `secretKeyRef`; \(grouped(seed.references)) references); one config per 3 \
            workloads: \(grouped(seed.configMaps)) ConfigMaps of 2 KiB data and \(grouped(seed.secrets)) Secrets of \
            1 KiB data (decoded). Every Deployment is auto-annotated and already carries the `STAKATER_*` env var of \
            each config with its current hash (as after one reload per config), so the reconciler reads every \
            config at each pass: its worst case. reloader runs with its defaults (`--kube-api-qps=50`, \
            `--kube-api-burst=100`, `--coalesce-window=1s`) and `--resync-period=\(resyncPeriod)`. **Measured**: \
            kube-sim's request log, the requests whose user agent is reloader's (`reloader/…`), from a cleared log. \
            **Computed**: what Stakater Reloader v1.4.x sends for the same work, from its source (informers with \
            `ResyncPeriod: 0` on ConfigMaps and Secrets; per reload, `doRollingUpgrade` LISTs each workload kind in \
            the config's namespace, unpaginated, then PATCHes each matching Deployment and records an Event); byte \
            figures are the stored objects' JSON sizes summed from the store.


            """
        out += "Per reload (one config changed by a merge patch from the bench's own client; counted until every "
        out += "user rolled out once and reloader's queue is empty):\n\n"
        out +=
            "| reload | reloader requests (measured) | by verb | write → last rollout | reloader responses (computed) "
        out += "| Stakater requests (computed) | by verb | Stakater responses (computed) |\n"
        out += "|---|---:|---|---:|---:|---:|---|---:|\n"
        for reload in [single, shared] {
            let model = stakater.reload(namespace: reload.namespace, users: reload.users)
            let kinds = StakaterModel.workloadKinds.map(\.resource).joined(separator: ", ")
            out += "| config used by \(reload.workloads) Deployment\(reload.workloads == 1 ? "" : "s") "
            out += "| \(reload.tally.total)\(reload.tally.failures > 0 ? " (\(reload.tally.failures) not 2xx)" : "") "
            out +=
                "| \(reload.tally.breakdown) | \(String(format: "%.2f s", reload.span)) | \(size(reload.responseBytes)) "
            out += "| \(model.total) | \(model.lists)× list (\(kinds)), \(model.patches)× patch deployments, "
            out +=
                "\(model.events)× create events | \(size(model.responseBytes)) (LISTs: \(grouped(model.listedObjects)) "
            out += "objects) |\n"
        }

        let model = stakater.startup()
        let duration = resync.log["duration_ms"].flatMap(Double.init).map { String(format: "%.2f s", $0 / 1000) } ?? "?"
        let span = resync.tally.first.flatMap { first in
            resync.tally.last.map { String(format: "%.2f s", $0.timeIntervalSince(first)) }
        }
        out += "\nPer resync pass and at start-up:\n\n"
        out += "| | reloader (measured) | Stakater Reloader v1.4.x (computed) |\n|---|---|---|\n"
        out += "| requests per resync pass (LISTs in pages of 500) | \(grouped(resync.tally.total)): "
        out += "\(resync.tally.breakdown); responses \(size(resync.responseBytes)) (computed) "
        out += "| 0: informers have `ResyncPeriod: 0`, no periodic pass (and nothing re-checks workloads) |\n"
        out += "| resync pass time | \(duration) (log line \"resync finished\"; requests spread over "
        out += "\(span ?? "?"); reconcile checked=\(resync.log["reconcile.checked"] ?? "?") "
        out += "enqueued=\(resync.log["reconcile.enqueued"] ?? "?")) | - |\n"
        out +=
            "| requests at start-up (until ready) | \(grouped(resync.startup.total)): \(resync.startup.breakdown); ready after "
        out += String(format: "%.1f s", resync.firstReadiness)
        out += " | \(model.requests): list + watch configmaps, list + watch secrets (cluster-wide) |\n"
        out += "| ConfigMap/Secret content held in memory | none: each config read is hashed and dropped; the index "
        out += "holds \(grouped(resync.indexReferences)) references "
        out += "| all \(grouped(model.cachedObjects)) ConfigMaps and Secrets: \(mib(model.contentBytes)) of content, "
        out += "\(mib(model.cachedBytes)) as JSON (the informer cache; Go objects take more) |\n"
        out += "| process memory after the second pass | VmRSS \(mib(resync.rssKiB * 1024)), VmHWM "
        out += "\(mib(resync.peakKiB * 1024)) (/proc/<pid>/status) | not measured; at least the cache above |\n"
        return out
    }

    /// KiB below 1 MiB, MiB above.
    private func size(_ bytes: Int) -> String { bytes < 1_048_576 ? kib(bytes) : mib(bytes) }

    /// The raw request logs, one CSV per measurement: name → contents.
    var csvFiles: [(String, String)] {
        [
            ("requests-reload-\(single.workloads).csv", RequestTally.csv(single.entries)),
            ("requests-reload-\(shared.workloads).csv", RequestTally.csv(shared.entries)),
            ("requests-resync.csv", RequestTally.csv(resync.entries)),
            ("requests-startup.csv", RequestTally.csv(resync.startupEntries)),
        ]
    }
}
