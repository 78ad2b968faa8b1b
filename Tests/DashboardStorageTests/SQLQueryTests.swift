import DashboardStorage
import Foundation
import TestSupport
import Testing

@Suite struct SQLQueryTests {
    @Test func interpolationsBecomeNumberedParameters() {
        let name = "'; DROP TABLE servers; --"
        let limit = 5
        let query: SQLQuery = "SELECT * FROM servers WHERE name = \(name) LIMIT \(limit)"
        #expect(query.sql == "SELECT * FROM servers WHERE name = $1 LIMIT $2")
        #expect(query.parameters.map(\.postgresText) == [name, "5"])
    }

    @Test func nilBindsNullAndRawFragmentsAreVerbatim() {
        let missing: String? = nil
        let query: SQLQuery = "SELECT \(unsafeRaw: "a, b") FROM t WHERE x = \(missing) ORDER BY \(unsafeRaw: "a DESC")"
        #expect(query.sql == "SELECT a, b FROM t WHERE x = $1 ORDER BY a DESC")
        #expect(query.parameters.count == 1)
        #expect(query.parameters[0].postgresText == nil)
    }

    @Test func appendingRenumbersPlaceholders() {
        let first: SQLQuery = "SELECT \(1), \(2)"
        let second: SQLQuery = " WHERE a = \(3) AND b = \(4)"
        let combined = first.appending(second)
        #expect(combined.sql == "SELECT $1, $2 WHERE a = $3 AND b = $4")
        #expect(combined.parameters.map(\.postgresText) == ["1", "2", "3", "4"])
        // Many-digit placeholders, a `$` not followed by a digit, text beyond ASCII, in place.
        var long: SQLQuery = "SELECT \(1), \(2), \(3), \(4), \(5), \(6), \(7), \(8), \(9), \(10), \(11)"
        let twice = long.appending(long)
        #expect(twice.sql.hasSuffix("$10, $11SELECT $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22"))
        #expect(twice.parameters.map(\.postgresText).last == "11" && twice.parameters.count == 22)
        long.append(" WHERE b = '$ x' AND c = 'é$x' AND d = \(unsafeRaw: "$$q$$") AND e IN (\(12), \(13))")
        #expect(long.sql.hasSuffix("$11 WHERE b = '$ x' AND c = 'é$x' AND d = $$q$$ AND e IN ($12, $13)"))
        #expect(long.parameters.count == 13)
        var empty: SQLQuery = ""
        empty.append(second)
        #expect(empty.sql == second.sql && empty.parameters.count == 2)
    }

    @Test func arrayLiteralsQuoteAndEscape() {
        #expect(["a", "b c", "quote\"d", "back\\slash", "NULL", ""].postgresText == #"{"a","b c","quote\"d","back\\slash","NULL",""}"#)
        #expect([Int64?.some(1), nil, 3].postgresText == #"{"1",NULL,"3"}"#)
        #expect([String]().postgresText == "{}")
    }

    @Test func valuesEncodeAsPostgresText() {
        #expect(true.postgresText == "t")
        #expect(Double.nan.postgresText == nil)
        #expect((0.1).postgresText == "0.1")
        #expect(Date(timeIntervalSince1970: 1.5).postgresText == "1970-01-01T00:00:01.500000Z")
    }

    @Test func textArraysDecode() {
        #expect([String](postgresText: #"{web,"eu west","a\"b",NULL}"#) == ["web", "eu west", "a\"b"])
        #expect([String](postgresText: "{}") == [])
        #expect([String](postgresText: "not an array") == nil)
    }
}
