import KubeSim
import Testing

@Test(
    "patch type is read from Content-Type, ignoring parameters and case",
    arguments: [
        ("application/merge-patch+json", PatchType.merge),
        ("application/json-patch+json", .json),
        ("application/strategic-merge-patch+json", .strategicMerge),
        ("application/apply-patch+yaml", .apply),
        ("Application/Merge-Patch+JSON", .merge),
        ("application/json-patch+json; charset=utf-8", .json),
        (" application/strategic-merge-patch+json ;charset=UTF-8", .strategicMerge),
    ] as [(String, PatchType)])
func patchTypeFromContentType(contentType: String, expected: PatchType) {
    #expect(PatchType(contentType: contentType) == expected)
}

@Test(
    "unknown content types are no patch type",
    arguments: ["application/json", "", ";application/merge-patch+json", "application/merge-patch", "text/plain"])
func unknownContentType(contentType: String) {
    #expect(PatchType(contentType: contentType) == nil)
}

@Test("only server-side apply is unsupported")
func applyIsUnsupported() {
    #expect(PatchType.allCases.filter { !$0.isSupported } == [.apply])
}
