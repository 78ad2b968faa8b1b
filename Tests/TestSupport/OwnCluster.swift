import Foundation

/// A PostgreSQL cluster started by scripts/test-postgres.sh for one test.
public struct OwnCluster: Sendable {
    public let directory: String
    /// The cluster's database URL (superuser).
    public let url: String

    /// Starts a cluster on a random port.
    public static func start() async throws -> OwnCluster {
        let directory = "/tmp/sd-own-cluster-\(UUID().uuidString.prefix(8))"
        let port = Int.random(in: 40_000..<50_000)
        let cluster = OwnCluster(directory: directory, url: "")
        try cluster.run("start", String(port))
        let env = try String(contentsOfFile: directory + "/env", encoding: .utf8)
        guard let line = env.split(separator: "\n").first(where: { $0.contains("SD_TEST_DATABASE_URL=") }) else {
            throw TestEnvironmentError("scripts/test-postgres.sh wrote no SD_TEST_DATABASE_URL")
        }
        let url = line.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        return OwnCluster(directory: directory, url: url)
    }

    /// Runs `scripts/test-postgres.sh <command> <directory> [arguments]` (`stop`, `start`, `restart`).
    public func run(_ arguments: String...) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/test-postgres.sh").standardized.path
        let status = try runProgram(["/bin/bash", script, arguments[0], directory] + arguments.dropFirst()).status
        guard status == 0 else {
            throw TestEnvironmentError("scripts/test-postgres.sh \(arguments.joined(separator: " ")) failed with \(status)")
        }
    }

    /// Stops the cluster and removes its files.
    public func stop() {
        try? run("stop")
        try? FileManager.default.removeItem(atPath: directory)
    }
}
