import DashboardCore
import Foundation
import TestSupport
import Testing

@testable import RemoteExec

@Suite("Host-key verification against OpenSSH known_hosts files", .tags(.sshHosts))
struct HostKeyVerificationTests {
    @Test("an unknown host is refused under strict, with how to fix it")
    func unknownUnderStrict() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = try folder.file("known_hosts", contents: "")
        let settings = hosts.settings(knownHosts: knownHosts, policy: .strict)
        let (result, _) = await timed { try await hosts.runner(settings).run(script: "true".bytes, on: hosts.server()) }
        let error = try #require(result.failure)
        #expect(error.kind == .hostKeyUnknown)
        #expect(error.failureKind == .hostKey)
        #expect(error.message.contains("trust it with `collector trust test-0` (`make trust-hosts` for every server)"))
        #expect(error.message.contains("HOST_KEY_POLICY=accept-new"))
        #expect(error.message.contains("SHA256:"))
    }

    @Test("accept-new learns an unknown host into a new file; strict then accepts it")
    func acceptNewThenStrict() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = folder.path + "/created/known_hosts"
        let first = try await hosts.runner(hosts.settings(knownHosts: knownHosts, policy: .acceptNew))
            .run(script: "echo first".bytes, on: hosts.server())
        #expect(first.stdoutText == "first\n")
        guard case .learned(_, let file) = first.hostKey else {
            Issue.record("expected the key to be learned, got \(first.hostKey)")
            return
        }
        #expect(file == knownHosts)
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        #expect(recorded == "\(hosts.knownHostsName()) \(try hosts.hostPublicKey("ed25519"))\n")

        let second = try await hosts.runner(hosts.settings(knownHosts: knownHosts, policy: .strict))
            .run(script: "echo second".bytes, on: hosts.server())
        #expect(second.stdoutText == "second\n")
        #expect(second.hostKey == .verified(fingerprint: first.hostKey.fingerprint!))
    }

    @Test("a changed host key is refused under strict and under accept-new")
    func changedKey() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Some other ed25519 key (the client key) recorded for this host.
        let otherKey = try String(contentsOfFile: hosts.ed25519Key + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = try folder.file("known_hosts", contents: "\(hosts.knownHostsName()) \(otherKey)\n")
        for policy in [HostKeyPolicy.strict, .acceptNew] {
            let settings = hosts.settings(knownHosts: knownHosts, policy: policy)
            let (result, _) = await timed { try await hosts.runner(settings).run(script: "true".bytes, on: hosts.server()) }
            let error = try #require(result.failure)
            #expect(error.kind == .hostKeyChanged)
            #expect(error.failureKind == .hostKey)
            #expect(error.message.contains("HOST KEY CHANGED"))
            #expect(error.message.contains("ssh-keygen -R"))
            #expect(error.message.contains("`collector trust test-0`"))
        }
        // accept-new must not have appended anything.
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == "\(hosts.knownHostsName()) \(otherKey)\n")
    }

    @Test("a host known only by its ECDSA key is asked for that key and verified")
    func knownByECDSAOnly() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = try folder.file("known_hosts", contents: "\(hosts.knownHostsName()) \(try hosts.hostPublicKey("ecdsa"))\n")
        let result = try await hosts.runner(hosts.settings(knownHosts: knownHosts)).run(script: "echo ok".bytes, on: hosts.server())
        #expect(result.stdoutText == "ok\n")
        if case .verified = result.hostKey {} else { Issue.record("expected verified, got \(result.hostKey)") }
    }

    @Test("hashed known_hosts entries are verified")
    func hashedEntries() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = try folder.file("known_hosts", contents: try String(contentsOfFile: hosts.knownHosts, encoding: .utf8))
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-H", "-f", knownHosts]
        keygen.standardOutput = FileHandle.nullDevice
        keygen.standardError = FileHandle.nullDevice
        try keygen.run()
        keygen.waitUntilExit()
        let hashed = try String(contentsOfFile: knownHosts, encoding: .utf8)
        #expect(hashed.hasPrefix("|1|"))
        #expect(!hashed.contains(hosts.host()))
        let result = try await hosts.runner(hosts.settings(knownHosts: knownHosts)).run(script: "echo hashed".bytes, on: hosts.server())
        #expect(result.stdoutText == "hashed\n")
    }

    @Test("a plain host entry does not vouch for another port, as in OpenSSH")
    func portSpecificEntries() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = try folder.file("known_hosts", contents: "\(hosts.host()) \(try hosts.hostPublicKey("ed25519"))\n")
        let (result, _) = await timed { try await hosts.runner(hosts.settings(knownHosts: knownHosts)).run(script: "true".bytes, on: hosts.server()) }
        #expect(result.failure?.kind == .hostKeyUnknown)
    }

    @Test("markers libssh2 cannot read are skipped; a @revoked key is refused")
    func markers() async throws {
        let hosts = try TestHosts.load()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let good = "\(hosts.knownHostsName()) \(try hosts.hostPublicKey("ed25519"))\n"
        let withCA = try folder.file(
            "with-ca", contents: "@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJmKlfHyiVeblBZv/QwwGjfo1zo9r2hKBLrJ2hBfuZFg\n" + good)
        let ok = try await hosts.runner(hosts.settings(knownHosts: withCA)).run(script: "echo ca".bytes, on: hosts.server())
        #expect(ok.stdoutText == "ca\n")

        let revoked = try folder.file("revoked", contents: "@revoked * \(try hosts.hostPublicKey("ed25519"))\n" + good)
        let (result, _) = await timed { try await hosts.runner(hosts.settings(knownHosts: revoked)).run(script: "true".bytes, on: hosts.server()) }
        let error = try #require(result.failure)
        #expect(error.failureKind == .hostKey)
        #expect(error.message.contains("@revoked"))
    }

    @Test("policy off runs without a known_hosts file and flags the result")
    func policyOff() async throws {
        let hosts = try TestHosts.load()
        let settings = hosts.settings(knownHosts: "/nonexistent/known_hosts", policy: .off)
        let result = try await hosts.runner(settings).run(script: "echo off".bytes, on: hosts.server())
        #expect(result.stdoutText == "off\n")
        guard case .unchecked(let fingerprint) = result.hostKey else {
            Issue.record("expected unchecked, got \(result.hostKey)")
            return
        }
        #expect(fingerprint.hasPrefix("SHA256:"))
    }
}
