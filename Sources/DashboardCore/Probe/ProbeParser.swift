import FoundationEssentials

/// Reads what the probe printed (format version 1, `docs/probe-format.md`) into a `ProbeReport`.
///
/// The output is untrusted bytes. The parser never traps and never loops without making
/// progress, whatever it is given: it keeps every figure it could read, leaves the others
/// `nil`, and says in `ProbeReport.problems` what it could not read and why. Every string
/// it keeps has been through `HostText.clean`, and a string that had to be changed on the
/// way is reported too.
///
/// It works on the bytes directly (no `String` per line, no regular expressions): a typical
/// 5 KB output takes some 15 µs in a release build.
public enum ProbeParser {
    /// The format version this parser implements.
    public static let supportedFormatVersion = 1
    /// The most output read; the rest is dropped and reported.
    public static let maximumOutputBytes = 4 * 1024 * 1024
    /// The longest line read; the rest of a longer line is dropped and reported.
    public static let maximumLineBytes = 4096
    /// The most rows read from the `users` section (and from `home`).
    public static let maximumUsers = 1000
    /// The most filesystems kept from the `df` section.
    public static let maximumFilesystems = 500
    /// The most interfaces read from the `network` section.
    public static let maximumInterfaces = 4096
    /// The most block devices read per reading of the `diskio` section (the probe lists no more).
    public static let maximumBlockDevices = 256
    /// The most problems listed per section; further ones are counted in one last problem.
    public static let maximumProblemsPerSection = 20
    /// The most problems one report can hold: the listed ones and their summary, for every section.
    public static var maximumProblems: Int { Section.allCases.count * (maximumProblemsPerSection + 1) }

    /// Parses one probe output collected at `collectedAt`.
    ///
    /// - Parameters:
    ///   - output: the bytes the probe printed, as received (any encoding, any size).
    ///   - collectedAt: when the probe ran, stored as the sample's time.
    /// - Returns: the sample with every figure that could be read, and the problems met.
    public static func parse<Bytes: Collection>(_ output: Bytes, collectedAt: Date) -> ProbeReport where Bytes.Element == UInt8 {
        if let report = output.withContiguousStorageIfAvailable({ parse(buffer: $0, collectedAt: collectedAt) }) {
            return report
        }
        // Not contiguous: copy no more than the limit (plus one byte, so the limit is noticed).
        let copy = Array(output.prefix(maximumOutputBytes + 1))
        return copy.withUnsafeBufferPointer { parse(buffer: $0, collectedAt: collectedAt) }
    }

    /// The non-generic core, so a debug build runs it without generic dispatch.
    static func parse(buffer: UnsafeBufferPointer<UInt8>, collectedAt: Date) -> ProbeReport {
        guard !buffer.isEmpty else {
            return ProbeReport(
                sample: MetricSample(collectedAt: collectedAt),
                problems: [ProbeProblem(section: "output", message: "the probe printed nothing")],
                formatVersion: nil, isComplete: false
            )
        }
        let context = Context(output: buffer, collectedAt: collectedAt)
        context.run()
        return context.report()
    }
}
