#ifndef NDFLAT_CFUZZERDRIVER_H
#define NDFLAT_CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver entry (compiler-rt FuzzerInterface.h): runs the fuzzing loop
   with the given callback, parsing libFuzzer flags from argc/argv. Provided by
   libclang_rt.fuzzer when linking with -sanitize=fuzzer. */
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
