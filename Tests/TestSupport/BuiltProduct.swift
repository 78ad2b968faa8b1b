import Foundation
import TestTags

/// The path of an executable this package builds (`collector`, `api`, `frontend-renderer`),
/// found next to the running test bundle in `.build/<configuration>/`.
public func builtProduct(_ name: String) -> String {
    expectTag(.builtProducts, using: "the built \(name)")
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    var folder = testBinary.deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), folder.path != "/" {
        folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent(name).path
}

/// An HTTP answer fetched with curl: status, headers (lower-cased names) and body.
public struct HTTPAnswer: Sendable {
    /// The status code of the last response curl received; 0 when it wrote no status line.
    public var status: Int
    /// That response's header fields, names lower-cased; a repeated field keeps its last value.
    public var headers: [String: String]
    /// The body as UTF-8 text (empty when it is not valid UTF-8).
    public var body: String
}

/// GETs `url` with curl (from Debian; only loopback URLs in tests). `nil` when nothing answered.
public func httpGet(_ url: String, headers: [String] = [], timeoutSeconds: Int = 5) throws -> HTTPAnswer? {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var arguments = ["/usr/bin/curl", "-sS", "--max-time", String(timeoutSeconds), "-D", folder.path + "/headers", "-o", folder.path + "/body"]
    for header in headers { arguments += ["-H", header] }
    let result = try runProgram(arguments + [url])
    guard result.status == 0 else { return nil }
    let headerText = (try? String(contentsOfFile: folder.path + "/headers", encoding: .utf8)) ?? ""
    let body = (try? String(contentsOfFile: folder.path + "/body", encoding: .utf8)) ?? ""
    var status = 0
    var fields: [String: String] = [:]
    for line in headerText.split(whereSeparator: \.isNewline) {
        if line.hasPrefix("HTTP/") {
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            fields = [:]
        } else if let colon = line.firstIndex(of: ":") {
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    ResponseLog.record("GET \(url)", status: status, headers: fields.sorted { $0.key < $1.key }, body: Data(body.utf8))
    return HTTPAnswer(status: status, headers: fields, body: body)
}
