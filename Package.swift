// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "reloader",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reloader", targets: ["reloader"]),
        .executable(name: "kube-sim", targets: ["kube-sim"]),
        .library(name: "WebhookServer", targets: ["WebhookServer"]),
        .library(name: "Reloader", targets: ["Reloader"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CNghttp2", pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "WebhookServer",
            dependencies: [
                "COpenSSL", "CNghttp2", "CLinux",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "Reloader",
            dependencies: [
                "WebhookServer", "CCurl", "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict),
        .target(
            name: "KubeSim",
            dependencies: [
                "WebhookServer", "Reloader",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "kube-sim",
            dependencies: [
                "KubeSim", "WebhookServer", "Reloader",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "reloader",
            dependencies: [
                "Reloader", "WebhookServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        // `make bench` (scripts/bench.sh) runs it from a release build; `swift test` never does.
        .executableTarget(
            name: "kube-client-bench",
            dependencies: [
                "KubeSim", "Reloader", "WebhookServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/KubeClientBench",
            swiftSettings: strict),
        // Release build, run by hand (see its main.swift); neither `make bench` nor `swift test` runs it.
        .executableTarget(
            name: "admission-bench",
            dependencies: ["Reloader", "WebhookServer", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/AdmissionBench",
            swiftSettings: strict),
        // `make bench` (scripts/bench.sh) runs it from a release build; `swift test` never does.
        .executableTarget(
            name: "index-bench",
            dependencies: ["Reloader"],
            path: "Benchmarks/IndexBench",
            swiftSettings: strict),
        // `make bench` (scripts/bench.sh) runs it from a release build, with the release `reloader` beside it and
        // kubectl; `swift test` never does. TestSupport starts reloader as a child process as the end-to-end tests do.
        .executableTarget(
            name: "reload-bench",
            dependencies: [
                "KubeSim", "Reloader", "WebhookServer", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ReloadBench",
            swiftSettings: strict),
        // The fault-injection soak (`make soak`, and a short run in `swift test`): kube-sim in process, reloader
        // replicas as child processes, a write driver, a chaos loop and the oracle. Not TestSupport: a library any
        // executable may link.
        .target(
            name: "Soak",
            dependencies: [
                "KubeSim", "Reloader", "WebhookServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/Soak",
            swiftSettings: strict),
        // `make soak` runs it from a release build, with the release `reloader` beside it; `swift test` runs the
        // same harness through SoakTests.
        .executableTarget(
            name: "soak",
            dependencies: ["Soak"],
            path: "Benchmarks/SoakCommand",
            swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: ["WebhookServer", "COpenSSL"],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "WebhookServerTests",
            dependencies: ["WebhookServer", "TestSupport", "CNghttp2"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "ReloaderTests",
            dependencies: [
                "Reloader", "WebhookServer", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "KubeSimTests",
            dependencies: [
                "KubeSim", "Reloader", "WebhookServer", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "KubeSim", "Reloader", "WebhookServer", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SoakTests",
            dependencies: ["Soak", "KubeSim", "Reloader", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["WebhookServer", "Reloader", "TestSupport"],
            swiftSettings: strict),
    ]
)
