import Foundation
import Testing

@testable import DashboardCore

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_764_084_313.123)) == "2025-11-25T15:25:13.123Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
    }

    /// Found by QueryParametersFuzzer's check that every parsed date prints: `0000-01-01T00:00+23:59`
    /// reads as a date in year -1, which trapped on the negative year's digits.
    @Test func datesOutsideFourDigitYearsPrintTheFallbackInsteadOfTrapping() throws {
        let yearMinusOne = try #require(Timestamp.parse("0000-01-01T00:00+23:59"))
        #expect(Timestamp.format(yearMinusOne) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(yearMinusOne, microseconds: true) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -62_167_219_200)) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59.000Z")
    }

    @Test func parsesWhatItPrintsAndCommonVariants() throws {
        let date = Date(timeIntervalSince1970: 1_764_084_313.123)
        let parsed = try #require(Timestamp.parse(Timestamp.format(date)))
        #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.001)
        #expect(Timestamp.parse("2025-11-25T15:25:13Z")?.timeIntervalSince1970 == 1_764_084_313)
        #expect(Timestamp.parse("2025-11-25 15:25:13+00")?.timeIntervalSince1970 == 1_764_084_313)
        #expect(Timestamp.parse("2025-11-25T17:25:13+02:00")?.timeIntervalSince1970 == 1_764_084_313)
        #expect(Timestamp.parse("2025-11-25T10:25:13-0500")?.timeIntervalSince1970 == 1_764_084_313)
        #expect(Timestamp.parse("2025-11-25")?.timeIntervalSince1970 == 1_764_028_800)
        #expect(Timestamp.parse("2025-11-25 15:25:13.5")?.timeIntervalSince1970 == 1_764_084_313.5)
    }

    @Test(arguments: ["", "yesterday", "2025-13-01", "2025-11-25T25:00:00Z", "2025-11-25T15:25:13Zjunk", "2025-11-25T15:25:13.Z", "１２３４-11-25"])
    func rejectsGarbage(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
