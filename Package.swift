// swift-tools-version: 6.2
// Server Dashboard: agentless monitoring for fleets of Linux servers.
import PackageDescription

/// Swift 6 language mode gives complete concurrency checking; a warning in our code fails the build.
/// (SwiftPM applies warning settings to this package's own targets only, never to its dependencies.)
let strictSettings: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "server-dashboard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "collector", targets: ["Collector"]),
        .executable(name: "api", targets: ["API"]),
        .executable(name: "frontend-renderer", targets: ["FrontendRenderer"]),
        .library(name: "DashboardCore", targets: ["DashboardCore"]),
        .library(name: "DashboardStorage", targets: ["DashboardStorage"]),
        .library(name: "RemoteExec", targets: ["RemoteExec"]),
        .library(name: "DashboardExport", targets: ["DashboardExport"]),
        .library(name: "APISupport", targets: ["APISupport"]),
        .library(name: "ProbeInvariants", targets: ["ProbeInvariants"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // No default traits: "FullFoundation" would link the whole of Foundation into the api
        // (≈ 8 MB more resident, with ICU); FoundationEssentials is all it needs.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Models, probe-output and inventory parsing, status rules, JSON conventions. No I/O.
        .target(name: "DashboardCore", swiftSettings: strictSettings),
        // SERVERS_FILE (YAML) for the collector; apart from DashboardCore because Yams needs all of Foundation.
        .target(name: "InventoryYAML", dependencies: ["DashboardCore", .product(name: "Yams", package: "Yams")], swiftSettings: strictSettings),

        // libpq, found through pkg-config.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // PostgreSQL access: connections, pool, bound queries, row decoding, migrations, repositories.
        .target(
            name: "DashboardStorage",
            dependencies: [
                "DashboardCore", "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Migrations/README.md"],
            resources: [
                .embedInCode("Migrations/0001_initial.sql"),
                .embedInCode("Migrations/0002_change_notifications_and_hourly_rollup.sql"),
                .embedInCode("Migrations/0003_alert_rules_silences_notifications.sql"),
                .embedInCode("Migrations/0004_cpu_time_and_disk_io.sql"),
                .embedInCode("Migrations/0005_cleanup_runs.sql"),
                .embedInCode("Migrations/0006_anomaly_scores.sql"),
                .embedInCode("Migrations/0007_live_events.sql"),
                .embedInCode("Migrations/0008_deeper_monitoring.sql"),
            ],
            swiftSettings: strictSettings
        ),

        // Dedicated threads for blocking C calls (libssh2, libcurl), off the cooperative pool.
        .target(name: "BlockingWork", swiftSettings: strictSettings),
        // libssh2, found through pkg-config; shim.h wraps its function-like macros.
        .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        // Running the probe on a server: libssh2 sessions with host-key checks, or locally.
        .target(
            name: "RemoteExec",
            dependencies: [
                "DashboardCore", "CLibSSH2", "CLibCrypto", "BlockingWork",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // libcurl and OpenSSL's libcrypto, found through pkg-config; shim.h wraps curl's variadic setopt/getinfo.
        .systemLibrary(name: "CLibCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Sending alert notifications: webhooks, Slack-compatible hooks, ntfy and e-mail over libcurl.
        .target(
            name: "Notify",
            dependencies: ["DashboardCore", "CLibCurl", "CLibCrypto", "BlockingWork", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // Files and formats the api hands out: CSV, XLSX workbooks, Prometheus text exposition.
        .systemLibrary(name: "CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "DashboardExport",
            dependencies: ["DashboardCore", "CSystemZlib"],
            swiftSettings: strictSettings
        ),

        // What every executable shares: settings from the environment and `.env`, log output.
        .target(
            name: "ServiceSupport",
            dependencies: ["DashboardCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        .executableTarget(
            name: "Collector",
            dependencies: [
                "DashboardCore", "DashboardStorage", "RemoteExec", "ServiceSupport", "InventoryYAML", "Notify", "BlockingWork",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.embedInCode("Resources/probe.sh")],
            swiftSettings: strictSettings
        ),
        // glibc's malloc.h (mallopt), part of the C library: no package to find.
        .systemLibrary(name: "CMalloc"),
        // The JSON shapes the api serves and the renderer reads, defined once (docs/api.md).
        .target(name: "DashboardWire", dependencies: ["DashboardCore"], swiftSettings: strictSettings),
        // The api's request parsing without its server: query parameters, history windows and
        // the error they throw, so tests and the fuzzers (Fuzz/) use them without Hummingbird.
        .target(
            name: "APISupport",
            dependencies: ["DashboardCore", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "API",
            dependencies: [
                "APISupport", "DashboardCore", "DashboardWire", "DashboardStorage", "DashboardExport", "ServiceSupport", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            resources: [.embedInCode("Resources/openapi.json")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "FrontendRenderer",
            dependencies: [
                "DashboardCore", "DashboardWire", "ServiceSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [
                .embedInCode("Resources/app.css"),
                .embedInCode("Resources/app.js"),
                .embedInCode("Resources/icon.svg"),
            ],
            swiftSettings: strictSettings
        ),

        // `make bench-storage`: repository timings at 1,000 servers × 90 days.
        .executableTarget(
            name: "StorageBenchmark",
            dependencies: ["DashboardCore", "DashboardStorage", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/StorageBenchmark",
            swiftSettings: strictSettings
        ),
        // `make bench-anomaly`: the anomaly detector against scikit-learn on a labelled synthetic fleet.
        .executableTarget(
            name: "AnomalyBenchmark",
            dependencies: ["DashboardCore"],
            path: "Benchmarks/AnomalyBenchmark",
            swiftSettings: strictSettings
        ),

        // What a suite needs besides our code (PostgreSQL, sshd test hosts, …) as Swift Testing
        // tags; `make test-unit` skips every one of them.
        .target(name: "TestTags", path: "Tests/TestTags", swiftSettings: strictSettings),
        // What every probe report must satisfy, for the parser's mutation tests and its fuzz target:
        // test code (under Tests/, so Sources/ stays the one home of each figure), shared as a library.
        .target(name: "ProbeInvariants", dependencies: ["DashboardCore"], path: "Tests/ProbeInvariants", swiftSettings: strictSettings),
        .testTarget(
            name: "DashboardCoreTests", dependencies: ["DashboardCore", "ProbeInvariants"], resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(name: "InventoryYAMLTests", dependencies: ["InventoryYAML", "DashboardCore"], swiftSettings: strictSettings),
        // Helpers the test targets share: databases on the test cluster, test-host settings.
        .target(
            name: "TestSupport",
            dependencies: ["DashboardCore", "DashboardStorage", "RemoteExec", "TestTags", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceSupportTests", dependencies: ["ServiceSupport", "DashboardCore", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .testTarget(name: "DashboardStorageTests", dependencies: ["DashboardStorage", "DashboardCore", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "RemoteExecTests", dependencies: ["RemoteExec", "DashboardCore", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "NotifyTests", dependencies: ["Notify", "DashboardCore", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "CollectorTests",
            dependencies: ["Collector", "DashboardCore", "DashboardStorage", "RemoteExec", "TestSupport", "InventoryYAML", "Notify"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "DashboardExportTests",
            dependencies: ["DashboardExport", "DashboardCore", "TestTags", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strictSettings),
        .testTarget(name: "APISupportTests", dependencies: ["APISupport", "DashboardCore"], resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "APISupport", "DashboardCore", "DashboardWire", "DashboardStorage", "ServiceSupport", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FrontendRendererTests",
            dependencies: [
                "FrontendRenderer", "DashboardCore", "DashboardStorage", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
