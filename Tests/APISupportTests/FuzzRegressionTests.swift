import APISupport
import DashboardCore
import Foundation
import Testing

/// Replays the query strings `QueryParametersFuzzer` once broke the parsing with
/// (`Fixtures/fuzz-regressions/`, `make fuzz`), with the fuzzer's own checks.
@Suite struct FuzzRegressionTests {
    static let names = ["from", "to", "step", "limit", "q", "server", "sort", "order", "state", "status", "include_disabled"]

    @Test func savedQueriesAnswerOnlyShortCleanBadRequests() throws {
        let url = try #require(Bundle.module.url(forResource: "fuzz-regressions", withExtension: nil, subdirectory: "Fixtures"))
        let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil).filter { $0.pathExtension != "md" }
        #expect(!files.isEmpty)
        var errors = 0
        for file in files {
            let query = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            var messages: [String] = []
            do {
                let parameters = try QueryParameters(query: query)
                for name in Self.names + parameters.values.keys {
                    do { _ = try parameters.integer(name, in: 1...500) } catch { messages.append(error.message) }
                    do {
                        if let date = try parameters.timestamp(name) {
                            // Every date read prints, in both precisions.
                            #expect(Timestamp.format(date).hasSuffix("Z"))
                            #expect(Timestamp.format(date, microseconds: true).hasSuffix("Z"))
                        }
                    } catch { messages.append(error.message) }
                }
                do { _ = try HistoryWindow(parameters) } catch { messages.append(error.message) }
            } catch {
                #expect(error.status == .badRequest)
                messages.append(error.message)
            }
            errors += messages.count
            for message in messages {
                #expect(
                    message.utf8.count <= 400 && !message.unicodeScalars.contains(where: HostText.isUnsafe),
                    "\(file.lastPathComponent): \(message.debugDescription)")
            }
        }
        #expect(errors > 0, "no saved query produced an error: the checks above ran on nothing")
    }

    @Test func aParameterNameIsCleanedAndCutInTheMessage() throws {
        let parameters = try QueryParameters(query: "status%1B%5B2J=healthy&" + String(repeating: "n", count: 100) + "=x")
        #expect(throws: APIError.badParameter("status[2J", "expected a whole number from 1 to 500, got 'healthy'")) {
            try parameters.integer("status\u{1B}[2J", in: 1...500)
        }
        do {
            _ = try parameters.integer(String(repeating: "n", count: 100), in: 1...500)
            Issue.record("'x' read as a number")
        } catch {
            #expect(error.message == "invalid parameter '\(String(repeating: "n", count: 40))': expected a whole number from 1 to 500, got 'x'")
        }
    }
}
