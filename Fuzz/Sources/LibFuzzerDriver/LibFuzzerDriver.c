// The declaration is all this target provides; libFuzzer (linked by -sanitize=fuzzer) defines it.
#include "LibFuzzerDriver.h"
