import DashboardCore
import FoundationEssentials
import Logging

/// Writes one JSON object per log line to standard error (`LOG_FORMAT=json`), for log
/// collectors: `{"timestamp", "level", "label", "message", …metadata}`.
public struct JSONLogHandler: LogHandler {
    /// The logger's label, written as the `label` field of every line.
    public let label: String
    /// The least severe level written; info unless set.
    public var logLevel: Logger.Level = .info
    /// Fields added to every line; an event's own metadata wins on a clash.
    public var metadata: Logger.Metadata = [:]

    /// Creates a handler for loggers with this label.
    public init(label: String) {
        self.label = label
    }

    /// One metadata field by key; setting `nil` removes it.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the event as one JSON object on one line to standard error, keys sorted; the fixed fields
    /// (`timestamp` in UTC, `level`, `label`, `message`, `source`) win over metadata of the same name.
    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            fields[key] = "\(value)"
        }
        fields["timestamp"] = Timestamp.format(Date())
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = event.message.description
        fields["source"] = event.source
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(fields) else { return }
        StandardError.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
