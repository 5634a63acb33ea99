// peak.h: this machine's float32 FMA peak, measured (benchmarks/peak.py): independent chains of
// fused multiply-adds in registers, on the widest vectors cpu.h allows, so that matmul-bound
// benchmark rows can report their fraction of what the cores can do.
#pragma once

#include <cstdint>
#include <string>

namespace tfl {

struct FmaPeak {
  double gflops = 0;  // float32 FLOP/s (an FMA counts 2) of all threads together, in 1e9
  int threads = 0;
  std::string isa;  // "avx512", "avx2" or "baseline" (SSE2 multiply + add)
};

// Runs `threads` OpenMP threads, each for about `seconds` of FMA chains, and returns the best of
// `repeats` timed rounds. Throws KernelError for threads < 1 or seconds not in (0, 60].
FmaPeak measure_fma_peak(int threads, double seconds, int repeats);

}  // namespace tfl
