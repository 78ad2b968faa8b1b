import Foundation
import ProbeInvariants
import Testing

@testable import DashboardCore

/// A tiny, fast, seedable pseudo-random generator (SplitMix64), so every run breaks
/// the fixtures in exactly the same 100,000 ways and a failure names its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (`0` when `bound` is not positive).
    mutating func below(_ bound: Int) -> Int {
        bound > 0 ? Int(next() % UInt64(bound)) : 0
    }
}

/// The parser on 100,000 corrupted fixtures: it must never crash or hang, and whatever it
/// returns must be safe to store and show (finite, non-negative figures, clean text).
@Suite struct ProbeMutationTests {
    /// 12,500 per shard; `SD_MUTATION_VARIANTS=N` runs N per shard instead (a quick check, or a longer soak).
    static let variantsPerShard = ProcessInfo.processInfo.environment["SD_MUTATION_VARIANTS"].flatMap { Int($0) } ?? 12_500
    /// Eight shards of 12,500 run side by side: 100,000 variants in all.
    static let shards = Array(0..<8)

    /// Replacements for a number: too large for 64 bits, negative, not finite, or empty.
    static let badNumbers: [[UInt8]] = [
        "99999999999999999999999999", "18446744073709551616", "9223372036854775808", "9223372036854775807",
        "-1", "-0.5", "nan", "NaN", "inf", "-inf", "Infinity", "1e309", "1.7976931348623157e308", "", "0x10",
        "00000000000000000000000000000000001", "4294967296", "1.2.3", "٣", "+5",
        "9000000000000000", "9007199254740993",  // fit as kB, not as bytes or when added up
        String(repeating: "9", count: 400),
    ].map { Array($0.utf8) }

    /// Lines that can confuse the structure.
    static let markers: [[UInt8]] = [
        "@@sd:end", "@@sd:begin version=1", "@@sd:begin version=-3", "@@sd:cpu", "@@sd:users", "@@sd:df",
        "@@sd:home", "@@sd:", "@@sd:mounts\t", "@@sd:bogus", "error=", "error=\u{1B}[31mboom", "status=timeout",
        "cores=0", "cpu  1 2 3", "count=-1", "@@sd:diskio", "uptime=1.00", "sda 1 2",
        "@@sd:inodes", "@@sd:temperature", "@@sd:topprocs", "@@sd:units", "@@sd:containers", "absent=", "absent=\u{1B}]0;x",
        "args=ps", "engine=docker", "engine=podman", "ps\tx\ty\tUp 1 second", "inspect\t/x\t9999999999999999999\t-1",
        "stats\tx\t1e309%\t-5GiB / 1GiB", "1\troot\tnan\tinf\tcmd", "hwmon/hwmon0/temp1_input 126999",
        "thermal/thermal_zone0/temp -40000", "\u{25CF} x.service loaded failed failed x",
    ].map { Array($0.utf8) }

    /// Bytes that are not text: NUL, 0xFF, ESC, C1 controls, bidi overrides, broken UTF-8.
    static let badBytes: [[UInt8]] = [
        [0x00], [0xFF], [0xFF, 0xFE], [0x1B, 0x5B, 0x32, 0x4A], [0xC2, 0x9B], [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA6],
        [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0x0D], [0x09], [0x0B],
        [0x5C, 0x30, 0x34, 0x30], [0x5C, 0x39, 0x39, 0x39], [0x5C],
    ]

    @Test(arguments: shards)
    func corruptedFixturesNeverBreakTheParser(shard: Int) async throws {
        let fixtures = try ProbeFixtures.names.map(ProbeFixtures.bytes)
        // CPU-bound for seconds: run on a thread of its own, not on the cooperative pool,
        // so the suite's other tests (some of which time deadlines) keep their threads.
        let failures = await onOwnThread { Self.mutationFailures(shard: shard, fixtures: fixtures) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Parses `variantsPerShard` corrupted fixtures and returns what went wrong (at most five).
    static func mutationFailures(shard: Int, fixtures: [[UInt8]]) -> [String] {
        var random = SplitMix64(seed: 0x5D_0000 + UInt64(shard))
        var failures: [String] = []
        for variant in 0..<variantsPerShard {
            var bytes = fixtures[random.below(fixtures.count)]
            for _ in 0...random.below(3) {
                mutate(&bytes, &random)
            }
            let report = ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt)
            if let failure = ProbeInvariants.violation(in: report, collectedAt: ProbeFixtures.collectedAt) {
                failures.append("shard \(shard) variant \(variant): \(failure)")
            }
            // Parsing is a pure function of the bytes.
            if variant % 997 == 0, ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt) != report {
                failures.append("shard \(shard) variant \(variant): a second parse of the same bytes differed")
            }
            if failures.count >= 5 { break }
        }
        return failures
    }

