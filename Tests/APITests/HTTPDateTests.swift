import Foundation
import Testing

@testable import API

/// The `Date` header the event-loop answers carry, checked against Foundation's formatter.
@Suite struct HTTPDateTests {
    @Test(arguments: [0, 784_111_777, 951_782_400, 1_700_000_000, 1_796_142_898, 4_102_444_799, 253_402_300_799])
    func formatsIMFFixdate(_ seconds: Int) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(HTTPDate.format(secondsSince1970: seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    @Test func nowIsTheCurrentSecond() {
        var date = HTTPDate()
        let before = HTTPDate.format(secondsSince1970: Int(Date().timeIntervalSince1970))
        let now = date.now()
        let after = HTTPDate.format(secondsSince1970: Int(Date().timeIntervalSince1970))
        #expect(now == before || now == after)
        #expect(HTTPDate.format(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
