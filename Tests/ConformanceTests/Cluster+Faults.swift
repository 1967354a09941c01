import Foundation
import KubeSim
import Reloader

/// kube-sim's fault injection and request log, driven in process for the fault scenarios.
extension Cluster {
    /// Switches a fault on in kube-sim: `rule` is the body `POST /sim/faults` takes, read by the same parser.
    func inject(_ rule: JSONValue) throws {
        sim.handler.faults.add(try FaultInjector.Rule(json: rule, now: Date()))
    }

    /// The requests kube-sim answered with `method` on `path` (query left out), oldest first.
    func requests(_ method: String, _ path: String) -> [RequestLog.Entry] {
        sim.handler.requests.all.filter { $0.method == method && $0.path == path }
    }
}
