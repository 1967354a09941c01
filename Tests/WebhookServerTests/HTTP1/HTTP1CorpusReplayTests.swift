import Foundation
import Testing

@testable import WebhookServer

/// Replays the committed fuzz corpus (`Fixtures/http1-corpus`, also the seed corpus of `make fuzz`) through the
/// state machine with production limits. Every file must end in a documented outcome, the same one however the
/// bytes are split; the file's prefix says which outcome:
/// `valid-` dispatches and does not fail, `smuggle-` fails before dispatching anything, `bad-` and `limit-` fail,
/// `truncated-` waits for more; any other name (fuzzer findings) only has to keep the invariants.
@Suite struct HTTP1CorpusReplayTests {
    static var corpus: URL? {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("http1-corpus")
    }

    static var files: [String] {
        guard let corpus else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    }

    @Test("the corpus is bundled")
    func corpusIsBundled() {
        #expect(Self.files.count >= 50)
    }

    @Test("every corpus file ends in its documented outcome, however it is split", arguments: files)
    func replay(name: String) throws {
        let bytes = Array(try Data(contentsOf: try #require(Self.corpus).appendingPathComponent(name)))
        let limits = ServerLimits()
        let whole = Driver.run([bytes], limits: limits)
        #expect(whole.violations.isEmpty, "\(whole.violations)")

        if name.hasPrefix("valid-") {
            #expect(!whole.dispatched.isEmpty)
            if case .failed(let status) = whole.outcome { Issue.record("failed with \(status)") }
        } else if name.hasPrefix("smuggle-") {
            #expect(whole.dispatched.isEmpty)
            #expect(whole.outcome == .failed(status: 400) || whole.outcome == .failed(status: 501))
        } else if name.hasPrefix("bad-") || name.hasPrefix("limit-") {
            if case .failed = whole.outcome {} else { Issue.record("accepted: \(whole.outcome)") }
        } else if name.hasPrefix("truncated-") {
            #expect(whole.dispatched.isEmpty && whole.outcome == .waiting)
        }

        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: name.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) }))
        let splits = [bytes.map { [$0] }] + (0..<8).map { _ in rng.split(bytes) }
        for pieces in splits {
            let split = Driver.run(pieces, limits: limits)
            #expect(split.violations.isEmpty, "\(split.violations)")
            #expect(split.outcome == whole.outcome, "split into \(pieces.count) pieces")
            #expect(
                split.dispatched.map(\.request) == whole.dispatched.map(\.request), "split into \(pieces.count) pieces")
            #expect(split.dispatched.map(\.closeAfter) == whole.dispatched.map(\.closeAfter))
        }
    }
}
