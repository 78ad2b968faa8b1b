import DashboardCore
import Foundation
import InventoryYAML
import TestSupport
import Testing

/// `SERVERS_FILE` as a user sets it: the built `collector check` reads the YAML inventory next to `SERVERn_*`.
@Suite(.tags(.builtProducts)) struct ServersFileTests {
    @Test func checkReadsTheYAMLInventoryAndReportsItsBadEntries() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let secret = "yaml-p4ssw0rd-never-printed"
        let file = try folder.file(
            "servers.yaml",
            contents: """
                servers:
                  - name: yaml-local
                    host: local
                    tags: [test]
                  - name: yaml-bad-port
                    host: 127.0.0.1
                    port: "abc"
                    username: u
                    password: \(secret)
                """)
        // The helper sets HOME to the temporary directory that holds the folder: `~` must expand.
        let tildePath = "~/" + URL(fileURLWithPath: folder.path).lastPathComponent + "/servers.yaml"
        #expect(FileManager.default.fileExists(atPath: file))
        let database = "postgresql://x@127.0.0.1:\(try unusedPort())/none"
        let result = try await CollectorCommandTests.collector(
            ["check"],
            CollectorCommandTests.environment(
                nil,
                [
                    "DATABASE_URL": database, "SERVERS_FILE": tildePath,
                ]))
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("yaml-local ") && $0.contains(" local ") && $0.contains(" ok ") }, "\(result.stdout)")
        #expect(!result.stdout.contains("yaml-bad-port"))
        #expect(lines.last == "1 of 1 reachable; 1 inventory entries skipped", "\(result.stdout)")
        #expect(result.stderr.contains("skipped yaml-bad-port: port must be a port number from 1 to 65535, got \"abc\""), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains(secret))

        let missing = try await CollectorCommandTests.collector(
            ["check"],
            CollectorCommandTests.environment(
                nil,
                [
                    "DATABASE_URL": database, "SERVERS_FILE": folder.path + "/absent.yaml", "SERVER1_NAME": "env-local", "SERVER1_HOST": "local",
                ]))
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read SERVERS_FILE \(folder.path)/absent.yaml (no such file)"), "\(missing.stderr)")
        #expect(missing.stdout.split(separator: "\n").contains { $0.hasPrefix("env-local ") && $0.contains(" ok ") }, "\(missing.stdout)")
    }
}
