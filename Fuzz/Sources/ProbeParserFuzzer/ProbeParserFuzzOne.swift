import DashboardCore
import Foundation
import ProbeInvariants

/// The collection time every fuzzed report must keep.
let fuzzCollectedAt = Date(timeIntervalSince1970: 1_764_084_313)

/// One probe output per call.
///
/// Beyond "no trap", it checks what `docs/probe-format.md` promises for any input (`ProbeInvariants`), and
/// traps (so libFuzzer saves the input) when a promise is broken.
func probeParserFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let report = ProbeParser.parse(bytes, collectedAt: fuzzCollectedAt)
    if let violation = ProbeInvariants.violation(in: report, collectedAt: fuzzCollectedAt) {
        fatalError("probe parser broke a promise: \(violation)")
    }
    // The non-contiguous path (a copy of at most the limit) must read the same report. It
    // runs unspecialised, byte by byte, so only one input in eight (by length) takes it.
    guard size % 8 == 0 else { return 0 }
    let copied = ProbeParser.parse(bytes.lazy.map { $0 }, collectedAt: fuzzCollectedAt)
    if copied != report {
        fatalError("probe parser: contiguous and non-contiguous input gave different reports")
    }
    return 0
}
