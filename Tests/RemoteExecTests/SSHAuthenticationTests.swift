import DashboardCore
import Foundation
import TestSupport
import Testing

@testable import RemoteExec

@Suite("SSH authentication against real sshd test hosts", .tags(.sshHosts))
struct SSHAuthenticationTests {
    @Test("an ed25519 key logs in and the script runs")
    func ed25519Key() async throws {
        let hosts = try TestHosts.load()
        let result = try await hosts.runner(hosts.settings()).run(script: "echo hi; id -un".bytes, on: hosts.server())
        #expect(result.stdoutText == "hi\n\(hosts.user)\n")
        #expect(result.exitStatus == 0)
        #expect(result.hostKey.fingerprint?.hasPrefix("SHA256:") == true)
        if case .verified = result.hostKey {} else { Issue.record("host key should be verified, got \(result.hostKey)") }
    }

    @Test("an ECDSA key protected by a passphrase logs in")
    func ecdsaKeyWithPassphrase() async throws {
        let hosts = try TestHosts.load()
        let server = hosts.server(keyFile: hosts.ecdsaKey, passphrase: hosts.passphrase)
        let result = try await hosts.runner(hosts.settings()).run(script: "echo ecdsa".bytes, on: server)
        #expect(result.stdoutText == "ecdsa\n")
    }

    @Test("a wrong passphrase fails as auth and names the passphrase setting, not the passphrase")
    func wrongPassphrase() async throws {
        let hosts = try TestHosts.load()
        let wrong = "not-the-passphrase-\(UUID().uuidString)"
        let server = hosts.server(keyFile: hosts.ecdsaKey, passphrase: wrong)
        let (result, _) = await timed { try await hosts.runner(hosts.settings()).run(script: "true".bytes, on: server) }
        let error = try #require(result.failure)
        #expect(error.failureKind == .auth)
        #expect(error.message.contains("SERVERn_KEY_PASSPHRASE"))
        for text in [error.message, error.description, String(reflecting: error), "\(error.collectionFailure)"] {
            #expect(!text.contains(wrong))
        }
    }

    @Test("a password logs in")
    func password() async throws {
        let hosts = try TestHosts.load()
        let server = hosts.server(keyFile: .some(nil), password: hosts.password)
        let result = try await hosts.runner(hosts.settings()).run(script: "echo password".bytes, on: server)
        #expect(result.stdoutText == "password\n")
    }

    @Test("a refused key falls back to the password")
    func keyThenPassword() async throws {
        let hosts = try TestHosts.load()
        // A valid ed25519 key (which libssh2 signs with) that is in no authorized_keys: the
        // server refuses it whatever the libssh2 version, so only the password can log in.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let stranger = folder.path + "/stranger_ed25519"
        let keygen = try runProgram(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "not-authorized", "-f", stranger])
        try #require(keygen.status == 0, "ssh-keygen: \(keygen.stderr)")

        // Alone, the key is refused: the test below cannot pass on the key.
        let keyOnly = hosts.server(keyFile: stranger)
        let (refused, _) = await timed { try await hosts.runner(hosts.settings()).run(script: "true".bytes, on: keyOnly) }
        let error = try #require(refused.failure, "a key in no authorized_keys logged in")
        #expect(error.failureKind == .auth)

        let server = hosts.server(keyFile: stranger, password: hosts.password)
        let result = try await hosts.runner(hosts.settings()).run(script: "echo fallback".bytes, on: server)
        #expect(result.stdoutText == "fallback\n")
        #expect(result.exitStatus == 0)
    }

    @Test("a wrong password fails as auth and the error never contains it")
    func wrongPassword() async throws {
        let hosts = try TestHosts.load()
        let wrong = "wrong-password-\(UUID().uuidString)"
        let server = hosts.server(keyFile: .some(nil), password: wrong)
        let (result, _) = await timed { try await hosts.runner(hosts.settings()).run(script: "true".bytes, on: server) }
        let error = try #require(result.failure)
        #expect(error.kind == .authentication)
        #expect(error.failureKind == .auth)
        #expect(error.message.contains("refused the password for user \(hosts.user)"))
        for text in [error.message, error.description, String(reflecting: error), "\(error.collectionFailure)", "\(server)"] {
            #expect(!text.contains(wrong))
            #expect(!text.contains(hosts.password))
        }
    }

    @Test("an RSA key is refused with the libssh2 1.10 explanation")
    func rsaKey() async throws {
        let hosts = try TestHosts.load()
        let server = hosts.server(keyFile: hosts.rsaKey)
        let (result, _) = await timed { try await hosts.runner(hosts.settings()).run(script: "true".bytes, on: server) }
        let error = try #require(result.failure)
        #expect(error.failureKind == .auth)
        if !LibSSH2.signsRSAWithSHA2 {
            #expect(error.message.contains("ssh-rsa (SHA-1)"))
            #expect(error.message.contains("OpenSSH 8.8"))
            #expect(error.message.contains("ed25519 or ECDSA"))
            #expect(error.message.contains("libssh2 1.11"))
        }
    }

    @Test("a missing key file and no user name fail as auth with what to set")
    func missingCredentials() async throws {
        let hosts = try TestHosts.load()
        let runner = hosts.runner(hosts.settings())
        let missingKey = hosts.server(keyFile: "/nonexistent/id_ed25519")
        let (first, _) = await timed { try await runner.run(script: "true".bytes, on: missingKey) }
        let keyError = try #require(first.failure)
        #expect(keyError.failureKind == .auth)
        #expect(keyError.message.contains("/nonexistent/id_ed25519 cannot be read"))

        var nobody = hosts.server()
        nobody.username = nil
        let (second, _) = await timed { try await runner.run(script: "true".bytes, on: nobody) }
        let userError = try #require(second.failure)
        #expect(userError.failureKind == .auth)
        #expect(userError.message.contains("SERVERn_USERNAME"))
    }
}
