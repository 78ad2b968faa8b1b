import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why a result could not be spooled either (it is then lost, and the run says so).
struct SpoolError: Error, CustomStringConvertible {
    let description: String
}

/// Appends one run's unstored results to its own spool file, each line written whole and
/// fsync'd before `append` returns. The file is created on first use and stays locked
/// (`flock`) while this run lives, so a replay in another process leaves it alone.
final class SpoolWriter: Sendable {
    let directory: SpoolDirectory
    /// The full path of this run's file.
    let file: String
    private let state = Mutex<State>(State())

    private struct State {
        var descriptor: Int32 = -1
        /// What the other pending files held when this one was opened.
        var othersBytes = 0
        var writtenBytes = 0
        var entries = 0
        /// A write failed part-way: this file takes no more lines.
        var broken = false
    }

    init(directory: SpoolDirectory, startedAt: Date) {
        self.directory = directory
        file = directory.path + "/" + SpoolDirectory.fileName(startedAt: startedAt)
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { Self.unlockAndClose(state.descriptor) }
        }
    }

    /// Closes the file, which releases its lock: a replay may take it from now on.
    func close() {
        state.withLock { state in
            if state.descriptor >= 0 { Self.unlockAndClose(state.descriptor) }
            state.descriptor = -1
            state.broken = true
        }
    }

    /// Releases the lock, then closes: a child process that another thread is spawning at
    /// this moment shares the open file (until its exec closes it), and with it the lock,
    /// which a bare close would leave held for that long.
    static func unlockAndClose(_ descriptor: Int32) {
        _ = flock(descriptor, LOCK_UN)
        Glibc.close(descriptor)
    }

    /// How many results this run has spooled.
    var entries: Int { state.withLock { $0.entries } }

    /// Appends `entry` durably; throws when the spool is full or the disk refuses.
    func append(_ entry: SpoolEntry) async throws(SpoolError) {
        let line: Data
        do {
            line = try SpoolEntry.makeEncoder().encode(entry) + Data([UInt8(ascii: "\n")])
        } catch {
            throw SpoolError(description: "the result could not be encoded for the spool: \(error)")
        }
        let result: Result<Void, SpoolError> = await SpoolDirectory.offload { [self] in
            state.withLock { state in Self.write(line, to: &state, file: file, directory: directory) }
        }
        try result.get()
    }

    private static func write(_ line: Data, to state: inout State, file: String, directory: SpoolDirectory) -> Result<Void, SpoolError> {
        if state.broken {
            return .failure(SpoolError(description: "the spool file \(file) failed earlier in this run and takes no more results"))
        }
        if state.descriptor < 0 {
            do {
                try directory.create()
            } catch {
                return .failure(
                    SpoolError(
                        description: "cannot create the spool folder \(directory.path) (\(error.localizedDescription)) — check SPOOL_DIR and its permissions"))
            }
            state.othersBytes = directory.pendingBytes()
            let descriptor = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                return .failure(
                    SpoolError(description: "cannot create the spool file \(file) (\(String(cString: strerror(errno)))) — check SPOOL_DIR and its permissions"))
            }
            _ = flock(descriptor, LOCK_EX)
            state.descriptor = descriptor
            SpoolDirectory.syncFolder(directory.path)
        }
        guard state.othersBytes + state.writtenBytes + line.count <= directory.maximumBytes else {
            return .failure(
                SpoolError(
                    description:
                        "the spool is full (\(directory.maximumBytes >> 20) MiB, SPOOL_MAX_MB) — the result is dropped; bring PostgreSQL back or raise SPOOL_MAX_MB"
                ))
        }
        let failure: Int32? = line.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(state.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return fsync(state.descriptor) == 0 ? nil : errno
        }
        if let failure {
            // A partial line may be on disk now: the reader ignores an unterminated last line,
            // but a later append would follow it, so this file takes no more lines.
            Self.unlockAndClose(state.descriptor)
            state.descriptor = -1
            state.broken = true
            return .failure(SpoolError(description: "cannot write the spool file \(file) (\(String(cString: strerror(failure))))"))
        }
        state.writtenBytes += line.count
        state.entries += 1
        return .success(())
    }
}
