// fpmath.h: the maths mode of float32 matmul and convolution, process-wide (TF's TF32 switch, for
// bfloat16): "strict" (the default) computes in float32; "bf16" rounds the two multiplied operands
// to bfloat16 (round to nearest even) and accumulates their products in float32, on a CPU with
// AVX512-BF16 or AMX-BF16 (oneDNN's bf16 primitives), so products of float32 inputs and outputs run
// at bf16 speed. Where it applies in bf16 mode:
//   - blas::sgemm (MatMul, BatchMatMul's float32 calls, the LSTM's projections, im2col
//     convolutions), for products of at least kBf16MinMacs multiply-adds; smaller ones stay float32
//     (converting costs more than it saves);
//   - oneDNN's convolutions (Conv2D, its input and filter gradients, the fused conv steps), not
//     depthwise ones (memory-bound: bf16 maths gains nothing there).
// Everything else (elementwise ops, reductions, float64, the hand-written LSTM recurrence) is
// unchanged.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace tfl {

enum class FpMath : int { kStrict = 0, kBf16 = 1 };

// Products below this many multiply-adds (m * n * k) stay float32 in bf16 mode.
constexpr int64_t kBf16MinMacs = int64_t(1) << 15;

extern std::atomic<int> g_fpmath;
inline bool fpmath_bf16() { return g_fpmath.load(std::memory_order_relaxed) == int(FpMath::kBf16); }

// "" where this process may use bf16 maths; else the reason it may not (no AVX512-BF16 or AMX-BF16
// on this CPU, the TFLITE_CORE_MAX_ISA cap, oneDNN's ONEDNN_MAX_CPU_ISA, a build without oneDNN).
std::string fpmath_bf16_unavailable();

// Sets the mode: "strict" or "bf16". Throws KernelError "[set_fpmath_mode] ..." for another name or
// for "bf16" where fpmath_bf16_unavailable() gives a reason (the mode is then unchanged).
void set_fpmath_mode(const std::string& mode);
const char* fpmath_mode();

}  // namespace tfl
