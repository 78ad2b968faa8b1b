import Foundation
import LibFuzzerDriver

// libFuzzer on `ProbeParser` (scripts/fuzz.sh builds and runs it; any libFuzzer flag works).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in probeParserFuzzOne(data, size) })
