import DashboardStorage
import Foundation
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct BinaryResultsTests {
    @Test func binaryRowsDecodeToTheSameValuesAsText() async throws {
        let test = try await TestDatabase.make()
        let sql = """
            SELECT 1.5::double precision AS d, 0.1::real AS r, 42::smallint AS s, 7::integer AS i, 9007199254740993::bigint AS b,
                   true AS t, 'héllo wörld'::text AS x, 'v'::varchar AS v,
                   '2025-11-24 17:00:00.25+00'::timestamptz AS ts, NULL::double precision AS n,
                   1.5::numeric AS dec
            """
        var binary = SQLQuery(stringLiteral: sql)
        binary.binaryResults = true
        let text = try #require(try await test.database.pool.query(SQLQuery(stringLiteral: sql)).first)
        let bin = try #require(try await test.database.pool.query(binary).first)
        #expect(try bin.require("d", as: Double.self) == 1.5)
        #expect(try bin.require("r", as: Double.self) == Double(Float(0.1)))
        #expect(try bin.require("s", as: Int.self) == 42)
        #expect(try bin.require("i", as: Int64.self) == 7)
        #expect(try bin.require("b", as: Int64.self) == 9_007_199_254_740_993)
        #expect(try bin.require("t", as: Bool.self) == true)
        #expect(try bin.require("x", as: String.self) == "héllo wörld")
        #expect(try bin.require("v", as: String.self) == "v")
        #expect(try bin.require("ts", as: Date.self) == Date(timeIntervalSince1970: 1_764_003_600.25))
        #expect(try bin.decode("n", as: Double.self) == nil)
        for column in ["d", "s", "i", "b"] {
            #expect(try bin.require(column, as: Double.self) == text.require(column, as: Double.self), "\(column)")
        }
        #expect(try bin.require("ts", as: Date.self) == text.require("ts", as: Date.self))
        // Binary numeric is not read: a clear decoding error instead of a wrong number.
        #expect {
            try bin.require("dec", as: Double.self)
        } throws: { error in
            (error as? StorageError)?.kind == .decoding && (error as? StorageError)?.message.contains("\"dec\"") == true
        }
    }

    @Test func binaryTextArraysDecodeLikeTheirText() async throws {
        let test = try await TestDatabase.make()
        let sql = #"""
            SELECT ARRAY['a', 'b c', NULL, 'é"\,{}', ''] AS a, '{}'::text[] AS e, NULL::text[] AS n,
                   ARRAY['x', 'y']::varchar[] AS v, ARRAY[ARRAY['a', 'b'], ARRAY['c', 'd']] AS two, ARRAY[1, 2] AS ints
            """#
        var binary = SQLQuery(stringLiteral: sql)
        binary.binaryResults = true
        let text = try #require(try await test.database.pool.query(SQLQuery(stringLiteral: sql)).first)
        let bin = try #require(try await test.database.pool.query(binary).first)
        #expect(try bin.require("a", as: [String].self) == ["a", "b c", #"é"\,{}"#, ""])
        #expect(try bin.require("a", as: [String].self) == text.require("a", as: [String].self))
        #expect(try bin.require("e", as: [String].self) == [])
        #expect(try bin.decode("n", as: [String].self) == nil)
        #expect(try bin.require("v", as: [String].self) == ["x", "y"])
        // Two dimensions, or integers, are not read as a list of text: a decoding error.
        for column in ["two", "ints"] {
            #expect(throws: StorageError.self, "\(column)") { try bin.require(column, as: [String].self) }
        }
    }
}
