import Foundation
import Testing

@testable import Reloader

/// Replays the committed fuzz corpus (`Fixtures/admission-corpus`, also the seed corpus of `make fuzz`) through
/// `AdmissionReview.decode`. The prefix says the outcome: `valid-` decodes, `bad-` is refused, `deep-` files
/// are refused with `nestingTooDeep` exactly when they nest deeper than the limit; other names (fuzzer
/// findings) may go either way. Every refusal's reason stays short whatever the input.
@Suite("AdmissionReview corpus replay")
struct AdmissionCorpusReplayTests {
    static var files: [String] {
        guard let directory = try? FixtureFiles.directory.appendingPathComponent("admission-corpus") else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test("the corpus is bundled")
    func corpusIsBundled() {
        #expect(Self.files.count >= 50)
    }

    @Test("every corpus file decodes or is refused as its name says", arguments: files)
    func replay(name: String) throws {
        let bytes = try FixtureFiles.bytes(name, in: "admission-corpus")
        let result: Result<AdmissionReview, AdmissionDecodingError>
        do throws(AdmissionDecodingError) {
            result = .success(try AdmissionReview.decode(bytes))
        } catch {
            result = .failure(error)
        }
        let again: Result<AdmissionReview, AdmissionDecodingError>
        do throws(AdmissionDecodingError) {
            again = .success(try AdmissionReview.decode(bytes))
        } catch {
            again = .failure(error)
        }
        #expect(result == again, "decoding is a pure function of the bytes, reasons included")
        switch result {
        case .success(let review):
            #expect(!name.hasPrefix("bad-"), "accepted")
            #expect(!review.request.uid.isEmpty && review.request.uid.count <= AdmissionRequest.maximumUIDLength)
        case .failure(let error):
            #expect(!name.hasPrefix("valid-"), "refused: \(error)")
            #expect(error.description.count <= 600, "reason of \(error.description.count) characters")
        }
        if name.hasPrefix("deep-") {
            let tooDeep = Self.maximumDepth(of: bytes) > AdmissionReview.maximumNestingDepth
            #expect((result == .failure(.nestingTooDeep(limit: AdmissionReview.maximumNestingDepth))) == tooDeep)
        }
    }

    /// A reference for how deeply a text nests: brackets counted outside strings (independent of JSONReader).
    static func maximumDepth(of bytes: [UInt8]) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B, 0x5B: depth += 1; deepest = max(deepest, depth)
            case 0x7D, 0x5D: depth = max(0, depth - 1)
            default: break
            }
        }
        return deepest
    }

    // Found by `make fuzz` on its seed corpus: the dotted path echoed a 3000-character label key in full.
    @Test("a field path built from long keys from the input is abbreviated")
    func longKeyInPathIsAbbreviated() throws {
        let key = String(repeating: "k", count: 3000)
        let body =
            #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","#
            + #""kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},"#
            + #""operation":"UPDATE","object":{"kind":"ConfigMap","metadata":{"labels":{""# + key + #"":1}}}}}"#
        #expect(
            throws: AdmissionDecodingError.invalidField(
                path: "request.object.metadata.labels.\(key.prefix(64))…", reason: "expected a string")
        ) {
            try AdmissionReview.decode(Array(body.utf8))
        }
    }

    @Test("an unknown operation is reported with a bounded reason")
    func longOperationIsBounded() throws {
        let body =
            #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","#
            + #""kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},"#
            + #""operation":""# + String(repeating: "P", count: 5000) + #""}}"#
        do throws(AdmissionDecodingError) {
            _ = try AdmissionReview.decode(Array(body.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.description.count <= 600, "\(error.description.prefix(100))")
        }
    }
}
