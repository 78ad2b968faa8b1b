import DashboardCore
import Foundation

/// One `.env` text per call, read the way the collector reads it
/// natively (`DotEnv`, then `InventoryParser` over `SERVERn_*`).
///
/// Beyond "no trap", it checks the inventory rules (docs/collector.md) and traps (so libFuzzer
/// saves the input) when one is broken.
func inventoryParserFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = data.map { String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self) } ?? ""
    let (values, dotEnvProblems) = DotEnv.parse(text)
    if let violation = InventoryFuzzCheck.violation(values: values, problems: dotEnvProblems, text: text)
        ?? InventoryFuzzCheck.violation(in: InventoryParser.parse(environment: values), environment: values)
    {
        fatalError("inventory parsing broke a promise: \(violation)")
    }
    // The same settings, inserted in the opposite order, must give the same inventory.
    let reversed = Dictionary(values.reversed(), uniquingKeysWith: { first, _ in first })
    if InventoryParser.parse(environment: reversed) != InventoryParser.parse(environment: values) {
        fatalError("inventory parsing depends on the order of the environment")
    }
    return 0
}
