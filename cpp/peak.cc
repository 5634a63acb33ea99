// peak.cc: the FMA peak probe (peak.h). Each thread runs independent accumulator chains (16 with
// AVX-512's 32 registers, 12 with AVX2's 16: at least an FMA's latency times the FMA ports of the
// cores we meet, 4 x 2, and no spills) of
// acc = acc * m + a with values that stay finite, over a loop the compiler cannot fold (the
// multiplier comes from memory, the result is kept).
#include "peak.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "cpu.h"
#include "tensor.h"

#if TFL_CPU_X86
#include <immintrin.h>
#endif

namespace tfl {
namespace {

constexpr int kChains = 16;     // AVX-512 and the portable loop
constexpr int kChainsYmm = 12;  // AVX2: 12 accumulators + 2 constants of the 16 ymm registers

#if TFL_CPU_X86
TFL_TARGET_AVX512F double chains_avx512(int64_t iters, const float* m, float* sink) {
  const __m512 mul = _mm512_set1_ps(m[0]), add = _mm512_set1_ps(m[1]);
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(float(c) * 1e-3f);
  for (int64_t i = 0; i < iters; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], mul, add);
  __m512 s = acc[0];
  for (int c = 1; c < kChains; ++c) s = _mm512_add_ps(s, acc[c]);
  float lanes[16];
  _mm512_storeu_ps(lanes, s);
  for (float v : lanes) *sink += v;
  return 2.0 * 16 * kChains * double(iters);
}

TFL_TARGET_AVX2_FMA double chains_avx2(int64_t iters, const float* m, float* sink) {
  const __m256 mul = _mm256_set1_ps(m[0]), add = _mm256_set1_ps(m[1]);
  __m256 acc[kChainsYmm];
  for (int c = 0; c < kChainsYmm; ++c) acc[c] = _mm256_set1_ps(float(c) * 1e-3f);
  for (int64_t i = 0; i < iters; ++i)
    for (int c = 0; c < kChainsYmm; ++c) acc[c] = _mm256_fmadd_ps(acc[c], mul, add);
  __m256 s = acc[0];
  for (int c = 1; c < kChainsYmm; ++c) s = _mm256_add_ps(s, acc[c]);
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  for (float v : lanes) *sink += v;
  return 2.0 * 8 * kChainsYmm * double(iters);
}
#endif

double chains_baseline(int64_t iters, const float* m, float* sink) {
  float acc[kChains][4];
  for (int c = 0; c < kChains; ++c)
    for (int l = 0; l < 4; ++l) acc[c][l] = float(c) * 1e-3f;
  const float mul = m[0], add = m[1];
  for (int64_t i = 0; i < iters; ++i)
    for (int c = 0; c < kChains; ++c)
      for (int l = 0; l < 4; ++l) acc[c][l] = acc[c][l] * mul + add;
  for (int c = 0; c < kChains; ++c)
    for (int l = 0; l < 4; ++l) *sink += acc[c][l];
  return 2.0 * 4 * kChains * double(iters);
}

const char* isa_used() {
  if (cpu::has_avx512f()) return "avx512";
  if (cpu::has_avx2_fma()) return "avx2";
  return "baseline";
}

double chains(int64_t iters, const float* m, float* sink) {
#if TFL_CPU_X86
  if (cpu::has_avx512f()) return chains_avx512(iters, m, sink);
  if (cpu::has_avx2_fma()) return chains_avx2(iters, m, sink);
#endif
  return chains_baseline(iters, m, sink);
}

}  // namespace

FmaPeak measure_fma_peak(int threads, double seconds, int repeats) {
  if (threads < 1) fail("fma_peak", "threads must be >= 1, got ", threads);
  if (!(seconds > 0 && seconds <= 60))
    fail("fma_peak", "seconds must be in (0, 60], got ", seconds);
  if (repeats < 1) fail("fma_peak", "repeats must be >= 1, got ", repeats);
  // acc * (1 - 2^-20) + 2^-20 stays near 1: no overflow, no subnormals
  static const float m[2] = {1.0f - 0x1p-20f, 0x1p-20f};
  std::vector<float> sink(size_t(threads) * 16, 0.0f);  // a cache line each
  // calibrate: iterations for `seconds` on one thread
  int64_t iters = 1 << 16;
  for (;;) {
    const auto t0 = std::chrono::steady_clock::now();
    chains(iters, m, &sink[0]);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (dt > seconds / 8 || iters > (int64_t(1) << 40)) {
      iters = std::max<int64_t>(1, int64_t(double(iters) * seconds / std::max(dt, 1e-9)));
      break;
    }
    iters *= 4;
  }
  FmaPeak best;
  best.threads = threads;
  best.isa = isa_used();
  for (int r = 0; r < repeats; ++r) {
    double flops = 0;
    const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : flops)
    flops += chains(iters, m, &sink[size_t(omp_get_thread_num()) * 16]);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best.gflops = std::max(best.gflops, flops / dt / 1e9);
  }
  return best;
}

}  // namespace tfl
