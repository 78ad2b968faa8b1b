import Foundation
import TestTags

/// A PostgreSQL cluster started by scripts/test-postgres.sh for one test.
///
/// The script blocks for seconds (initdb, pg_ctl -w), so it runs on a Dispatch thread:
/// blocking one of the few cooperative threads would stall every other suite's timings.
public struct OwnCluster: Sendable {
    /// The cluster's own folder under /tmp, where the script writes its `env` file; removed by `stop()`.
    public let directory: String
    /// The cluster's database URL: role "dashboard", owner of database "server_db".
    public let url: String

    /// The superuser's URL (database "postgres"), for what only it may do (CREATE ROLE).
    public var adminURL: String {
        get throws {
            let env = try String(contentsOfFile: directory + "/env", encoding: .utf8)
            guard let line = env.split(separator: "\n").first(where: { $0.contains("SD_TEST_ADMIN_DATABASE_URL=") }) else {
                throw TestEnvironmentError("scripts/test-postgres.sh wrote no SD_TEST_ADMIN_DATABASE_URL")
            }
            return line.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
    }

    /// Starts a cluster, runs `body` with it, and stops and removes it however `body` ends.
    public static func with(_ body: (OwnCluster) async throws -> Void) async throws {
        let cluster = try await start()
        do {
            try await body(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// Starts a cluster on a random free port below the kernel's ephemeral range.
    ///
    /// A port inside that range (32768–60999 here) can be taken at any moment by one of the
    /// suite's own client sockets, so ports come from 12000–19999, are checked free first,
    /// and a start that still fails (the port was taken between the check and PostgreSQL's
    /// bind) is tried again on another port, up to three times, with its log in the error.
    public static func start() async throws -> OwnCluster {
        expectTag(.postgres, using: "a PostgreSQL cluster of its own")
        var failures: [String] = []
        for _ in 1...3 {
            let directory = "/tmp/sd-own-cluster-\(UUID().uuidString.prefix(8))"
            let port = freeLoopbackPort(in: 12_000..<20_000)
            let cluster = OwnCluster(directory: directory, url: "")
            do {
                try await cluster.run("start", String(port))
            } catch {
                let log = (try? String(contentsOfFile: directory + "/postgres.log", encoding: .utf8)) ?? ""
                failures.append("port \(port): \(error) \(log.split(separator: "\n").suffix(5).joined(separator: " | "))")
                await cluster.stop()
                continue
            }
            let env = try String(contentsOfFile: directory + "/env", encoding: .utf8)
            guard let line = env.split(separator: "\n").first(where: { $0.contains("SD_TEST_DATABASE_URL=") }) else {
                throw TestEnvironmentError("scripts/test-postgres.sh wrote no SD_TEST_DATABASE_URL")
            }
            let url = line.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            return OwnCluster(directory: directory, url: url)
        }
        throw TestEnvironmentError("a PostgreSQL cluster of its own did not start: \(failures.joined(separator: "; "))")
    }

    /// Runs `scripts/test-postgres.sh <command> <directory> [arguments]` (`stop`, `start`, `restart`).
    public func run(_ arguments: String...) async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/test-postgres.sh").standardized.path
        let command = ["/bin/bash", script, arguments[0], directory] + arguments.dropFirst()
        let result = try await runProgramDetached(command)
        guard result.status == 0 else {
            throw TestEnvironmentError(
                "scripts/test-postgres.sh \(arguments.joined(separator: " ")) failed with \(result.status): \(result.stderr.suffix(600))")
        }
    }

    /// Stops the cluster and removes its files.
    public func stop() async {
        try? await run("stop")
        try? FileManager.default.removeItem(atPath: directory)
    }
}