    /// The deeper sections (inodes, temperature, units, containers, topprocs) of every fixture,
    /// broken 20,000 ways on their own: in whole fixtures few mutations land on them.
    @Test func corruptedDeeperSectionsNeverBreakTheParser() async throws {
        let deeper = try ProbeFixtures.names.map { name in
            Self.sections(["df", "inodes", "temperature", "units", "containers", "topprocs"], of: try ProbeFixtures.bytes(name))
        }
        #expect(deeper.allSatisfy { Self.lineRanges($0).count > 12 })
        let count = Self.variantsPerShard * 8 / 5
        let failures = await onOwnThread {
            var random = SplitMix64(seed: 0xDEE9E5)
            var failures: [String] = []
            for variant in 0..<count where failures.count < 5 {
                var bytes = deeper[random.below(deeper.count)]
                for _ in 0...random.below(3) { Self.mutate(&bytes, &random) }
                if let failure = ProbeInvariants.violation(in: ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt)) {
                    failures.append("variant \(variant): \(failure)")
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// A document of the begin marker, the named sections of `fixture` (marker and body) and the end marker.
    static func sections(_ names: Set<String>, of fixture: [UInt8]) -> [UInt8] {
        var result = Array("@@sd:begin version=1\n".utf8)
        var keep = false
        for line in lineRanges(fixture) {
            let text = fixture[line]
            if text.starts(with: Array("@@sd:".utf8)) { keep = names.contains(String(decoding: text.dropFirst(5), as: UTF8.self)) }
            if keep {
                result.append(contentsOf: text)
                result.append(0x0A)
            }
        }
        return result + endMarker + [0x0A]
    }

    @Test func randomBytesWithMarkersNeverBreakTheParser() {
        var random = SplitMix64(seed: 0xBADC0DE)
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(60) {
                switch random.below(4) {
                case 0: bytes += Self.markers[random.below(Self.markers.count)] + [0x0A]
                case 1: bytes += Self.badBytes[random.below(Self.badBytes.count)]
                case 2: bytes += Self.badNumbers[random.below(Self.badNumbers.count)] + [0x20]
                default: bytes += (0..<random.below(80)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                }
            }
            let report = ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt)
            #expect(ProbeInvariants.violation(in: report) == nil)
        }
    }

    // MARK: - Mutations
    //
    // Written with bulk copies (no `joined()` or per-byte generic loops), so that breaking
    // the input costs less than parsing it even in a debug build.

    /// Breaks `bytes` in one of fourteen ways.
    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        let count = bytes.count
        switch random.below(14) {
        case 0:  // flip bits of a few bytes
            for _ in 0...random.below(8) where !bytes.isEmpty {
                bytes[random.below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
            }
        case 1:  // delete a run
            let start = random.below(count)
            bytes.removeSubrange(start..<min(count, start + 1 + random.below(200)))
        case 2:  // duplicate a run somewhere else
            let start = random.below(count)
            let run = Array(bytes[start..<min(count, start + 1 + random.below(400))])
            bytes.insert(contentsOf: run, at: random.below(bytes.count + 1))
        case 3:  // cut the output short
            bytes.removeSubrange(random.below(count + 1)...)
        case 4:  // insert bytes that are not text
            for _ in 0...random.below(4) {
                bytes.insert(contentsOf: badBytes[random.below(badBytes.count)], at: random.below(bytes.count + 1))
            }
        case 5:  // replace a number with a bad one
            replaceNumber(in: &bytes, with: badNumbers[random.below(badNumbers.count)], &random)
        case 6:  // a very long line
            let line = [UInt8](repeating: random.below(2) == 0 ? 0x41 : 0x39, count: [4095, 4096, 4097, 5000, 20_000][random.below(5)])
            bytes.insert(contentsOf: line + [0x0A], at: lineStart(in: bytes, near: random.below(count + 1)))
        case 7:  // shuffle a window of lines
            var lines = lineRanges(bytes)
            let start = random.below(lines.count)
            let end = min(lines.count, start + 2 + random.below(30))
            if end - start > 1 {
                lines[start..<end].shuffle(using: &random)
                bytes = joining(lines, of: bytes)
            }
        case 8:  // swap two lines
            var lines = lineRanges(bytes)
            if lines.count > 1 {
                lines.swapAt(random.below(lines.count), random.below(lines.count))
                bytes = joining(lines, of: bytes)
            }
        case 9:  // insert a marker or key line
            bytes.insert(contentsOf: markers[random.below(markers.count)] + [0x0A], at: lineStart(in: bytes, near: random.below(count + 1)))
        case 10:  // join lines or split them
            for _ in 0...random.below(5) where !bytes.isEmpty {
                let index = random.below(bytes.count)
                bytes[index] = bytes[index] == 0x0A ? [0x20, 0x09, 0x0D][random.below(3)] : 0x0A
            }
        case 11:  // turn a few separators into others
            for _ in 0..<20 where !bytes.isEmpty {
                let index = random.below(bytes.count)
                if bytes[index] == 0x09 { bytes[index] = 0x20 } else if bytes[index] == 0x20 { bytes[index] = 0x09 }
            }
        case 12:  // repeat a block of lines
            let lines = lineRanges(bytes)
            guard !lines.isEmpty else { return }
            let first = random.below(lines.count)
            let last = min(lines.count - 1, first + random.below(6))
            let block = Array(bytes[lines[first].lowerBound..<min(bytes.count, lines[last].upperBound + 1)])
            var repeated: [UInt8] = []
            for _ in 0..<[2, 10, 40][random.below(3)] { repeated.append(contentsOf: block) }
            bytes.insert(contentsOf: repeated, at: lineStart(in: bytes, near: random.below(count + 1)))
        default:  // drop the end marker
            if let end = lastRange(of: endMarker, in: bytes) {
                bytes.removeSubrange(end)
            }
        }
    }

    static let endMarker = Array("@@sd:end".utf8)

    /// The lines of `bytes` (without their newline), found with memchr.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start <= buffer.count {
                guard start < buffer.count, let found = memchr(base + start, 0x0A, buffer.count - start) else {
                    lines.append(start..<buffer.count)
                    return
                }
                let end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                lines.append(start..<end)
                start = end + 1
            }
        }
        return lines
    }

    /// The lines in the given order, each followed by a newline.
    static func joining(_ lines: [Range<Int>], of bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 1)
        for line in lines {
            result.append(contentsOf: bytes[line])
            result.append(0x0A)
        }
        return result
    }

    /// Replaces the run of digits around a random position with `replacement`.
    static func replaceNumber(in bytes: inout [UInt8], with replacement: [UInt8], _ random: inout SplitMix64) {
        guard !bytes.isEmpty else { return }
        var index = random.below(bytes.count)
        var tries = 0
        while bytes[index] &- 0x30 > 9, tries < 64 {
            index = (index + 1) % bytes.count
            tries += 1
        }
        guard bytes[index] &- 0x30 <= 9 else { return }
        var start = index
        var end = index
        while start > 0, bytes[start - 1] &- 0x30 <= 9 || bytes[start - 1] == 0x2E { start -= 1 }
        while end < bytes.count, bytes[end] &- 0x30 <= 9 || bytes[end] == 0x2E { end += 1 }
        bytes.replaceSubrange(start..<end, with: replacement)
    }

    /// The start of the line holding `index`.
    static func lineStart(in bytes: [UInt8], near index: Int) -> Int {
        var start = min(index, bytes.count)
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        return start
    }

    /// The last occurrence of `needle`, searched from the end (the end marker is near it).
    static func lastRange(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        guard needle.count <= bytes.count else { return nil }
        var start = bytes.count - needle.count
        while start >= 0 {
            if bytes[start] == needle[0], bytes[start..<start + needle.count].elementsEqual(needle) { return start..<start + needle.count }
            start -= 1
        }
        return nil
    }
}

/// Runs `body` on a new serial queue (which gets a thread of its own) and awaits its result.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue(label: "probe-mutation").async { continuation.resume(returning: body()) }
    }
}
