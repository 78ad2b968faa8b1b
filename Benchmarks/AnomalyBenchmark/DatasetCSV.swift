import Foundation

/// The data set as the reference reads it: one row per sample, `server,collected_at,label`
/// (the anomaly kind, empty when normal) then the detector's features in its order, a
/// missing figure as an empty field.
enum DatasetCSV {
    static func write(fleet: [SyntheticServer], vectors: [[[Double]]], keys: [String], to url: URL) throws {
        var text = "server,collected_at,label," + keys.joined(separator: ",") + "\n"
        text.reserveCapacity(fleet.count * (fleet.first?.samples.count ?? 0) * 24 * (keys.count + 3))
        for (server, rows) in zip(fleet, vectors) {
            for (index, row) in rows.enumerated() {
                text += server.name
                text += ","
                text += server.samples[index].collectedAt.ISO8601Format()
                text += ","
                text += server.labels[index]?.rawValue ?? ""
                for value in row {
                    text += ","
                    if !value.isNaN { text += "\(value)" }
                }
                text += "\n"
            }
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
