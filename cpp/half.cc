// half.cc: float16/bfloat16 <-> float32 over runs of elements, the inner loops of every 16-bit
// float kernel. float16 uses F16C (vcvtph2ps / vcvtps2ph, exact and round-to-nearest-even as the
// scalar code) where the CPU has it; bfloat16 -> float32 is a shift (vectorised for AVX2);
// float32 -> bfloat16 uses AVX-512 BF16's vcvtneps2bf16 where the CPU has it, redoing in the
// portable code the blocks with subnormal inputs (the instruction flushes them to zero; TF
// rounds them). Each path gives bit-identical results; TFLITE_CORE_MAX_ISA picks the others.
#include "cpu.h"
#include "dtypes.h"

#if TFL_CPU_X86
#include <immintrin.h>
#endif

namespace tfl {
namespace {

__attribute__((always_inline)) inline void f16_to_f32_loop(const uint16_t* x, float* y, int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = f16_to_f32(x[k]);
}
__attribute__((always_inline)) inline void f32_to_f16_loop(const float* x, uint16_t* y, int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = f32_to_f16(x[k]);
}
__attribute__((always_inline)) inline void bf16_to_f32_loop(const uint16_t* x, float* y,
                                                            int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = bf16_to_f32(x[k]);
}
__attribute__((always_inline)) inline void f32_to_bf16_loop(const float* x, uint16_t* y,
                                                            int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = f32_to_bf16(x[k]);
}

#if TFL_CPU_X86
TFL_TARGET_AVX2_F16C void f16_to_f32_f16c(const uint16_t* x, float* y, int64_t n) {
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + k));
    _mm256_storeu_ps(y + k, _mm256_cvtph_ps(h));
  }
  f16_to_f32_loop(x + k, y + k, n - k);
}
TFL_TARGET_AVX2_F16C void f32_to_f16_f16c(const float* x, uint16_t* y, int64_t n) {
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + k), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + k), h);
  }
  f32_to_f16_loop(x + k, y + k, n - k);
}
TFL_TARGET_AVX2_FMA void bf16_to_f32_avx2(const uint16_t* x, float* y, int64_t n) {
  bf16_to_f32_loop(x, y, n);
}
TFL_TARGET_AVX2_FMA void f32_to_bf16_avx2(const float* x, uint16_t* y, int64_t n) {
  f32_to_bf16_loop(x, y, n);
}
TFL_TARGET_AVX512_BF16 void f32_to_bf16_avx512(const float* x, uint16_t* y, int64_t n) {
  int64_t k = 0;
  const __m512i exp_mask = _mm512_set1_epi32(0x7f800000);
  for (; k + 16 <= n; k += 16) {
    const __m512 v = _mm512_loadu_ps(x + k);
    // subnormal (or zero) inputs: exponent field 0; zeros convert exactly either way
    const __mmask16 sub =
        _mm512_test_epi32_mask(_mm512_castps_si512(v), _mm512_castps_si512(v)) &
        _mm512_cmpeq_epi32_mask(_mm512_and_si512(_mm512_castps_si512(v), exp_mask),
                                _mm512_setzero_si512());
    if (sub) {
      f32_to_bf16_loop(x + k, y + k, 16);
      continue;
    }
    const __m256bh r = _mm512_cvtneps_pbh(v);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + k), reinterpret_cast<const __m256i&>(r));
  }
  f32_to_bf16_avx2(x + k, y + k, n - k);
}
#endif

}  // namespace

void to_f32_n(const float16_t* x, float* y, int64_t n) {
  const uint16_t* h = reinterpret_cast<const uint16_t*>(x);
#if TFL_CPU_X86
  if (cpu::has_avx2_f16c()) return f16_to_f32_f16c(h, y, n);
#endif
  f16_to_f32_loop(h, y, n);
}

void from_f32_n(const float* x, float16_t* y, int64_t n) {
  uint16_t* h = reinterpret_cast<uint16_t*>(y);
#if TFL_CPU_X86
  if (cpu::has_avx2_f16c()) return f32_to_f16_f16c(x, h, n);
#endif
  f32_to_f16_loop(x, h, n);
}

void to_f32_n(const bfloat16_t* x, float* y, int64_t n) {
  const uint16_t* h = reinterpret_cast<const uint16_t*>(x);
#if TFL_CPU_X86
  if (cpu::has_avx2_fma()) return bf16_to_f32_avx2(h, y, n);
#endif
  bf16_to_f32_loop(h, y, n);
}

void from_f32_n(const float* x, bfloat16_t* y, int64_t n) {
  uint16_t* h = reinterpret_cast<uint16_t*>(y);
#if TFL_CPU_X86
  if (cpu::has_avx512_bf16()) return f32_to_bf16_avx512(x, h, n);
  if (cpu::has_avx2_fma()) return f32_to_bf16_avx2(x, h, n);
#endif
  f32_to_bf16_loop(x, h, n);
}

}  // namespace tfl
