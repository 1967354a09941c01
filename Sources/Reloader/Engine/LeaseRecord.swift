/// The spec of a coordination.k8s.io/v1 Lease as leader election reads and writes it: client-go's
/// `LeaderElectionRecord` and its `LeaseSpecToLeaderElectionRecord` / `LeaderElectionRecordToLeaseSpec`. Times stay
/// the text the API holds (`MicroTime`): the election never compares remote timestamps, it only carries
/// `acquireTime` over on a renewal, so the text round-trips unchanged. A pure value.
public struct LeaseRecord: Sendable, Hashable, CustomStringConvertible {
    /// Empty when nobody holds the Lease (never acquired, or released).
    public var holderIdentity: String
    public var leaseDurationSeconds: Int
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int

    public init(
        holderIdentity: String, leaseDurationSeconds: Int, acquireTime: String?, renewTime: String?,
        leaseTransitions: Int
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    /// Reads a Lease's `spec`. Absent fields take client-go's zero values (no holder, duration 0 so the Lease is
    /// already expired, no transitions); a field of the wrong type is an error, as a decode failure is in client-go.
    public init(spec: JSONValue?, namespace: String, name: String) throws(LeaderElectionError) {
        func invalid(_ field: String, _ expected: String) -> LeaderElectionError {
            .invalidLease(namespace: namespace, name: name, reason: "spec.\(field) is not \(expected)")
        }
        guard let spec, spec != .null else {
            self.init(
                holderIdentity: "", leaseDurationSeconds: 0, acquireTime: nil, renewTime: nil, leaseTransitions: 0)
            return
        }
        guard spec.objectValue != nil else {
            throw .invalidLease(namespace: namespace, name: name, reason: "spec is not an object")
        }
        func string(_ field: String) throws(LeaderElectionError) -> String? {
            guard let value = spec[field], value != .null else { return nil }
            guard let text = value.stringValue else { throw invalid(field, "a string") }
            return text
        }
        func integer(_ field: String) throws(LeaderElectionError) -> Int {
            guard let value = spec[field], value != .null else { return 0 }
            guard let number = value.intValue else { throw invalid(field, "an integer") }
            return number
        }
        self.init(
            holderIdentity: try string("holderIdentity") ?? "",
            leaseDurationSeconds: try integer("leaseDurationSeconds"),
            acquireTime: try string("acquireTime"), renewTime: try string("renewTime"),
            leaseTransitions: try integer("leaseTransitions"))
    }

    /// The Lease `spec` holding this record (client-go writes `holderIdentity` even when empty).
    public var spec: JSONValue {
        var spec: JSONValue = [
            "holderIdentity": .string(holderIdentity),
            "leaseDurationSeconds": .number(String(leaseDurationSeconds)),
            "leaseTransitions": .number(String(leaseTransitions)),
        ]
        if let acquireTime { spec["acquireTime"] = .string(acquireTime) }
        if let renewTime { spec["renewTime"] = .string(renewTime) }
        return spec
    }

    public var description: String {
        "holder=\(holderIdentity.isEmpty ? "<none>" : holderIdentity) duration=\(leaseDurationSeconds)s "
            + "renewed=\(renewTime ?? "<never>") transitions=\(leaseTransitions)"
    }
}
