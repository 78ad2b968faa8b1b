import Foundation
import ServiceSupport
import TestSupport
import Testing

/// `.env` reading for every service: the file's values under the process environment,
/// and a clear reason when the file cannot be read.
@Suite struct ServiceEnvironmentTests {
    @Test func devNullIsAnEmptyEnvFile() throws {
        let environment = try ServiceEnvironment.load(envFile: "/dev/null")
        #expect(environment.problems.isEmpty)
        #expect(environment.values["PATH"] == ProcessInfo.processInfo.environment["PATH"])
    }

    @Test func fileValuesAreReadAndTheProcessEnvironmentWins() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file(".env", contents: "SD_ENV_TEST_ONLY_IN_FILE=from file\nPATH=/not/used\nnot a line\n")
        let environment = try ServiceEnvironment.load(envFile: path)
        #expect(environment.values["SD_ENV_TEST_ONLY_IN_FILE"] == "from file")
        #expect(environment.values["PATH"] == ProcessInfo.processInfo.environment["PATH"])
        #expect(environment.problems.count == 1)
        #expect(environment.problems.first?.hasPrefix(path) == true)
    }

    @Test func unreadableMissingAndHugeFilesSayWhy() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: (any Error).self) { try ServiceEnvironment.load(envFile: folder.path + "/absent.env") }
        do {
            _ = try ServiceEnvironment.load(envFile: folder.path)
            Issue.record("a directory was read as an env file")
        } catch {
            #expect("\(error)".contains("cannot read the env file \(folder.path): Is a directory"))
        }
        let huge = try folder.file("huge.env", contents: String(repeating: "A=1\n", count: 300_000))
        do {
            _ = try ServiceEnvironment.load(envFile: huge)
            Issue.record("a 1.2 MB env file was read")
        } catch {
            #expect("\(error)".contains("larger than 1024 KiB"))
        }
    }
}
