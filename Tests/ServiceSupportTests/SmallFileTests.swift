import Foundation
import TestSupport
import Testing

@testable import ServiceSupport

/// `.env` and secret files read whole with `read(2)`: sizes the file system does not report,
/// pipes, the size limit and the system's reason when a file cannot be read.
@Suite struct SmallFileTests {
    @Test func aFileLargerThanOneChunkIsReadWhole() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = folder.path + "/random.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SmallFile.read(path) == bytes)
        #expect(try SmallFile.read("/dev/null").isEmpty)
    }

    @Test func filesWhoseSizeIsNotKnownAheadAreReadToTheirEnd() throws {
        // procfs reports a size of 0 for its files; only reading to the end finds what they hold.
        let status = String(decoding: try SmallFile.read("/proc/self/status"), as: UTF8.self)
        #expect(status.contains("Pid:\t\(getpid())\n"))

        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fifo = folder.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = String(repeating: "KEY=value\n", count: 5_000)
        let writer = Thread {
            // Opening a FIFO for writing waits for its reader: SmallFile.read below.
            try? text.write(toFile: fifo, atomically: false, encoding: .utf8)
        }
        writer.start()
        #expect(String(decoding: try SmallFile.read(fifo), as: UTF8.self) == text)
    }

    @Test func theLimitIsInclusiveAndOneByteMoreFails() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let exact = try folder.file("exact", contents: String(repeating: "x", count: 2_048))
        #expect(try SmallFile.read(exact, limit: 2_048).count == 2_048)
        let over = try folder.file("over", contents: String(repeating: "x", count: 2_049))
        #expect(reason(over, limit: 2_048) == "larger than 2 KiB")
    }

    @Test func theSystemsReasonIsGivenWhenAFileCannotBeRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(reason(folder.path + "/absent") == "No such file or directory")
        #expect(reason(folder.path) == "Is a directory")
        let locked = try folder.file("locked.env", contents: "A=1\n")
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked)
        // root reads a file whatever its mode; anyone else is refused.
        #expect(reason(locked) == (getuid() == 0 ? nil : "Permission denied"))
    }

    /// Why reading `path` failed, or `nil` when it was read.
    private func reason(_ path: String, limit: Int = 1 << 20) -> String? {
        do {
            _ = try SmallFile.read(path, limit: limit)
            return nil
        } catch {
            return error.reason
        }
    }
}
