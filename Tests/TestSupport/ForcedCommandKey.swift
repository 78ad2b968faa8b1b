import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A login to the sshd test hosts that runs a fixed script instead of what the client asks
/// for: a fresh ed25519 key whose `authorized_keys` entry carries `command="…"`. The real
/// sshd runs the script, so a test host can misbehave in a controlled way — print crafted
/// bytes, drop the connection mid-probe, hang — while the client side stays the real one.
///
/// The script runs as the test user under `/bin/sh`; the command the client sent (the
/// probe's `sh -s`) is in `$SSH_ORIGINAL_COMMAND` and the probe script on standard input,
/// so `sh -c "$SSH_ORIGINAL_COMMAND"` runs the real probe. `$STATE` names a folder the
/// script may write to (to behave differently on a later login).
public struct ForcedCommandKey: Sendable {
    /// The private key to log in with (`SERVERn_KEY_FILE`).
    public let keyFile: String
    /// A folder the script can write to, also passed to it as `$STATE`.
    public let stateFolder: String
    private let folder: TemporaryFolder

    /// Creates the key and its script and authorises it on the test hosts.
    public static func make(hosts: TestHosts, script: String) throws -> ForcedCommandKey {
        let folder = try TemporaryFolder()
        // The test user runs the script and writes the state folder: both must be reachable.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let state = folder.path + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: state)
        let scriptPath = folder.path + "/forced.sh"
        try Data(("STATE='\(state)'\n" + script).utf8).write(to: URL(fileURLWithPath: scriptPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scriptPath)

        let keyFile = folder.path + "/id_ed25519"
        let keygen = try runProgram(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sd-test-forced-command", "-f", keyFile])
        guard keygen.status == 0 else { throw TestEnvironmentError("ssh-keygen failed: \(keygen.stderr)") }
        let publicKey = try String(contentsOfFile: keyFile + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let entry = "command=\"/bin/sh \(scriptPath)\",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding \(publicKey)\n"
        // One append of one line: other tests may be adding theirs at the same time.
        let descriptor = open(hosts.directory + "/authorized_keys", O_WRONLY | O_APPEND)
        guard descriptor >= 0 else { throw TestEnvironmentError("cannot open \(hosts.directory)/authorized_keys: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = entry.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        guard written == entry.utf8.count else { throw TestEnvironmentError("cannot append to \(hosts.directory)/authorized_keys") }
        return ForcedCommandKey(keyFile: keyFile, stateFolder: state, folder: folder)
    }

    /// Removes the key and its script (the `authorized_keys` line stays, unusable without the key).
    public func remove() { folder.remove() }
}
