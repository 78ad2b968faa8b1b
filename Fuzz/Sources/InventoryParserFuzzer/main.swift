import Foundation
import LibFuzzerDriver

// libFuzzer on `DotEnv` and `InventoryParser` (scripts/fuzz.sh builds and runs it; any libFuzzer flag works).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in inventoryParserFuzzOne(data, size) })
