import Foundation
import Testing

@testable import DashboardCore

/// Replays the inputs the fuzzers once broke the parsers with (`Fixtures/fuzz-regressions/`,
/// `make fuzz`), with the fuzzers' own checks.
@Suite struct FuzzRegressionTests {
    /// The saved inputs of one fuzzer, by file name.
    static func inputs(_ folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let url = try #require(Bundle.module.url(forResource: "fuzz-regressions", withExtension: nil, subdirectory: "Fixtures"))
        let files = try FileManager.default.contentsOfDirectory(at: url.appendingPathComponent(folder), includingPropertiesForKeys: nil)
        return try files.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { ($0.lastPathComponent, [UInt8](try Data(contentsOf: $0))) }
    }

    @Test func savedInventoriesReadTheSameWhateverTheEnvironmentOrder() throws {
        let inputs = try Self.inputs("inventory")
        #expect(!inputs.isEmpty)
        for input in inputs {
            let values = DotEnv.parse(String(decoding: input.bytes, as: UTF8.self)).values
            let expected = InventoryParser.parse(environment: values)
            #expect(!expected.problems.isEmpty, "\(input.name) reads without problems: not the input that was saved")
            // Dictionaries with the same settings iterate in different orders (per-instance seeds, capacities).
            for capacity in [0, 64, 1000] {
                for order in [Array(values), values.reversed(), values.sorted { $0.key < $1.key }] {
                    var environment = [String: String](minimumCapacity: capacity)
                    for (key, value) in order { environment[key] = value }
                    #expect(InventoryParser.parse(environment: environment) == expected, "\(input.name), capacity \(capacity)")
                }
            }
        }
    }
}
