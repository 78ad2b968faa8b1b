import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// `collector trust` as a user runs it against the sshd test hosts: what it prints, what it
/// writes to KNOWN_HOSTS_FILE, and that a strict collection then works (docs/collector.md).
@Suite(.tags(.postgres, .sshHosts, .builtProducts)) struct TrustCommandTests {
    /// `collector ARGUMENTS` with `KNOWN_HOSTS_FILE` and `extra`; standard input is /dev/null (not a terminal).
    static func collector(_ arguments: [String], knownHosts: String, _ extra: [String: String], database: TestDatabase? = nil) async throws
        -> ProgramResult
    {
        var environment = ["KNOWN_HOSTS_FILE": knownHosts, "CONNECT_TIMEOUT_SECONDS": "3", "HOST_KEY_POLICY": "strict"]
        environment.merge(extra) { _, new in new }
        return try await CollectorCommandTests.collector(arguments, CollectorCommandTests.environment(database, environment))
    }

    /// The output line `collector trust` prints for `name`'s key, without the `name: ` prefix.
    static func keyLine(_ output: String, _ name: String) -> String? {
        output.split(separator: "\n").map(String.init).first { $0.hasPrefix("\(name): ") && $0.contains(" SHA256:") }
            .map { String($0.dropFirst(name.count + 2)) }
    }

    /// `ssh-keygen -lf FILE`, line by line.
    static func keygen(_ file: String) throws -> [String] {
        let result = try runProgram(["/usr/bin/ssh-keygen", "-lf", file])
        try #require(result.status == 0, "ssh-keygen -lf \(file): \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func thePrintedFingerprintIsWhatSSHKeygenPrintsForTheHostKey() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = folder.path + "/ssh/known_hosts"
        let result = try await Self.collector(
            ["trust", "web", "--yes"], knownHosts: knownHosts, CollectorCommandTests.sshServer(1, name: "web", hosts: hosts, host: 3))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let printed = try #require(Self.keyLine(result.stdout, "web"), "\(result.stdout)")

        // Bits, fingerprint and type as ssh-keygen prints the sshd's own public host key; the
        // comment is the known_hosts host pattern.
        let expected = try #require(try Self.keygen("\(hosts.directory)/ssh_host_ed25519_key.pub").first).split(separator: " ")
        let fields = printed.split(separator: " ")
        try #require(fields.count == 4 && expected.count >= 4, "\(printed)")
        #expect(fields[0] == expected[0])
        #expect(fields[1] == expected[1])
        #expect(fields[2] == Substring(hosts.knownHostsName(3)))
        #expect(fields[3] == expected[expected.count - 1])
        #expect(fields[3] == "(ED25519)")
        // And exactly what ssh-keygen prints for the line written.
        #expect(try Self.keygen(knownHosts) == [printed])
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == "\(hosts.knownHostsName(3)) \(try hosts.hostPublicKey("ed25519"))\n")
        // Created private, in a private folder.
        let fileMode = try FileManager.default.attributesOfItem(atPath: knownHosts)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.path + "/ssh")[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
        #expect(result.stdout.contains("1 trusted, 0 already trusted, 0 changed key refused, 0 unreachable"), "\(result.stdout)")

        // A second run finds it and writes nothing.
        let again = try await Self.collector(
            ["trust", "web", "--yes"], knownHosts: knownHosts, CollectorCommandTests.sshServer(1, name: "web", hosts: hosts, host: 3))
        #expect(again.status == 0)
        #expect(again.stdout.contains("web: already trusted in \(knownHosts)"), "\(again.stdout)")
        #expect(try Self.keygen(knownHosts) == [printed])
    }

    @Test func aHostKnownByItsECDSAKeyIsShownAndComparedOnThatKey() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = try folder.file("known_hosts", contents: "\(hosts.knownHostsName(4)) \(try hosts.hostPublicKey("ecdsa"))\n")
        let result = try await Self.collector(
            ["trust", "db"], knownHosts: knownHosts, CollectorCommandTests.sshServer(1, name: "db", hosts: hosts, host: 4))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.keyLine(result.stdout, "db") == (try Self.keygen(knownHosts).first))
        #expect(Self.keyLine(result.stdout, "db")?.hasSuffix("(ECDSA)") == true)
        #expect(result.stdout.contains("db: already trusted"), "\(result.stdout)")
    }

    @Test func strictCollectionNamesTheCommandAndWorksOnceTheKeyIsTrusted() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = try folder.file("known_hosts", contents: "")
        let server = CollectorCommandTests.sshServer(1, name: "app server", hosts: hosts, host: 5)

        let refused = try await Self.collector(["run", "--once"], knownHosts: knownHosts, server, database: test)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("unknown host key"), "\(refused.stdout)")
        #expect(refused.stdout.contains("`collector trust 'app server'`"), "\(refused.stdout)")
        // What the dashboard shows: the stored error names the command for this server.
        let stored = try #require(try await test.database.servers.named("app server")?.lastError)
        #expect(stored.kind == .hostKey)
        #expect(stored.message.contains("`collector trust 'app server'` (`make trust-hosts` for every server)"), "\(stored.message)")

        let trusted = try await Self.collector(["trust", "app server", "--yes"], knownHosts: knownHosts, server)
        #expect(trusted.status == 0, "\(trusted.stdout)\(trusted.stderr)")
        #expect(trusted.stdout.contains("app server: trusted: added to \(knownHosts)"), "\(trusted.stdout)")

        let collected = try await Self.collector(["run", "--once"], knownHosts: knownHosts, server, database: test)
        #expect(collected.status == 0, "\(collected.stdout)\(collected.stderr)")
        #expect(try await test.database.servers.named("app server")?.lastError == nil)
    }

    @Test func aChangedKeyIsRefusedAndTheFileIsLeftByteForByte() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Another ed25519 key (the client's) on record for the host, a comment line, no final newline.
        let otherKey = try String(contentsOfFile: hosts.ed25519Key + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let original = "# pinned by hand\n\(hosts.knownHostsName(6)) \(otherKey)"
        let knownHosts = try folder.file("known_hosts", contents: original)
        let recordedLine = try #require(try Self.keygen(knownHosts).first)

        let result = try await Self.collector(
            ["trust", "--all", "--yes"], knownHosts: knownHosts, CollectorCommandTests.sshServer(1, name: "moved", hosts: hosts, host: 6))
        #expect(result.status == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: knownHosts)) == Data(original.utf8))
        #expect(result.stderr.contains("THE HOST KEY HAS CHANGED"), "\(result.stderr)")
        #expect(result.stderr.contains(recordedLine), "the old fingerprint: \(result.stderr)")
        let presented = try #require(Self.keyLine(result.stdout, "moved"))
        #expect(result.stderr.contains(presented), "the new fingerprint: \(result.stderr)")
        #expect(result.stderr.contains("ssh-keygen -R '\(hosts.knownHostsName(6))' -f \(knownHosts)"), "\(result.stderr)")
        #expect(result.stdout.contains("0 trusted, 0 already trusted, 1 changed key refused, 0 unreachable"), "\(result.stdout)")
    }

    @Test func withoutYesAndNoTerminalNothingIsWritten() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = folder.path + "/known_hosts"
        let result = try await Self.collector(
            ["trust", "quiet"], knownHosts: knownHosts, CollectorCommandTests.sshServer(1, name: "quiet", hosts: hosts, host: 7))
        #expect(result.status == 1)
        #expect(Self.keyLine(result.stdout, "quiet") != nil, "the key is still shown: \(result.stdout)")
        #expect(result.stderr.contains("not a terminal") && result.stderr.contains("--yes"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: knownHosts))
        #expect(result.stdout.contains("1 not confirmed"), "\(result.stdout)")
    }

    @Test func allCoversEveryServerAndAnUnreachableOneDoesNotStopTheOthers() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = folder.path + "/known_hosts"
        var environment = CollectorCommandTests.sshServer(1, name: "alpha", hosts: hosts, host: 8)
        environment.merge(CollectorCommandTests.sshServer(2, name: "beta", hosts: hosts, host: 9)) { _, new in new }
        environment.merge([
            "SERVER3_NAME": "here", "SERVER3_HOST": "local",
            "SERVER4_NAME": "closed", "SERVER4_HOST": "127.0.0.1", "SERVER4_PORT": String(try unusedPort()),
            "SERVER4_USERNAME": "nobody", "SERVER4_PASSWORD": "p4ssw0rd-never-printed",
        ]) { _, new in new }
        let result = try await Self.collector(["trust", "--all", "--yes"], knownHosts: knownHosts, environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("here: skipped"), "\(result.stdout)")
        #expect(result.stderr.contains("closed: cannot read its host key") && result.stderr.contains("Connection refused"), "\(result.stderr)")
        #expect(result.stdout.contains("2 trusted, 0 already trusted, 0 changed key refused, 1 unreachable, 1 local skipped"), "\(result.stdout)")
        #expect(!(result.stdout + result.stderr).contains("p4ssw0rd-never-printed"))
        let lines = try Self.keygen(knownHosts)
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains(" \(hosts.knownHostsName(8)) ") })
        #expect(lines.contains { $0.contains(" \(hosts.knownHostsName(9)) ") })
    }

    @Test func usageErrorsAndUnknownNames() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = folder.path + "/known_hosts"
        let servers = ["SERVER1_NAME": "here", "SERVER1_HOST": "local", "SERVER2_NAME": "there", "SERVER2_HOST": "local"]
        let bare = try await Self.collector(["trust"], knownHosts: knownHosts, servers)
        #expect(bare.status == 64)
        #expect(bare.stderr.contains("--all"), "\(bare.stderr)")
        let unknown = try await Self.collector(["trust", "here", "nowhere"], knownHosts: knownHosts, servers)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no server named nowhere in the inventory; known servers: here, there"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: knownHosts))
        let help = try await Self.collector(["trust", "--help"], knownHosts: knownHosts, [:])
        #expect(help.status == 0)
        #expect(help.stdout.contains("ssh-keygen -lf") && help.stdout.contains("--yes"), "\(help.stdout)")
    }
}
