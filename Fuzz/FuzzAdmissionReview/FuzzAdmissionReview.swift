// libFuzzer entry for `AdmissionReview.decode`. Built by scripts/fuzz.sh with `swiftc -sanitize=fuzzer,address`
// together with the Model sources; not a SwiftPM target. Any violated invariant traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdmissionReview(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let first: Result<AdmissionReview, AdmissionDecodingError>
    do throws(AdmissionDecodingError) {
        first = .success(try AdmissionReview.decode(bytes))
    } catch {
        first = .failure(error)
    }
    switch first {
    case .success(let review):
        let uid = review.request.uid
        if uid.isEmpty || uid.count > AdmissionRequest.maximumUIDLength {
            fatalError("accepted uid of \(uid.count) characters")
        }
    case .failure(let error):
        // Reasons go back to the API server and into logs; they must stay short whatever the input.
        let reason = error.description
        if reason.count > 700 { fatalError("reason of \(reason.count) characters: \(reason.prefix(200))") }
    }
    // Decoding is a pure function of the bytes: the same review, or the same refusal with the same reason
    // (JSONReader reads members in document order, so even the first of several wrong fields is stable).
    let second: Result<AdmissionReview, AdmissionDecodingError>
    do throws(AdmissionDecodingError) {
        second = .success(try AdmissionReview.decode(bytes))
    } catch {
        second = .failure(error)
    }
    switch (first, second) {
    case (.success(let a), .success(let b)) where a == b: break
    case (.failure(let a), .failure(let b)) where a == b: break
    default: fatalError("decoded differently twice: \(first) then \(second)")
    }
    return 0
}
