import APISupport
import Foundation
import Testing

/// Query strings as the api reads them: decoding, first occurrence wins, typed values or a 400 naming the parameter.
@Suite struct QueryParametersTests {
    @Test func decodesFormEncodingAndKeepsTheFirstNonEmptyValue() throws {
        let parameters = try QueryParameters(query: "q=ro+ot%2Bx&limit=&limit=5&limit=6&%E2%82%AC=%F0%9F%98%80&flag")
        #expect(parameters.values == ["q": "ro ot+x", "limit": "5", "€": "😀"])
        #expect(try parameters.integer("limit", in: 1...10) == 5)
        #expect(parameters.string("flag") == nil)
    }

    @Test func rejectsMalformedEscapesNulAndLongValuesWithA400() {
        for query in ["q=%ZZ", "q=a%00b", "q=" + String(repeating: "x", count: QueryParameters.maximumValueBytes + 1)] {
            #expect(throws: APIError.self) { try QueryParameters(query: query) }
            do {
                _ = try QueryParameters(query: query)
            } catch {
                #expect(error.status == .badRequest)
                #expect(error.code == "BAD_PARAMETER")
                #expect(error.message.hasPrefix("invalid parameter 'q'"))
            }
        }
    }

    @Test func typedAccessorsCheckRangesAndNameTheParameter() throws {
        let parameters = try QueryParameters(query: "limit=0&from=yesterday&sort=size")
        #expect(throws: APIError.badParameter("limit", "expected a whole number from 1 to 500, got '0'")) {
            try parameters.integer("limit", in: 1...500)
        }
        #expect(throws: APIError.self) { try parameters.timestamp("from") }
        #expect(throws: APIError.badParameter("sort", "expected one of asc, desc, got 'size'")) {
            try parameters.choice("sort", default: Order.asc)
        }
        #expect(try parameters.choice("order", default: Order.desc) == .desc)
    }

    @Test func historyWindowDefaultsAndBounds() throws {
        let now = Date(timeIntervalSince1970: 1_764_084_313)
        let window = try HistoryWindow(QueryParameters(query: nil), now: now)
        #expect(window.to == now)
        #expect(window.from == now.addingTimeInterval(-86_400))
        #expect(window.step == 300)
        #expect(throws: APIError.self) { try HistoryWindow(QueryParameters(query: "from=1969-12-31T23:59:59Z&to=1970-01-01T01:00:00Z"), now: now) }
        #expect(throws: APIError.self) { try HistoryWindow(QueryParameters(query: "from=2026-01-01&to=2026-01-31&step=60"), now: now) }
    }

    enum Order: String, CaseIterable {
        case asc, desc
    }
}
