import Testing

@testable import Reloader

extension PolicyTests {
    /// The pause period's decisions (contract §5.4) and the RFC 3339 times they read and write.
    @Suite struct PausePeriodTests {
        typealias F = PolicyFixtures
        static let now: Int64 = 1_764_160_000  // 2025-11-26T12:26:40Z
        static let keys = AnnotationKeys()
        static let period = "deployment.reloader.stakater.com/pause-period"
        static let pausedAt = "deployment.reloader.stakater.com/paused-at"

        static func deployment(
            _ annotations: [String: String], kind: WorkloadKind = .deployment, paused: Bool? = nil
        ) -> JSONValue {
            var object = F.workload(kind, annotations: annotations, template: F.template(containers: []))
            if let paused { object.set(["spec", "paused"], to: .bool(paused)) }
            return object
        }

        @Test(
            "RFC 3339 times read back to the Unix second they name",
            arguments: [
                ("2025-11-26T12:26:40Z", Int64(1_764_160_000)), ("2025-11-26t12:26:40z", 1_764_160_000),
                ("2025-11-26T12:26:40.123456Z", 1_764_160_000), ("2025-11-26T13:26:40+01:00", 1_764_160_000),
                ("2025-11-26T07:56:40-04:30", 1_764_160_000), ("1970-01-01T00:00:00Z", 0),
                ("2000-02-29T00:00:00Z", 951_782_400), ("1969-12-31T23:59:59Z", -1),
            ])
        func parsesRFC3339(text: String, seconds: Int64) {
            #expect(RFC3339Time.parse(text) == seconds)
        }

        @Test(
            "malformed times are refused",
            arguments: [
                "", "2025-11-26", "2025-11-26T12:26:40", "2025-11-26 12:26:40Z", "2025-13-26T12:26:40Z",
                "2025-11-26T24:00:00Z", "2025-11-26T12:26:40.Z", "2025-11-26T12:26:40+0100", "2025-11-26T12:26:40Zx",
                "25-11-26T12:26:40Z",
            ])
        func refusesMalformedTimes(text: String) {
            #expect(RFC3339Time.parse(text) == nil)
        }

        @Test("format and parse are inverse", arguments: [Int64(0), 1_764_160_000, 4_102_444_799, -86_401])
        func roundTrip(seconds: Int64) {
            #expect(RFC3339Time.parse(RFC3339Time.format(unixSeconds: seconds)) == seconds)
        }

        @Test("C38 no pause-period annotation: no pause")
        func noAnnotation() {
            #expect(
                PausePeriod.plan(kind: .deployment, object: Self.deployment([:]), keys: Self.keys, now: Self.now)
                    == .none)
        }

        @Test("C37 a Deployment with a valid period is paused with paused-at = now")
        func newPause() {
            let plan = PausePeriod.plan(
                kind: .deployment, object: Self.deployment([Self.period: "1m30s"]), keys: Self.keys, now: Self.now)
            #expect(plan == .pause(period: .seconds(90), pausedAt: "2025-11-26T12:26:40Z", isNew: true))
        }

        @Test("inside the window our paused-at is kept, so the resume is not pushed further out")
        func keepsOurPausedAt() {
            let object = Self.deployment([Self.period: "5m", Self.pausedAt: "2025-11-26T12:25:00Z"], paused: true)
            let plan = PausePeriod.plan(kind: .deployment, object: object, keys: Self.keys, now: Self.now)
            #expect(plan == .pause(period: .seconds(300), pausedAt: "2025-11-26T12:25:00Z", isNew: false))
        }

        @Test("an unreadable paused-at of ours is replaced by now")
        func replacesUnreadablePausedAt() {
            let object = Self.deployment([Self.period: "5m", Self.pausedAt: "yesterday"], paused: true)
            let plan = PausePeriod.plan(kind: .deployment, object: object, keys: Self.keys, now: Self.now)
            #expect(plan == .pause(period: .seconds(300), pausedAt: "2025-11-26T12:26:40Z", isNew: true))
        }

        @Test("a Deployment paused by someone else (no paused-at of ours) is not taken over")
        func pausedByOther() {
            let object = Self.deployment([Self.period: "5m"], paused: true)
            #expect(
                PausePeriod.plan(kind: .deployment, object: object, keys: Self.keys, now: Self.now) == .pausedByOther)
        }

        @Test("an invalid or negative period: reload without pause", arguments: ["soon", "10", "-5s", ""])
        func invalidPeriod(value: String) {
            let plan = PausePeriod.plan(
                kind: .deployment, object: Self.deployment([Self.period: value]), keys: Self.keys, now: Self.now)
            #expect(plan == .invalidPeriod(value: value))
        }

        @Test("other kinds: warning, reload as usual", arguments: [WorkloadKind.daemonSet, .statefulSet, .rollout])
        func otherKinds(kind: WorkloadKind) {
            let plan = PausePeriod.plan(
                kind: kind, object: Self.deployment([Self.period: "5m"], kind: kind), keys: Self.keys, now: Self.now)
            #expect(plan == .unsupportedKind(value: "5m"))
        }

        @Test("renamed keys are the ones read")
        func renamedKeys() {
            var keys = AnnotationKeys()
            keys.pausePeriod = "example.com/pause"
            keys.pausedAt = "example.com/paused-at"
            let object = Self.deployment(["example.com/pause": "10s", Self.period: "1h"])
            #expect(
                PausePeriod.plan(kind: .deployment, object: object, keys: keys, now: Self.now)
                    == .pause(period: .seconds(10), pausedAt: "2025-11-26T12:26:40Z", isNew: true))
            #expect(
                PausePeriod.resume(annotations: [Self.pausedAt: "2025-11-26T12:26:40Z"], keys: keys, now: Self.now)
                    == .notOurs)
        }

        @Test(
            "resume: due when the period is over, removed or invalid, or paused-at is unreadable; never without ours",
            arguments: [
                ([Self.period: "10s", Self.pausedAt: "2025-11-26T12:26:30Z"], PausePeriod.Resume.due),
                ([Self.period: "10s", Self.pausedAt: "2025-11-26T12:26:31Z"], .notYet(dueAt: Self.now + 1)),
                ([Self.period: "1.5s", Self.pausedAt: "2025-11-26T12:26:39Z"], .notYet(dueAt: Self.now + 1)),
                ([Self.pausedAt: "2025-11-26T12:26:39Z"], .due),  // period annotation removed
                ([Self.period: "soon", Self.pausedAt: "2025-11-26T12:26:39Z"], .due),
                ([Self.period: "10s", Self.pausedAt: "garbage"], .due),
                ([Self.period: "10s"], .notOurs),
                ([:], .notOurs),
            ])
        func resume(annotations: [String: String], expected: PausePeriod.Resume) {
            #expect(PausePeriod.resume(annotations: annotations, keys: Self.keys, now: Self.now) == expected)
        }
    }
}
