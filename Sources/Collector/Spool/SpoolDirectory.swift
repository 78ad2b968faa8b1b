import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The spool folder (`SPOOL_DIR`): one append-only JSON Lines file per run that could not
/// store everything, named after the run's start so that name order is collection order,
/// and `quarantine/` for files that could not be read.
struct SpoolDirectory: Sendable {
    let path: String
    /// The most every pending file together may hold (`SPOOL_MAX_MB`).
    let maximumBytes: Int

    static let fileExtension = "jsonl"

    var quarantinePath: String { path + "/quarantine" }

    /// What the spool holds now (`collector spool`, `make db-stats`).
    struct Status: Sendable, Equatable {
        var files = 0
        var entries = 0
        var bytes = 0
        var quarantinedFiles = 0
        var quarantinedBytes = 0
    }

    /// The pending files, oldest first.
    func pendingFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasPrefix("run-") && $0.hasSuffix("." + Self.fileExtension) }.sorted().map { path + "/" + $0 }
    }

    /// Bytes held by the pending files.
    func pendingBytes() -> Int {
        pendingFiles().reduce(0) { $0 + Self.size(of: $1) }
    }

    /// Counts files, entries (complete lines) and bytes; quarantined files apart.
    func status() -> Status {
        var status = Status()
        for file in pendingFiles() {
            status.files += 1
            status.bytes += Self.size(of: file)
            if let data = FileManager.default.contents(atPath: file) {
                status.entries += data.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: quarantinePath)) ?? [] {
            status.quarantinedFiles += 1
            status.quarantinedBytes += Self.size(of: quarantinePath + "/" + name)
        }
        return status
    }

    /// Creates the folder (and its parents) readable by this user only.
    func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The file name of a run started at `date` by process `pid`: sorts by time.
    static func fileName(startedAt date: Date, pid: Int32 = getpid()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return "run-\(formatter.string(from: date))-\(pid).\(fileExtension)"
    }

    static func size(of file: String) -> Int {
        var info = stat()
        return stat(file, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Makes a file's creation, rename or removal in `folder` durable.
    static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Runs blocking file work on a Dispatch thread, not on the cooperative pool.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}

extension SpoolDirectory.Status {
    /// "3 files, 42 results, 1.2 MiB (limit 256 MiB); quarantined: none".
    func summary(limitBytes: Int) -> String {
        func size(_ bytes: Int) -> String {
            bytes < 1024
                ? "\(bytes) B" : bytes < 1 << 20 ? String(format: "%.1f KiB", Double(bytes) / 1024) : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
        }
        let quarantine = quarantinedFiles == 0 ? "none" : "\(quarantinedFiles) file\(quarantinedFiles == 1 ? "" : "s"), \(size(quarantinedBytes))"
        return
            "\(files) file\(files == 1 ? "" : "s"), \(entries) result\(entries == 1 ? "" : "s"), \(size(bytes)) (limit \(size(limitBytes))); quarantined: \(quarantine)"
    }
}
