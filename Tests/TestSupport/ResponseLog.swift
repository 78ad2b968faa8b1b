import Foundation

/// Keeps every HTTP answer the tests receive, for the secret scan that `make test` runs
/// at the end (scripts/secret-scan.py): when `SD_TEST_RESPONSE_LOG` names a file, each
/// answer is appended to it as one record (request line, status, headers, body).
public enum ResponseLog {
    private static let path = ProcessInfo.processInfo.environment["SD_TEST_RESPONSE_LOG"].flatMap { $0.isEmpty ? nil : $0 }

    /// Appends one answer. Each record is written with one `write` on an `O_APPEND`
    /// descriptor, so answers from parallel tests never interleave.
    public static func record(_ request: String, status: Int, headers: [(String, String)], body: Data) {
        guard let path else { return }
        var record = Data("=== \(request) → \(status)\n".utf8)
        for (name, value) in headers { record.append(Data("\(name): \(value)\n".utf8)) }
        record.append(Data("\n".utf8))
        record.append(body)
        record.append(Data("\n".utf8))
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = record.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
