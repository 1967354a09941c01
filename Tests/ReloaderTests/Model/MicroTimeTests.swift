import Foundation
import Testing

@testable import Reloader

/// `MicroTime` and `LeaseRecord`: the Lease's text forms, as the API server writes and reads them.
@Suite("MicroTime and LeaseRecord")
struct MicroTimeTests {
    @Test(
        "formats UTC with six fractional digits",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000000Z"),
            (1_795_710_693.123456, "2026-11-26T16:31:33.123456Z"),
            (951_782_400.5, "2000-02-29T00:00:00.500000Z"),  // leap day of a century leap year
            (4_107_542_399.999999, "2100-02-28T23:59:59.999999Z"),
            (-1.25, "1969-12-31T23:59:58.750000Z"),
        ])
    func formats(seconds: Double, text: String) {
        #expect(MicroTime.format(Date(timeIntervalSince1970: seconds)) == text)
        let parsed = MicroTime.parse(text)?.timeIntervalSince1970
        #expect(parsed.map { abs($0 - seconds) < 1e-6 } == true, "\(text) parses back")
    }

    @Test("parses the forms the API server writes and refuses anything else")
    func parses() {
        #expect(MicroTime.parse("2026-11-26T16:18:13Z")?.timeIntervalSince1970 == 1_795_709_893)
        #expect(MicroTime.parse("2026-11-26T16:18:13.5Z")?.timeIntervalSince1970 == 1_795_709_893.5)
        #expect(MicroTime.parse("2026-11-26T16:18:13.123456789123456789123Z") != nil)
        for bad in [
            "", "2026-11-26", "2026-11-26T16:18:13", "2026-11-26T16:18:13+01:00", "2026-13-26T16:18:13Z",
            "2026-11-26T16:18:13.Z", "2026-11-26T16:18:13.12a4Z", "2026/11/26T16:18:13Z", "２０２６-11-26T16:18:13Z",
        ] {
            #expect(MicroTime.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("a Lease spec round-trips; absent fields take client-go's zero values")
    func leaseRecordRoundTrips() throws {
        let record = LeaseRecord(
            holderIdentity: "reloader-0", leaseDurationSeconds: 15, acquireTime: "2026-11-26T16:18:13.123456Z",
            renewTime: "2026-11-26T16:18:15.000001Z", leaseTransitions: 2)
        #expect(try LeaseRecord(spec: record.spec, namespace: "ns", name: "lock") == record)
        let empty = try LeaseRecord(spec: [:], namespace: "ns", name: "lock")
        #expect(
            empty
                == LeaseRecord(
                    holderIdentity: "", leaseDurationSeconds: 0, acquireTime: nil, renewTime: nil,
                    leaseTransitions: 0))
        #expect(try LeaseRecord(spec: nil, namespace: "ns", name: "lock") == empty)
    }

    @Test("a spec field of the wrong type is an error naming the Lease and the field")
    func leaseRecordRefusesWrongTypes() {
        #expect(
            throws: LeaderElectionError.invalidLease(
                namespace: "ns", name: "lock", reason: "spec.leaseDurationSeconds is not an integer")
        ) {
            _ = try LeaseRecord(spec: ["leaseDurationSeconds": "15"], namespace: "ns", name: "lock")
        }
        #expect(
            throws: LeaderElectionError.invalidLease(
                namespace: "ns", name: "lock", reason: "spec.holderIdentity is not a string")
        ) {
            _ = try LeaseRecord(spec: ["holderIdentity": 3], namespace: "ns", name: "lock")
        }
        #expect(
            throws: LeaderElectionError.invalidLease(namespace: "ns", name: "lock", reason: "spec is not an object")
        ) {
            _ = try LeaseRecord(spec: "x", namespace: "ns", name: "lock")
        }
    }
}
