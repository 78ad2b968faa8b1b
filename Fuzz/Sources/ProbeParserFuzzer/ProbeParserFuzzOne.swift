import DashboardCore
import Foundation

/// One probe output per call.
///
/// Beyond "no trap", it checks what `docs/probe-format.md` promises for any input, and
/// traps (so libFuzzer saves the input) when a promise is broken.
func probeParserFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let report = ProbeParser.parse(bytes, collectedAt: ProbeFuzzCheck.collectedAt)
    if let violation = ProbeFuzzCheck.violation(in: report) {
        fatalError("probe parser broke a promise: \(violation)")
    }
    // The non-contiguous path (a copy of at most the limit) must read the same report. It
    // runs unspecialised, byte by byte, so only one input in eight (by length) takes it.
    guard size % 8 == 0 else { return 0 }
    let copied = ProbeParser.parse(bytes.lazy.map { $0 }, collectedAt: ProbeFuzzCheck.collectedAt)
    if copied != report {
        fatalError("probe parser: contiguous and non-contiguous input gave different reports")
    }
    return 0
}
