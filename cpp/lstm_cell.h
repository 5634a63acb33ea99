// lstm_cell.h: the LSTM cell's elementwise math, shared by lstm.cc (the step and the sequence) and
// lstm_recurrence.cc (the sequence's packed-weight time loop), and that loop's entry points.
#pragma once

#include <cmath>
#include <cstdint>

#include "fast_math.h"

namespace tfl {

// float32 uses the vectorisable exp_f32 (fast_math.h; libm's expf/tanhf made the step 10x
// slower); float64 uses libm. Always inlined, so that AVX2+FMA builds of the loops get them too.
__attribute__((always_inline)) inline float sigmoid(float x) { return 1.0f / (1.0f + exp_f32(-x)); }
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
// tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)): no cancellation near 0 matters at float32's atol.
__attribute__((always_inline)) inline float tanh_act(float x) {
  const float a = 1.0f - 2.0f / (exp_f32(2.0f * std::fabs(x)) + 1.0f);
  return std::copysign(a, x);
}
inline double tanh_act(double x) { return std::tanh(x); }

// The cell on n units of one row. The gates' pre-activations (plus bias when given) are at
// ar[g * stride + u] for g = i, j, f, o (bias likewise at bias[g * stride + u]); they become the
// activated gates, then new_c, tanh(new_c) and new_h are written to ncr, tcr, nhr [n]. A whole
// row has n == stride == units; lstm_recurrence.cc passes one thread's slice of the units.
// Contiguous passes over restrict pointers, so that each loop vectorises.
template <typename T>
__attribute__((always_inline)) inline void cell_row(const T* __restrict bias, T forget_bias,
                                                    const T* __restrict cr, T* ar,
                                                    T* __restrict ncr, T* __restrict tcr,
                                                    T* __restrict nhr, int64_t n, int64_t stride) {
  T* __restrict ai = ar;
  T* __restrict aj = ar + stride;
  T* __restrict af = ar + 2 * stride;
  T* __restrict ao = ar + 3 * stride;
  if (bias != nullptr)
    for (int g = 0; g < 4; ++g) {
      T* __restrict a = ar + g * stride;
      const T* __restrict bg = bias + g * stride;
      for (int64_t u = 0; u < n; ++u) a[u] += bg[u];
    }
  for (int64_t u = 0; u < n; ++u) ai[u] = sigmoid(ai[u]);
  for (int64_t u = 0; u < n; ++u) aj[u] = tanh_act(aj[u]);
  for (int64_t u = 0; u < n; ++u) af[u] = sigmoid(af[u] + forget_bias);
  for (int64_t u = 0; u < n; ++u) ao[u] = sigmoid(ao[u]);
  for (int64_t u = 0; u < n; ++u) ncr[u] = cr[u] * af[u] + ai[u] * aj[u];
  for (int64_t u = 0; u < n; ++u) tcr[u] = tanh_act(ncr[u]);
  for (int64_t u = 0; u < n; ++u) nhr[u] = tcr[u] * ao[u];
}

// Units per block of the packed panels below (one 16-float column panel per gate and block).
constexpr int64_t kLstmBlock = 16;

// Whether the packed float32 time loops (lstm_recurrence_packed and the backward's
// lstm_grad_blocks) run here: an x86 CPU with AVX2 and FMA (cpu::has_avx2_fma(), which
// TFLITE_CORE_MAX_ISA=baseline turns off) and H > 0 a multiple of kLstmBlock.
bool lstm_packed_applies(int64_t h);

// lstm_seq's recurrent weights w_h = w[D:] [H,4H] as panels: for each block of 16 units (the last
// one narrower when H is not a multiple of 16) and each gate g, the block's columns of that gate,
// row by row: panel (block, g) is w_h[:, g*H + 16*block : ... + width], [H, width] row-major.
// Writes all 4H*H values of `packed`; threads share the work.
template <typename T>
void pack_recurrent_weights(const T* wh, int64_t h, T* packed);

// The backward's recurrent product dh_prev [B,H] = d_gates [B,4H] @ w_h^T on the same CPUs, when
// H is a multiple of 16: w_h^T as panels, one per block of 16 units: panel blk is [4H, 16]
// row-major, panel[k][j] = w_h[16 * blk + j][k]. Writes all 4H*H values of `packed`.
void pack_recurrent_weights_t(const float* wh, int64_t h, float* packed);
// dh[:, 16*blk0 : 16*blk1] = dg @ w_h^T for those unit blocks (rows b; dh rows h apart), from the
// transposed panels; one thread's share of a step, called inside the caller's parallel region
// (only where lstm_packed_applies(H)).
void lstm_grad_blocks(const float* packed_t, const float* dg, float* dh, int64_t b, int64_t h,
                      int64_t blk0, int64_t blk1);

// The time loop of lstm_seq for float32 on CPUs with AVX2 and FMA (cpu::has_avx2_fma()), when H
// is a multiple of 16: act [T,B,4H] holds every step's x_t @ w[:D] on entry; each step adds
// h_{t-1} @ w_h from the packed panels and runs the cell, writing c, hs, act, tc as lstm_seq
// describes. Each thread owns a range of unit blocks (its panels of all four gates), multiplies
// them and runs the cell for its units, so a step needs one barrier. Returns false, touching
// nothing, where it does not apply (then the caller runs its own loop).
bool lstm_recurrence_packed(const float* packed, const float* c0, const float* h0,
                            const float* bias, float forget_bias, float* c, float* hs, float* act,
                            float* tc, int64_t steps, int64_t b, int64_t h);

}  // namespace tfl
