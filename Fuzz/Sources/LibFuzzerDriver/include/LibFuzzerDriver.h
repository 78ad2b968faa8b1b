// libFuzzer's driver, for executables that keep their own `main` (SwiftPM renames an
// executable's entry point, so the fuzzer's own `main` cannot be used).
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer with the command line `argc`/`argv` on `callback` and returns its exit code.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
