import DashboardCore
import Foundation
import Logging
import ServiceSupport
import Testing

/// `LOG_FORMAT=json` and `LOG_LEVEL`: what reaches standard error, checked in a child process
/// (an exit test) whose standard error is captured whole.
@Suite struct JSONLogHandlerTests {
    /// The lines of `bytes`, each decoded as a JSON object of strings.
    private func objects(_ bytes: [UInt8]) throws -> [(line: String, fields: [String: String])] {
        try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { line in
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "not a JSON object of strings: \(line)")
            return (String(line), fields)
        }
    }

    @Test func oneSortedObjectPerEventWithTheFixedFieldsOverMetadata() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            var handler = JSONLogHandler(label: "sd.tests")
            handler.metadata = ["request": "from the handler", "shared": "from the handler", "level": "not a level"]
            var logger = Logger(label: "sd.tests") { _ in handler }
            logger.logLevel = .debug
            logger.info("two lines\nwith a / and \"quotes\"", metadata: ["shared": "from the event", "message": "metadata loses"])
            logger.trace("below the level")
            logger.debug("at the level")
        }
        let lines = try objects(result.standardErrorContent)
        try #require(lines.count == 2, "\(lines.map(\.line))")
        let first = lines[0].fields
        #expect(first["label"] == "sd.tests")
        #expect(first["level"] == "info")
        #expect(first["message"] == "two lines\nwith a / and \"quotes\"")
        #expect(first["request"] == "from the handler")
        #expect(first["shared"] == "from the event", "the event's metadata wins over the handler's")
        #expect(first["source"] == "ServiceSupportTests")
        let timestamp = try #require(first["timestamp"].flatMap(Timestamp.parse))
        #expect(abs(timestamp.timeIntervalSinceNow) < 600)
        #expect(first["timestamp"]?.hasSuffix("Z") == true, "UTC")
        #expect(lines[0].line.hasPrefix(#"{"label":"sd.tests","level":"info","message":"two lines\nwith a / and \"quotes\"","request":"#))
        #expect(lines[1].fields["level"] == "debug" && lines[1].fields["message"] == "at the level")
    }

    @Test func aLongMessageArrivesWholeOnOneLine() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let logger = Logger(label: "sd.tests") { JSONLogHandler(label: $0) }
            logger.error("\(String(repeating: "0123456789", count: 50_000))")
        }
        let lines = try objects(result.standardErrorContent)
        #expect(lines.count == 1)
        #expect(lines.first?.fields["message"]?.count == 500_000)
    }

    @Test func logFormatJSONAndLogLevelChooseTheOutput() async throws {
        let json = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let logger = ServiceEnvironment(values: ["LOG_FORMAT": "JSON", "LOG_LEVEL": "Warning"]).makeLogger(label: "sd.env")
            logger.info("dropped")
            logger.warning("kept")
        }
        let lines = try objects(json.standardErrorContent)
        #expect(lines.map { $0.fields["message"] } == ["kept"])
        #expect(lines.first?.fields["level"] == "warning" && lines.first?.fields["label"] == "sd.env")

        let text = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            // An unknown level is info; text is the default format.
            let logger = ServiceEnvironment(values: ["LOG_LEVEL": "loud"]).makeLogger(label: "sd.env")
            logger.debug("dropped")
            logger.info("plain words")
        }
        let output = String(decoding: text.standardErrorContent, as: UTF8.self)
        #expect(output.contains("plain words") && !output.contains("dropped"), "\(output)")
        #expect(!output.hasPrefix("{"), "text unless LOG_FORMAT=json: \(output)")
    }
}
