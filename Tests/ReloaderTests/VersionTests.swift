import Testing

@testable import Reloader

@Test("the version is a semantic version")
func versionIsSemantic() {
    #expect(ReloaderVersion.string.split(separator: ".").count == 3)
}
