import DashboardCore
import Foundation
import Logging
import RemoteExec
import TestTags

/// The sshd test hosts started by `scripts/test-hosts.sh` (through `make test`), read from the
/// `SD_TEST_SSH_*` variables of its `env` file.
public struct TestHosts: Sendable {
    /// A `SD_TEST_SSH_*` variable is unset or empty, or the port is not a number.
    public struct MissingEnvironment: Error, CustomStringConvertible {
        /// The variable's name.
        public let variable: String
        /// Names the variable and says how to run the SSH tests.
        public var description: String {
            "\(variable) is not set: the SSH tests need the sshd test hosts; run them via `make test` (or `scripts/test-env.sh swift test`), which starts the hosts and sources their env file"
        }
    }

    /// `SD_TEST_SSH_DIR`: the folder with the client keys, host keys, known_hosts and `env` file.
    public let directory: String
    /// The port every test host's sshd listens on (`SD_TEST_SSH_PORT`).
    public let port: Int
    /// The login user on every test host (`SD_TEST_SSH_USER`).
    public let user: String
    /// The test hosts' loopback addresses (`SD_TEST_SSH_HOSTS`), 127.0.0.2 onwards.
    public let hosts: [String]
    /// The path of a known_hosts file listing every test host as `[address]:port`.
    public let knownHosts: String
    /// The path of the ed25519 client key, without passphrase.
    public let ed25519Key: String
    /// The path of the ECDSA client key, encrypted with `passphrase`.
    public let ecdsaKey: String
    /// The path of the RSA client key, without passphrase (libssh2 1.10 cannot use it against OpenSSH 8.8 or later).
    public let rsaKey: String
    /// The test user's password, read from `SD_TEST_SSH_PASSWORD_FILE`.
    public let password: String
    /// The ECDSA key's passphrase, read from `SD_TEST_SSH_PASSPHRASE_FILE`.
    public let passphrase: String

    /// Reads the environment, throwing (so the test fails, never skips) when it is missing.
    public static func load() throws -> TestHosts {
        expectTag(.sshHosts, using: "the sshd test hosts")
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else { throw MissingEnvironment(variable: name) }
            return value
        }
        func contents(_ name: String) throws -> String {
            try String(contentsOfFile: try value(name), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let port = Int(try value("SD_TEST_SSH_PORT")) else { throw MissingEnvironment(variable: "SD_TEST_SSH_PORT (a number)") }
        return TestHosts(
            directory: try value("SD_TEST_SSH_DIR"),
            port: port,
            user: try value("SD_TEST_SSH_USER"),
            hosts: try value("SD_TEST_SSH_HOSTS").split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init),
            knownHosts: try value("SD_TEST_SSH_KNOWN_HOSTS"),
            ed25519Key: try value("SD_TEST_SSH_KEY_ED25519"),
            ecdsaKey: try value("SD_TEST_SSH_KEY_ECDSA"),
            rsaKey: try value("SD_TEST_SSH_KEY_RSA"),
            password: try contents("SD_TEST_SSH_PASSWORD_FILE"),
            passphrase: try contents("SD_TEST_SSH_PASSPHRASE_FILE"))
    }

    /// The first test host, or the one at `index` (wrapping).
    public func host(_ index: Int = 0) -> String { hosts[index % hosts.count] }

    /// An inventory entry for a test host logging in with the ed25519 key unless told otherwise.
    public func server(
        _ index: Int = 0, keyFile: String?? = .none, password: String? = nil, passphrase: String? = nil,
        port: Int? = nil, address: String? = nil
    ) -> ServerConfig {
        let key: String? =
            switch keyFile {
            case .none: ed25519Key
            case .some(let explicit): explicit
            }
        return ServerConfig(
            name: "test-\(index)", host: address ?? host(index), port: port ?? self.port, username: user,
            password: password.map(Secret.init), keyFile: key, keyPassphrase: passphrase.map(Secret.init))
    }

    /// Settings that verify against the hosts' known_hosts file.
    public func settings(
        knownHosts: String? = nil, policy: HostKeyPolicy = .strict, probeTimeout: Duration = .seconds(20),
        outputLimit: Int = 4 << 20
    ) -> SSHConnectionSettings {
        SSHConnectionSettings(
            connectTimeout: .seconds(5), probeTimeout: probeTimeout, knownHostsFile: knownHosts ?? self.knownHosts,
            hostKeyPolicy: policy, outputLimit: outputLimit)
    }

    /// A runner with `settings`.
    public func runner(_ settings: SSHConnectionSettings) -> SSHRunner {
        SSHRunner(settings: settings, maximumConcurrentConnections: 32, logger: Logger(label: "RemoteExecTests"))
    }

    /// The `type base64` of one of the hosts' public host keys.
    public func hostPublicKey(_ type: String) throws -> String {
        let line = try String(contentsOfFile: "\(directory)/ssh_host_\(type)_key.pub", encoding: .utf8)
        return line.split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// `[host]:port` as known_hosts names the test host at `index`.
    public func knownHostsName(_ index: Int = 0) -> String { "[\(host(index))]:\(port)" }
}

/// A fresh temporary folder, removed by the caller with `remove()`.
public struct TemporaryFolder: Sendable {
    /// The folder's path.
    public let path: String

    /// Creates a uniquely named folder in the system's temporary directory.
    public init() throws {
        let path = NSTemporaryDirectory() + "server-dashboard-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
    }

    /// Writes `contents` as UTF-8 to a file `name` in the folder and returns its path.
    public func file(_ name: String, contents: String) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Deletes the folder and everything in it, ignoring errors.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
