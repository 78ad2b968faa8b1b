import FoundationEssentials

/// Something the probe parser could not read, by section. The rest of the output is kept.
public struct ProbeProblem: Sendable, Equatable, CustomStringConvertible {
    /// The section name (`cpu`, `df`, …), or `output` for the document as a whole.
    public var section: String
    /// What could not be read, with no more than a short, cleaned excerpt of the input.
    public var message: String

    /// Creates a problem record.
    public init(section: String, message: String) {
        self.section = section
        self.message = message
    }

    /// `[section] message`, e.g. `[memory] no readable MemTotal`.
    public var description: String { "[\(section)] \(message)" }
}

/// What the parser made of one probe's output: the sample and the problems met on the way.
public struct ProbeReport: Sendable, Equatable {
    /// Every figure that could be read.
    public var sample: MetricSample
    /// Everything that could not be read.
    public var problems: [ProbeProblem]
    /// The format version from the begin marker, `nil` when there was none.
    public var formatVersion: Int?
    /// Whether the end marker was seen (the output was not cut short).
    public var isComplete: Bool

    /// Creates a report.
    public init(sample: MetricSample, problems: [ProbeProblem], formatVersion: Int?, isComplete: Bool) {
        self.sample = sample
        self.problems = problems
        self.formatVersion = formatVersion
        self.isComplete = isComplete
    }

    /// Whether the output is worth storing: the begin marker was there and at least one
    /// of the load, CPU or memory figures was read.
    public var isUsable: Bool {
        formatVersion != nil && (sample.load1 != nil || sample.cpuPercent != nil || sample.memoryTotalBytes != nil)
    }
}
