import Foundation
import RemoteExec
import TestSupport
import Testing

/// `HostKeyFingerprint` prints every key type as `ssh-keygen -lf known_hosts` does.
@Suite struct HostKeyFingerprintTests {
    @Test(arguments: [["ed25519"], ["ecdsa", "-b", "256"], ["ecdsa", "-b", "384"], ["ecdsa", "-b", "521"], ["rsa", "-b", "3072"], ["rsa", "-b", "2047"]])
    func theLineIsWhatSSHKeygenPrints(_ type: [String]) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let key = folder.path + "/key"
        let made = try runProgram(["/usr/bin/ssh-keygen", "-q", "-N", "", "-f", key, "-t"] + type)
        try #require(made.status == 0, "ssh-keygen: \(made.stderr)")
        let fields = try String(contentsOfFile: key + ".pub", encoding: .utf8).split(separator: " ")
        for pattern in ["[127.0.0.2]:2222", "db.example.com"] {
            let knownHosts = try folder.file("known_hosts", contents: "\(pattern) \(fields[0]) \(fields[1])\n")
            let keygen = try runProgram(["/usr/bin/ssh-keygen", "-lf", knownHosts])
            try #require(keygen.status == 0, "ssh-keygen -lf: \(keygen.stderr)")
            let fingerprint = try #require(HostKeyFingerprint(base64: String(fields[1]), comment: pattern))
            #expect(fingerprint.line + "\n" == keygen.stdout)
            #expect(fingerprint.algorithm == String(fields[0]))
        }
    }

    @Test func malformedKeysAreRejected() {
        #expect(HostKeyFingerprint(base64: "not base64!", comment: "h") == nil)
        #expect(HostKeyFingerprint(blob: [], comment: "h") == nil)
        // A truncated ed25519 blob: the type, then a length running past the end.
        let truncated: [UInt8] = [0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [0, 0, 0, 32, 1, 2, 3]
        #expect(HostKeyFingerprint(blob: truncated, comment: "h") == nil)
        #expect(HostKeyFingerprint(blob: [0, 0, 0, 7] + Array("ssh-foo".utf8), comment: "h") == nil)
    }
}
