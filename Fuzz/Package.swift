// swift-tools-version: 6.0
// libFuzzer targets for the parsers that read untrusted input (`make fuzz`, scripts/fuzz.sh).
//
// A package of its own so the root package's `swift build --build-tests` never sees
// `-sanitize=fuzzer`: scripts/fuzz.sh builds this one with
// `-c release -Xswiftc -sanitize=fuzzer,address`.
import PackageDescription

let package = Package(
    name: "server-dashboard-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "server-dashboard", path: "..")
    ],
    targets: [
        // The declaration of libFuzzer's `LLVMFuzzerRunDriver`, which each fuzzer's `main` calls.
        .target(name: "LibFuzzerDriver"),
        // ProbeParser on arbitrary bytes: no trap, figures bounded, copied input read alike.
        .executableTarget(
            name: "ProbeParserFuzzer",
            dependencies: [
                "LibFuzzerDriver",
                .product(name: "DashboardCore", package: "server-dashboard"),
                .product(name: "ProbeInvariants", package: "server-dashboard"),
            ]
        ),
        // `.env` text → DotEnv → InventoryParser (SERVERn_*): no trap, entries valid, no secret shown.
        .executableTarget(
            name: "InventoryParserFuzzer",
            dependencies: ["LibFuzzerDriver", .product(name: "DashboardCore", package: "server-dashboard")]
        ),
        // The api's query strings → QueryParameters → typed values and HistoryWindow: no trap,
        // 400s only, bounded values, parse → re-encode → parse the same.
        .executableTarget(
            name: "QueryParametersFuzzer",
            dependencies: [
                "LibFuzzerDriver",
                .product(name: "APISupport", package: "server-dashboard"),
                .product(name: "DashboardCore", package: "server-dashboard"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
