/// Namespace for the pure policy suites, so `swift test --filter Policy` selects them all.
enum PolicyTests {}
