import APISupport
import DashboardCore
import Foundation

/// One raw query string (what follows `?`) per call, read as the api reads it.
///
/// Beyond "no trap": values are bounded, re-encoding what was read and reading it again
/// gives the same values, typed accessors return values in range or a 400 with a short,
/// clean message, timestamps survive formatting, and a history window is always valid.
/// A broken promise traps, so libFuzzer saves the input.
func queryParametersFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let query = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parameters: QueryParameters
    do {
        parameters = try QueryParameters(query: query)
    } catch {
        QueryFuzzCheck.require(error)
        return 0
    }
    QueryFuzzCheck.requireValues(parameters)
    QueryFuzzCheck.requireRoundTrip(parameters)
    for name in QueryFuzzCheck.names + parameters.values.keys.sorted().prefix(4) {
        QueryFuzzCheck.requireAccessors(parameters, name)
    }
    QueryFuzzCheck.requireWindow(parameters)
    return 0
}
