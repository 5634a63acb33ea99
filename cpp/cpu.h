// cpu.h: the one CPU-feature probe of the library, and the one way to choose a CPU path at run
// time. The library is compiled for baseline x86-64 (SSE2); a hot loop that gains from a newer
// instruction set gets a second build of the same code with a target attribute, and a plain
// function that asks the probe which one to run:
//
//   TFL_TARGET_AVX2_FMA void exp_run_avx2(const float* x, float* y, int64_t n) { loop }
//   void exp_run(const float* x, float* y, int64_t n) {
//     if (cpu::has_avx2_fma()) return exp_run_avx2(x, y, n);
//     loop
//   }
//
// (`loop` an always_inline function both call, so that it is compiled once for each target.) No
// `target_clones` (the loader's choice, which no code can steer) and no probe of one's own.
//
// The environment variable TFLITE_CORE_MAX_ISA caps every such path; it is read once, when the
// probe first runs:
//   baseline  x86-64 only: no SSE4.2 (crc32c's portable tables), no AVX2, no AVX-512
//   avx2      up to x86-64-v3: SSE4.2, AVX2 and FMA, no AVX-512
//   avx512    everything the CPU has (the same as unset or empty)
// Any other value makes the probe throw KernelError ("[cpu] TFLITE_CORE_MAX_ISA must be ...") on
// every use. The cap does not reach oneDNN or OpenBLAS, which have their own switches
// (ONEDNN_MAX_CPU_ISA, OPENBLAS_CORETYPE). On other architectures every has_*() is false and the
// TFL_TARGET_* attributes are empty.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define TFL_CPU_X86 1
#define TFL_TARGET_SSE42 __attribute__((target("sse4.2")))
#define TFL_TARGET_AVX2_FMA __attribute__((target("avx2,fma")))
#define TFL_TARGET_AVX512F __attribute__((target("avx512f,avx2,fma")))
#define TFL_TARGET_AVX2_F16C __attribute__((target("avx2,fma,f16c")))
#define TFL_TARGET_AVX512_BF16 __attribute__((target("avx512f,avx512bf16,avx2,fma")))
// AVX-512BW's byte and word instructions on 32-byte vectors (VL): at L2-resident sizes the
// 64-byte form straddles cache lines on every unaligned access and runs no faster
#define TFL_TARGET_AVX512BW_YMM \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,prefer-vector-width=256")))
#define TFL_TARGET_AVX512_VNNI \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma")))
#else
#define TFL_CPU_X86 0
#define TFL_TARGET_SSE42
#define TFL_TARGET_AVX2_FMA
#define TFL_TARGET_AVX512F
#define TFL_TARGET_AVX2_F16C
#define TFL_TARGET_AVX512_BF16
#define TFL_TARGET_AVX512BW_YMM
#define TFL_TARGET_AVX512_VNNI
#endif

namespace tfl {
namespace cpu {

// Instruction-set levels, in order; TFLITE_CORE_MAX_ISA names one.
enum class Isa : int { kBaseline = 0, kAvx2 = 1, kAvx512 = 2 };

// What the CPU (and, for AMX, the OS) supports.
struct Features {
  bool sse42 = false;
  bool avx2_fma = false;     // AVX2 and FMA together
  bool avx512f = false;
  bool avx512_bf16 = false;  // AVX512-BF16 (with AVX512F)
  bool avx512bw = false;     // AVX512BW and VL (with AVX512F, AVX2, FMA): 8- and 16-bit lanes
  bool avx512_vnni = false;  // AVX512-VNNI (with AVX512BW): int8/int16 dot products
  bool amx_bf16 = false;     // AMX-TILE and AMX-BF16, and Linux granted the tile state
  bool f16c = false;         // F16C (float16 <-> float32), with AVX2 and FMA: an avx2-level path
};

// The CPU's features as detected, ignoring the cap.
const Features& detected();
// The cap: TFLITE_CORE_MAX_ISA, or kAvx512 when unset.
Isa max_isa();
// The features the library may use: detected() limited by max_isa(). Cached after the first call
// (thread-safe).
const Features& features();

// Parses a TFLITE_CORE_MAX_ISA value (nullptr or "" is no cap: kAvx512); throws KernelError for
// an unknown one.
Isa parse_max_isa(const char* value);
const char* isa_name(Isa isa);

inline bool has_sse42() { return features().sse42; }
inline bool has_avx2_fma() { return features().avx2_fma; }
inline bool has_avx512f() { return features().avx512f; }
inline bool has_avx512_bf16() { return features().avx512_bf16; }
inline bool has_avx512bw() { return features().avx512bw; }
inline bool has_avx512_vnni() { return features().avx512_vnni; }
inline bool has_amx_bf16() { return features().amx_bf16; }
inline bool has_avx2_f16c() { return features().f16c; }

}  // namespace cpu
}  // namespace tfl
