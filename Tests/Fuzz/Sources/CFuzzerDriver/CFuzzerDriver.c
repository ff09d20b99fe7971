// Header-only: the target exists so Swift can see `LLVMFuzzerRunDriver`, which libFuzzer defines.
#include "CFuzzerDriver.h"
