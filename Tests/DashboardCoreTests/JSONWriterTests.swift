import Foundation
import Testing

@testable import DashboardCore

@Suite struct JSONWriterTests {
    private func written(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        body(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Parses `text` with Foundation's parser, which rejects anything that is not JSON.
    private func parsed(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test func placesCommasBetweenMembersAndElements() {
        let text = written { json in
            json.object { json in
                json.key("a"); json.integer(1)
                json.key("b");
                json.array { json in
                    json.integer(1); json.null(); json.bool(true); json.bool(false)
                    json.object { _ in }
                    json.array { _ in }
                }
                json.key("c");
                json.object { json in
                    json.key("d"); json.string("e")
                }
            }
        }
        #expect(text == #"{"a":1,"b":[1,null,true,false,{},[]],"c":{"d":"e"}}"#)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() throws {
        let text = written { $0.string("say \"hi\"\\ \n\r\t\u{08}\u{0C}\u{00}\u{01}\u{1F} / \u{7F}") }
        // `/` and DEL need no escape.
        #expect(text == #""say \"hi\"\\ \n\r\t\b\f\u0000\u0001\u001f / "# + "\u{7F}\"")
        #expect(try parsed(text) as? String == "say \"hi\"\\ \n\r\t\u{08}\u{0C}\u{00}\u{01}\u{1F} / \u{7F}")
    }

    @Test func writesUnicodeAsUTF8() throws {
        let name = "db 01 ünïcødé — 東京 🚀 \u{2028}"
        let text = written { json in
            json.object { json in
                json.key(name); json.string(name)
            }
        }
        #expect(text == "{\"\(name)\":\"\(name)\"}")
        #expect(try parsed(text) as? [String: String] == [name: name])
    }

    @Test func writesKeysEscapedToo() {
        #expect(
            written { json in
                json.object { json in
                    json.key("a\"b"); json.null()
                }
            } == #"{"a\"b":null}"#)
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (3.0, "3"), (12.5, "12.5"), (-12.5, "-12.5"), (0.1, "0.1"),
        (1.0 / 3.0, "0.333333"), (2.0 / 3.0, "0.666667"), (21.333333333333332, "21.333333"),
        (0.000125, "0.000125"), (-0.000125, "-0.000125"), (0.0000004, "0"), (0.0000006, "0.000001"),
        (1000.0000001, "1000"), (99.99999999, "100"), (1_234_567_890.5, "1234567890.5"),
    ])
    func roundsNumbersCompactly(_ value: Double, _ expected: String) {
        #expect(written { $0.number(value) } == expected)
    }

    @Test func keepsHugeNumbersValid() throws {
        for value in [1e20, -1e20, Double.greatestFiniteMagnitude, 9_007_199_254.740993] {
            let text = written { $0.number(value) }
            let back = try #require(try parsed(text) as? NSNumber)
            #expect(abs(back.doubleValue - value) <= abs(value) * 1e-15 + 1e-6, "\(text)")
        }
    }

    @Test func writesNullForMissingAndNonFiniteNumbers() {
        let text = written { json in
            json.array { json in
                json.number(nil); json.number(.nan); json.number(.infinity); json.number(-.infinity)
                json.integer(nil); json.string(nil); json.timestamp(nil)
            }
        }
        #expect(text == "[null,null,null,null,null,null,null]")
    }

    @Test func honoursFewerDecimals() {
        var writer = JSONWriter(fractionDigits: 2)
        writer.array { json in
            json.number(1.005); json.number(2.499); json.number(7)
        }
        // 1.005 is 1.00499999… in binary.
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[1,2.5,7]")
    }

    @Test func writesIntegersAndTimestamps() {
        let text = written { json in
            json.array { json in
                json.integer(0); json.integer(-42); json.integer(Int.max); json.integer(Int.min)
                json.timestamp(Date(timeIntervalSince1970: 1_764_084_313.123))
            }
        }
        #expect(text == "[0,-42,9223372036854775807,-9223372036854775808,\"2025-11-25T15:25:13.123Z\"]")
    }

    @Test func arrayOfItemsWritesEachElement() {
        #expect(written { json in json.array([1, 2, 3]) { json, item in json.integer(item * 10) } } == "[10,20,30]")
    }

    /// The written form of a bucket is the encoded form: same keys in the same order, the
    /// same figures up to the writer's rounding.
    @Test func historyBucketMatchesItsEncodableForm() throws {
        var bucket = HistoryBucket(start: Date(timeIntervalSince1970: 1_764_082_800), samples: 4)
        let figures: [(MetricID, Aggregate)] = [
            (.cpuPercent, Aggregate(avg: 21.333333333333332, max: 40)), (.load1, Aggregate(avg: 0.5, max: 1.25)),
            (.load15, Aggregate(avg: 0.1, max: 0.2)), (.ramPercent, Aggregate(avg: 55.55, max: 60)), (.diskPercent, Aggregate(avg: 70, max: 70)),
            (.loggedUsers, Aggregate(avg: 1.5, max: 2)), (.tcpConnections, Aggregate(avg: 120.25, max: 130)),
            (.processCount, Aggregate(avg: 210, max: 215)), (.networkReceiveRate, Aggregate(avg: 1000, max: 1500.5)),
            (.networkTransmitRate, Aggregate(avg: nil, max: 3)), (.cpuStealPercent, Aggregate(avg: 0.25, max: 1)),
        ]
        for (id, aggregate) in figures { bucket[id] = aggregate }
        var writer = JSONWriter()
        writer.value(bucket)
        let writtenText = String(decoding: writer.bytes, as: UTF8.self)
        let encodedText = String(decoding: try DashboardJSON.makeEncoder().encode(bucket), as: UTF8.self)
        #expect(keyOrder(writtenText) == keyOrder(encodedText))
        let written = try #require(try parsed(writtenText) as? [String: Any])
        let encoded = try #require(try parsed(encodedText) as? [String: Any])
        #expect(Set(written.keys) == Set(encoded.keys))
        #expect(written["start"] as? String == "2025-11-25T15:00:00.000Z")
        #expect(written["samples"] as? Int == 4)
        for (key, value) in encoded {
            guard let aggregate = value as? [String: Any] else { continue }
            let mine = try #require(written[key] as? [String: Any], "\(key)")
            for figure in ["avg", "max"] {
                if let expected = aggregate[figure] as? Double {
                    let actual = try #require(mine[figure] as? Double, "\(key).\(figure)")
                    #expect(abs(actual - expected) < 1e-6, "\(key).\(figure)")
                } else {
                    #expect(mine[figure] is NSNull, "\(key).\(figure)")
                }
            }
        }
    }

    /// The keys of a JSON text in the order they appear.
    private func keyOrder(_ text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #""([a-z0-9_]+)":"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
    }
}
