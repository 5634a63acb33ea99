// quantized.cc: TFLite's int8 kernels, with TFLite's integer arithmetic (the real multipliers
// scale_in * scale_filter / scale_out turned into a 32-bit fixed-point multiplier and a shift by
// QuantizeMultiplier, products rounded by SaturatingRoundingDoublingHighMul and
// RoundingDivideByPOT; CONV_2D and FULLY_CONNECTED, which TFLite runs through ruy's GEMM, round
// the final shift half up as ruy does), so that a quantized .tflite model gives the values of
// TFLite's builtin kernels (checked against LiteRT tensor by tensor on EfficientNet-Lite0). Zero
// points and activation bounds are ints, real multipliers and scales floats:
//   quantize          x float32 -> int8; ints [zp, qmin, qmax], floats [scale]: x * (1 / scale)
//                     in float32, rounded half to even, + zp, clamped (TFLite's optimized
//                     AffineQuantize: on inputs such as k / 127.5 ties are common)
//   dequantize        q int8 -> float32; ints [zp], floats [scale]: scale * (q - zp)
//   qconv2d           x int8 NHWC, filter int8 (OHWI; depthwise [1, KH, KW, OC]), bias int32
//                     [OC] -> y int8; ints [strides h,w, dilations h,w, pads t,b,l,r, depthwise,
//                     x_zp, y_zp, act_min, act_max, (filter id: a constant filter, optional)],
//                     floats [one real multiplier per OC, or one]; the sums come from oneDNN's
//                     int8 convolution (exact) where the conv backend is oneDNN
//   qfully_connected  x int8 [rows, in], w int8 [out, in], bias int32 [out] -> y int8 [rows,
//                     out]; ints [x_zp, w_zp, y_zp, act_min, act_max, (filter id, optional)],
//                     floats [multipliers]; oneDNN's sums (a 1x1 convolution) where w_zp is 0
//   qadd              a, b int8 of one shape -> y; ints [a_zp, b_zp, y_zp, act_min, act_max],
//                     floats [a_scale, b_scale, y_scale]: TFLite's add (inputs shifted left 20)
//   qmean             x int8 -> y int8; ints [x_zp, y_zp, 0/1 per input dimension], floats
//                     [x_scale, y_scale]: LiteRT's QuantizedMeanOrSum (the count folded into
//                     the rescaling multiplier)
//   qsoftmax          x int8 [..., n] -> y int8 over the last axis; ints [y_zp], floats
//                     [x_scale * beta, y_scale]: exp(s (x - max)) in float32, as TFLite's table
//   qmax_pool         x int8 NHWC -> y; ints [window h,w, strides h,w, pads t,b,l,r, act_min,
//                     act_max]
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <unordered_map>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "conv.h"
#include "cpu.h"
#include "kernels.h"
#include "quantized_depthwise.h"

namespace tfl {

namespace {

struct QMult {
  int32_t m = 0;
  int shift = 0;
};

// TFLite's QuantizeMultiplier: m = q * 2^shift with q in [0.5, 1) as a Q31 integer.
QMult quantize_multiplier(double real) {
  QMult r;
  if (real == 0.0 || !std::isfinite(real)) return r;
  int shift = 0;
  const double q = std::frexp(real, &shift);
  int64_t q_fixed = int64_t(std::llround(q * double(1ll << 31)));
  if (q_fixed == (1ll << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) return r;
  if (shift > 30) {
    shift = 30;
    q_fixed = (1ll << 31) - 1;
  }
  r.m = int32_t(q_fixed);
  r.shift = shift;
  return r;
}

inline int32_t rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min())
    return std::numeric_limits<int32_t>::max();
  const int64_t ab = int64_t(a) * int64_t(b);
  const int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
  return int32_t((ab + nudge) / (1ll << 31));
}

inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = int32_t((1ll << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x shifted left by max(shift, 0), clamped to int32, then the doubling high multiply by q.m; the
// right shift still to apply is max(-shift, 0).
inline int32_t high_mul(int32_t x, QMult q) {
  const int left = q.shift > 0 ? q.shift : 0;
  const int64_t shifted = int64_t(x) * (int64_t(1) << left);
  const int32_t xs = int32_t(std::clamp<int64_t>(shifted, std::numeric_limits<int32_t>::min(),
                                                 std::numeric_limits<int32_t>::max()));
  return rounding_doubling_high_mul(xs, q.m);
}

// TFLite's MultiplyByQuantizedMultiplier (the double-rounding form).
inline int32_t multiply(int32_t x, QMult q) {
  return rounding_divide_by_pot(high_mul(x, q), q.shift > 0 ? 0 : -q.shift);
}

// The same product as ruy's GEMM output stage rounds it (TFLite's CONV_2D and FULLY_CONNECTED):
// the right shift rounds half up (not away from zero).
inline int32_t multiply_ruy(int32_t x, QMult q) {
  const int right = q.shift > 0 ? 0 : -q.shift;
  const int64_t high = high_mul(x, q);
  return right > 0 ? int32_t((high + (int64_t(1) << (right - 1))) >> right) : int32_t(high);
}

// TFLite's int32 accumulator: the sum wrapped to 32 bits (as its int32 arithmetic wraps), computed
// in int64 so that no signed overflow is undefined here.
inline int32_t wrap32(int64_t v) { return int32_t(uint32_t(uint64_t(v))); }

// multiply16's rounding constant for a right shift k: c = 2^30 + 2^(30+k) (2^30 for k = 0).
inline int64_t rounding_constant(int64_t k) {
  return (int64_t(1) << 30) + (k > 0 ? int64_t(1) << (30 + k) : 0);
}

inline int8_t clamp8(int64_t v, int64_t lo, int64_t hi) {
  return int8_t(std::min(std::max(v, lo), hi));
}

// A product's int32 sum requantized to int8: TFLite's product (ruy's for CONV_2D and
// FULLY_CONNECTED, the double rounding for DEPTHWISE_CONV_2D), + the output zero point, clamped.
inline int8_t requantize(int32_t sum, QMult q, bool ruy, int32_t yzp, int32_t lo, int32_t hi) {
  const int32_t v = ruy ? multiply_ruy(sum, q) : multiply(sum, q);
  return clamp8(int64_t(v) + yzp, lo, hi);
}

void check_bounds(const char* op, int64_t lo, int64_t hi) {
  if (lo < -128 || hi > 127 || lo > hi)
    fail(op, "activation bounds [", lo, ", ", hi, "] must lie in [-128, 127], in order");
}

void check_zp(const char* op, int64_t zp) {
  if (zp < -128 || zp > 127) fail(op, "zero point ", zp, " is outside int8");
}

// The operands of an int8 product (x, weights, bias -> y): counts, dtypes, attribute count.
void check_weighted(const char* op, const TensorView* in, int nin, const TensorView* out, int nout,
                    const Attrs& a, size_t n_ints, const char* weights) {
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  if (a.ints.size() != n_ints)
    fail(op, "expects ", n_ints, " integer attributes, got ", a.ints.size());
  check_dtype(op, in[0], DType::kInt8, "input");
  check_dtype(op, in[1], DType::kInt8, weights);
  check_dtype(op, in[2], DType::kInt32, "bias");
  check_dtype(op, out[0], DType::kInt8, "output");
}

std::vector<QMult> multipliers(const char* op, const Attrs& a, int64_t channels) {
  if (a.floats.size() != 1 && int64_t(a.floats.size()) != channels)
    fail(op, "expects 1 or ", channels, " multipliers, got ", a.floats.size());
  std::vector<QMult> q(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const double m = a.floats[a.floats.size() == 1 ? 0 : size_t(c)];
    if (!(m >= 0) || !std::isfinite(m)) fail(op, "multiplier ", m, " must be finite and >= 0");
    q[size_t(c)] = quantize_multiplier(m);
  }
  return q;
}

#if TFL_CPU_X86
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // (see requant_rows_avx512)
// 8 int32 lanes already in int8's range, stored as 8 bytes (the AVX2 loops' last step).
TFL_TARGET_AVX2_FMA inline void store8_avx2(int8_t* y, __m256i v) {
  const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64((__m128i*)y, _mm_packs_epi16(w, w));
}

// QUANTIZE's loop on 16 floats at a time, from b while 16 remain: the index it stopped at. The
// same steps (round half to even, + zp, max with lo, min with hi: a NaN becomes lo, as
// _mm512_max_ps returns its second operand for a NaN), so the same bytes.
TFL_TARGET_AVX512F int64_t quantize_avx512(const float* x, int8_t* y, int64_t b, int64_t e,
                                           float inv, int64_t zp, int64_t lo, int64_t hi) {
  const __m512 vinv = _mm512_set1_ps(inv), vzp = _mm512_set1_ps(float(zp));
  const __m512 vlo = _mm512_set1_ps(float(lo)), vhi = _mm512_set1_ps(float(hi));
  for (; b + 16 <= e; b += 16) {
    __m512 r = _mm512_roundscale_ps(_mm512_mul_ps(_mm512_loadu_ps(x + b), vinv),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    r = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(r, vzp), vlo), vhi);
    _mm_storeu_si128((__m128i*)(y + b), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(r)));
  }
  return b;
}
// The same loop on AVX2, 8 floats at a time (_mm256_max_ps also returns its second operand for a
// NaN).
TFL_TARGET_AVX2_FMA int64_t quantize_avx2(const float* x, int8_t* y, int64_t b, int64_t e,
                                          float inv, int64_t zp, int64_t lo, int64_t hi) {
  const __m256 vinv = _mm256_set1_ps(inv), vzp = _mm256_set1_ps(float(zp));
  const __m256 vlo = _mm256_set1_ps(float(lo)), vhi = _mm256_set1_ps(float(hi));
  for (; b + 8 <= e; b += 8) {
    __m256 r = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + b), vinv),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    r = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(r, vzp), vlo), vhi);
    store8_avx2(y + b, _mm256_cvttps_epi32(r));
  }
  return b;
}
#pragma GCC diagnostic pop
#endif

void k_quantize(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "Quantize";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  check_dtype(op, in[0], DType::kFloat32, "input");
  check_dtype(op, out[0], DType::kInt8, "output");
  if (!same_shape(in[0], out[0])) fail(op, "output shape ", out[0].shape_str(), " differs");
  const int64_t zp = a.i(0, op), lo = a.i(1, op), hi = a.i(2, op);
  check_zp(op, zp);
  check_bounds(op, lo, hi);
  const float scale = float(a.f(0, op));
  if (!(scale > 0) || !std::isfinite(scale)) fail(op, "scale must be finite and > 0");
  const float inv = 1.0f / scale;
  const float* x = in[0].ptr<float>();
  int8_t* y = out[0].ptr<int8_t>();
  parallel_for(in[0].size(), kCheapGrain, [&](int64_t b, int64_t e) {
#if TFL_CPU_X86
    if (cpu::has_avx512f()) b = quantize_avx512(x, y, b, e, inv, zp, lo, hi);
    else if (cpu::has_avx2_fma()) b = quantize_avx2(x, y, b, e, inv, zp, lo, hi);
#endif
    for (int64_t k = b; k < e; ++k) {
      const float r = std::nearbyint(x[k] * inv);
      const float v = std::min(std::max(r + float(zp), float(lo)), float(hi));  // (NaN: lo)
      y[k] = v == v ? int8_t(v) : int8_t(lo);
    }
  });
}

void k_dequantize(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "Dequantize";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  check_dtype(op, in[0], DType::kInt8, "input");
  check_dtype(op, out[0], DType::kFloat32, "output");
  if (!same_shape(in[0], out[0])) fail(op, "output shape ", out[0].shape_str(), " differs");
  const int32_t zp = int32_t(a.i(0, op));
  check_zp(op, zp);
  const float scale = float(a.f(0, op));
  const int8_t* x = in[0].ptr<int8_t>();
  float* y = out[0].ptr<float>();
  parallel_for(in[0].size(), kCheapGrain, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) y[k] = scale * float(int32_t(x[k]) - zp);
  });
}

// The requantization of a convolution's exact sums, per output channel: y = clamp(m(acc + bias)
// + yzp) with the product m of TFLite's conv kernels (ruy's half-up shift for CONV_2D, the double
// rounding of DEPTHWISE_CONV_2D); a scalar loop, and on AVX-512 8 channels per instruction
// (64-bit lanes, per-lane shifts). Every step is exact, so both give the same bytes.
// A layer's multipliers in the forms the loops read (made once per layer: see layer_mults).
struct Mults {
  std::vector<double> real;  // (what they were made from)
  std::vector<QMult> q;
  std::vector<int32_t> m;  // (m, left, right: q's parts, as the AVX-512 loops read them)
  std::vector<int64_t> left, right;
  // (for 16 channels at a time: per block of 16, the even channels' then the odd channels'
  // rounding constant c and shift 31 + right, as multiply16 reads them)
  std::vector<int64_t> c16, shift16;
  std::vector<int64_t> c8, shift8;  // (the same per block of 8, for the AVX2 loop)
  bool by16 = true;  // no channel shifts left (multipliers <= 1) or right by more than 31
};
struct Requant {
  const Mults* k = nullptr;
  const int32_t* bias = nullptr;
  bool ruy = true;
  int32_t yzp = 0, lo = -128, hi = 127;
};

// Channels [o0, oc) of one pixel.
void requant_pixel(const Requant& r, const int32_t* acc, int8_t* y, int64_t o0, int64_t oc) {
  for (int64_t o = o0; o < oc; ++o) {
    const int32_t sum = wrap32(int64_t(acc[o]) + r.bias[o]);
    y[o] = requantize(sum, r.k->q[size_t(o)], r.ruy, r.yzp, r.lo, r.hi);
  }
}

#if TFL_CPU_X86
// (GCC 12 reports the _mm512_undefined_* operands inside its own intrinsics as maybe
// uninitialized: a false positive, silenced for this function only)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// TFLite's product of 8 int32 values (in 64-bit lanes) by fixed-point multipliers m (Q31, >= 0)
// with shifts left (>= 0) and right (>= 0): ruy's half-up final shift, or TFLite's double
// rounding. Two identities make it short: SaturatingRoundingDoublingHighMul(x, m) for m >= 0 is
// floor((x m + 2^30) / 2^31) for either sign of x m (its nudge 1 - 2^30 and truncation toward
// zero for a negative product come to the same), and RoundingDivideByPOT(h, k) is
// floor((h + 2^(k-1) - [h < 0]) / 2^k) for k >= 1 (half away from zero), h for k = 0.
TFL_TARGET_AVX512F inline __m512i multiply8(__m512i x, __m512i m, __m512i left, __m512i right,
                                            bool ruy) {
  const __m512i i32min = _mm512_set1_epi64(INT32_MIN), i32max = _mm512_set1_epi64(INT32_MAX);
  x = _mm512_min_epi64(_mm512_max_epi64(_mm512_sllv_epi64(x, left), i32min), i32max);
  const __m512i ab = _mm512_mul_epi32(x, m);
  const __m512i h =
      _mm512_srai_epi64(_mm512_add_epi64(ab, _mm512_set1_epi64(int64_t(1) << 30)), 31);
  const __m512i half = _mm512_srai_epi64(_mm512_sllv_epi64(_mm512_set1_epi64(1), right), 1);
  if (ruy) return _mm512_srav_epi64(_mm512_add_epi64(h, half), right);
  // (for a negative h and k >= 1: half - 1; half is 0 for k = 0)
  const __mmask8 neg = _mm512_cmplt_epi64_mask(h, _mm512_setzero_si512()) &
                       _mm512_cmpgt_epi64_mask(right, _mm512_setzero_si512());
  const __m512i nudge = _mm512_mask_sub_epi64(half, neg, half, _mm512_set1_epi64(1));
  return _mm512_srav_epi64(_mm512_add_epi64(h, nudge), right);
}

// y = clamp(v + zp, lo, hi) of 8 lanes, stored as 8 bytes.
TFL_TARGET_AVX512F inline void store8(int8_t* y, __m512i v, __m512i zp, __m512i lo, __m512i hi) {
  v = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(v, zp), lo), hi);
  _mm_storel_epi64((__m128i*)y, _mm512_cvtepi64_epi8(v));
}

// TFLite's product (as multiply8, without its left shift) of 16 int32 values by multipliers m
// (16 int32 lanes) as one rounding shift of the 64-bit product p = x m. With h = floor((p +
// 2^30) / 2^31) and k = right, ruy's floor((h + 2^(k-1)) / 2^k) is floor((p + c) / 2^(31+k))
// for c = 2^30 + 2^(30+k) (nested floor divisions), and TFLite's double rounding, which takes
// 1 off that nudge for a negative h (p < -2^30) when k >= 1, is floor((p + c - 2^31) /
// 2^(31+k)) there. c and 31 + k come per block of 16 channels, even channels first (c16,
// shift16); the even channels are the low halves of the 64-bit lanes, the odd ones shifted down.
TFL_TARGET_AVX512F inline __m512i multiply16(__m512i x, __m512i m, const int64_t* c,
                                             const int64_t* shift, bool ruy) {
  const __m512i below = _mm512_set1_epi64(-(int64_t(1) << 30)), k0 = _mm512_set1_epi64(31);
  __m512i out[2];
  for (int odd = 0; odd < 2; ++odd) {
    const __m512i xs = odd ? _mm512_srli_epi64(x, 32) : x;
    const __m512i ms = odd ? _mm512_srli_epi64(m, 32) : m;
    const __m512i p = _mm512_mul_epi32(xs, ms);
    const __m512i k = _mm512_loadu_si512((const void*)(shift + 8 * odd));
    __m512i v = _mm512_add_epi64(p, _mm512_loadu_si512((const void*)(c + 8 * odd)));
    if (!ruy) {
      const __mmask8 neg = _mm512_cmplt_epi64_mask(p, below) & _mm512_cmpgt_epi64_mask(k, k0);
      v = _mm512_mask_sub_epi64(v, neg, v, _mm512_set1_epi64(int64_t(1) << 31));
    }
    out[odd] = _mm512_srav_epi64(v, k);
  }
  // (|h| < 2^31, so each result fits its 32-bit half)
  return _mm512_mask_blend_epi32(0xaaaa, out[0], _mm512_slli_epi64(out[1], 32));
}

// The requantization on 16 channels at a time where the shifts allow (Requant::by16), else on 8
// (the tail as above).
TFL_TARGET_AVX512F void requant_rows_avx512(const Requant& r, const int32_t* acc, int8_t* y,
                                            int64_t b, int64_t e, int64_t oc) {
  const Mults& k = *r.k;
  const int64_t oc8 = oc & ~int64_t(7), oc16 = k.by16 ? oc & ~int64_t(15) : 0;
  const __m512i zp = _mm512_set1_epi64(r.yzp), lo = _mm512_set1_epi64(r.lo);
  const __m512i hi = _mm512_set1_epi64(r.hi);
  const __m512i zp32 = _mm512_set1_epi32(r.yzp), lo32 = _mm512_set1_epi32(r.lo);
  const __m512i hi32 = _mm512_set1_epi32(r.hi);
  for (int64_t p = b; p < e; ++p) {
    const int32_t* pa = acc + p * oc;
    int8_t* py = y + p * oc;
    int64_t o = 0;
    for (; o < oc16; o += 16) {
      const __m512i sum = _mm512_add_epi32(_mm512_loadu_si512((const void*)(pa + o)),
                                           _mm512_loadu_si512((const void*)(&r.bias[o])));
      __m512i v = multiply16(sum, _mm512_loadu_si512((const void*)(&k.m[size_t(o)])),
                             &k.c16[size_t(o)], &k.shift16[size_t(o)], r.ruy);
      v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, zp32), lo32), hi32);
      _mm_storeu_si128((__m128i*)(py + o), _mm512_cvtepi32_epi8(v));
    }
    for (; o < oc8; o += 8) {
      const __m256i sum = _mm256_add_epi32(_mm256_loadu_si256((const __m256i*)(pa + o)),
                                           _mm256_loadu_si256((const __m256i*)(&r.bias[o])));
      const __m512i m =
          _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i*)(&k.m[size_t(o)])));
      const __m512i v = multiply8(_mm512_cvtepi32_epi64(sum), m,
                                  _mm512_loadu_si512((const void*)(&k.left[size_t(o)])),
                                  _mm512_loadu_si512((const void*)(&k.right[size_t(o)])), r.ruy);
      store8(py + o, v, zp, lo, hi);
    }
    requant_pixel(r, pa, py, oc8, oc);
  }
}

// ADD's loop on 8 elements at a time, from k while 8 remain (the tables ta and tb as in k_qadd):
// the index it stopped at.
TFL_TARGET_AVX512F int64_t qadd_avx512(const int8_t* a, const int8_t* b, int8_t* y, int64_t k,
                                       int64_t e, const int32_t* ta, const int32_t* tb, QMult q,
                                       int64_t zy, int64_t lo, int64_t hi) {
  const __m256i bias = _mm256_set1_epi32(128);
  const __m512i m = _mm512_set1_epi64(q.m);
  const __m512i left = _mm512_set1_epi64(q.shift > 0 ? q.shift : 0);
  const __m512i right = _mm512_set1_epi64(q.shift > 0 ? 0 : -q.shift);
  const __m512i vzp = _mm512_set1_epi64(zy), vlo = _mm512_set1_epi64(lo);
  const __m512i vhi = _mm512_set1_epi64(hi);
  for (; k + 8 <= e; k += 8) {
    const __m256i ia =
        _mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(a + k))), bias);
    const __m256i ib =
        _mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(b + k))), bias);
    const __m256i sum =
        _mm256_add_epi32(_mm256_i32gather_epi32(ta, ia, 4), _mm256_i32gather_epi32(tb, ib, 4));
    store8(y + k, multiply8(_mm512_cvtepi32_epi64(sum), m, left, right, false), vzp, vlo, vhi);
  }
  return k;
}
#pragma GCC diagnostic pop
#endif

#if TFL_CPU_X86
// multiply16 on AVX2, 8 channels at a time (4 per vector of 64-bit lanes: even channels, then
// odd ones). AVX2 shifts 64-bit lanes right logically only: v >> s (arithmetic) is (v + 2^63)
// >> s (logical) - 2^63 >> s, both floor divisions.
TFL_TARGET_AVX2_FMA inline __m256i multiply8_avx2(__m256i x, __m256i m, const int64_t* c,
                                                  const int64_t* shift, bool ruy) {
  const __m256i below = _mm256_set1_epi64x(-(int64_t(1) << 30)), k0 = _mm256_set1_epi64x(31);
  const __m256i top = _mm256_set1_epi64x(std::numeric_limits<int64_t>::min());
  __m256i out[2];
  for (int odd = 0; odd < 2; ++odd) {
    const __m256i xs = odd ? _mm256_srli_epi64(x, 32) : x;
    const __m256i ms = odd ? _mm256_srli_epi64(m, 32) : m;
    const __m256i p = _mm256_mul_epi32(xs, ms);
    const __m256i k = _mm256_loadu_si256((const __m256i*)(shift + 4 * odd));
    __m256i v = _mm256_add_epi64(p, _mm256_loadu_si256((const __m256i*)(c + 4 * odd)));
    if (!ruy) {
      const __m256i neg = _mm256_and_si256(_mm256_cmpgt_epi64(below, p), _mm256_cmpgt_epi64(k, k0));
      v = _mm256_sub_epi64(v, _mm256_and_si256(neg, _mm256_set1_epi64x(int64_t(1) << 31)));
    }
    out[odd] =
        _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(v, top), k), _mm256_srlv_epi64(top, k));
  }
  return _mm256_blend_epi32(out[0], _mm256_slli_epi64(out[1], 32), 0xaa);
}

TFL_TARGET_AVX2_FMA void requant_rows_avx2(const Requant& r, const int32_t* acc, int8_t* y,
                                           int64_t b, int64_t e, int64_t oc) {
  const Mults& k = *r.k;
  const int64_t oc8 = k.by16 ? oc & ~int64_t(7) : 0;
  const __m256i zp = _mm256_set1_epi32(r.yzp), lo = _mm256_set1_epi32(r.lo);
  const __m256i hi = _mm256_set1_epi32(r.hi);
  for (int64_t p = b; p < e; ++p) {
    const int32_t* pa = acc + p * oc;
    int8_t* py = y + p * oc;
    int64_t o = 0;
    for (; o < oc8; o += 8) {
      const __m256i sum = _mm256_add_epi32(_mm256_loadu_si256((const __m256i*)(pa + o)),
                                           _mm256_loadu_si256((const __m256i*)(&r.bias[o])));
      __m256i v = multiply8_avx2(sum, _mm256_loadu_si256((const __m256i*)(&k.m[size_t(o)])),
                                 &k.c8[size_t(o)], &k.shift8[size_t(o)], r.ruy);
      store8_avx2(py + o, _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, zp), lo), hi));
    }
    requant_pixel(r, pa, py, o, oc);
  }
}

// qadd_avx512's loop on AVX2 (a multiplier that shifts right by 0 to 31).
TFL_TARGET_AVX2_FMA int64_t qadd_avx2(const int8_t* a, const int8_t* b, int8_t* y, int64_t k,
                                      int64_t e, const int32_t* ta, const int32_t* tb, QMult q,
                                      int32_t zy, int32_t lo, int32_t hi) {
  const int64_t sh = -q.shift;
  int64_t c[8], shift[8];
  std::fill(c, c + 8, rounding_constant(sh));
  std::fill(shift, shift + 8, 31 + sh);
  const __m256i bias = _mm256_set1_epi32(128), m = _mm256_set1_epi32(q.m);
  const __m256i vzp = _mm256_set1_epi32(zy), vlo = _mm256_set1_epi32(lo);
  const __m256i vhi = _mm256_set1_epi32(hi);
  for (; k + 8 <= e; k += 8) {
    const __m256i ia =
        _mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(a + k))), bias);
    const __m256i ib =
        _mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(b + k))), bias);
    const __m256i sum =
        _mm256_add_epi32(_mm256_i32gather_epi32(ta, ia, 4), _mm256_i32gather_epi32(tb, ib, 4));
    __m256i v = multiply8_avx2(sum, m, c, shift, false);
    store8_avx2(y + k, _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, vzp), vlo), vhi));
  }
  return k;
}
#endif

void requant_rows(const Requant& r, const int32_t* acc, int8_t* y, int64_t b, int64_t e,
                  int64_t oc) {
#if TFL_CPU_X86
  if (cpu::has_avx512f()) return requant_rows_avx512(r, acc, y, b, e, oc);
  if (cpu::has_avx2_fma()) return requant_rows_avx2(r, acc, y, b, e, oc);
#endif
  for (int64_t p = b; p < e; ++p) requant_pixel(r, acc + p * oc, y + p * oc, 0, oc);
}

// Per whole block of `block` channels, even channels first then odd ones, each channel's
// rounding constant and shift 31 + k (k its right shift), as multiply16 (blocks of 16) and
// multiply8_avx2 (blocks of 8) read them.
void block_tables(const std::vector<QMult>& q, int64_t block, std::vector<int64_t>* c,
                  std::vector<int64_t>* shift) {
  const int64_t channels = int64_t(q.size()), half = block / 2;
  c->assign(size_t(channels), 0);
  shift->assign(size_t(channels), 0);
  for (int64_t o = 0; o + block <= channels; o += block) {
    for (int64_t i = 0; i < block; ++i) {
      const int64_t sh = -q[size_t(o + i)].shift, at = o + (i % 2) * half + i / 2;
      (*c)[size_t(at)] = rounding_constant(sh);
      (*shift)[size_t(at)] = 31 + sh;
    }
  }
}

// The multipliers of a layer (its real multipliers a.floats, checked and made into TFLite's
// fixed-point ones and the loops' forms), kept per thread from call to call of the layer: a
// layer's attributes live as long as its plan, and a cached entry is used only where the reals
// are the same.
const Mults& layer_mults(const char* op, const Attrs& a, int64_t channels) {
  thread_local std::unordered_map<const void*, std::unique_ptr<Mults>> cache;
  auto it = cache.find(a.floats.data());
  if (it != cache.end() && int64_t(it->second->q.size()) == channels &&
      it->second->real == a.floats)
    return *it->second;
  auto k = std::make_unique<Mults>();
  k->q = multipliers(op, a, channels);
  k->real = a.floats;
  for (const QMult& c : k->q) {
    k->m.push_back(c.m);
    k->left.push_back(c.shift > 0 ? c.shift : 0);
    k->right.push_back(c.shift > 0 ? 0 : -c.shift);
    k->by16 = k->by16 && c.shift <= 0 && c.shift >= -31;
  }
  if (k->by16) {
    block_tables(k->q, 8, &k->c8, &k->shift8);
    block_tables(k->q, 16, &k->c16, &k->shift16);
  }
  if (cache.size() >= 4096) cache.clear();  // (plans come and go: start over)
  auto& slot = cache[a.floats.data()];
  slot = std::move(k);
  return *slot;
}

// Adds the bias to the exact sums acc (oneDNN's) of `pixels` pixels, requantizes, clamps: y.
void requantize_pixels(const Requant& r, const int32_t* acc, int64_t pixels, int64_t oc,
                       int8_t* y) {
  parallel_for(pixels, std::max<int64_t>(1, 4096 / std::max<int64_t>(oc, 1)),
               [&](int64_t b, int64_t e) { requant_rows(r, acc, y, b, e, oc); });
}

// The int32 sums of a tile of output rows stay in cache until they are requantized (the whole
// layer's sums would go out to memory and back); 1 MiB measured best on EfficientNet-Lite0.
std::atomic<int64_t> g_tile_bytes{int64_t(1) << 20};
std::atomic<int64_t> g_fallbacks{0};  // layers oneDNN had no primitive for (their own loop ran)

// The convolution of output rows [r0, r1) of one image as a convolution of its own: the input
// rows they read, with padding only where the image's border is.
ConvGeom row_tile(const ConvGeom& g, int64_t r0, int64_t r1, int64_t* first_row) {
  ConvGeom t = g;
  t.n = 1;
  const int64_t start = r0 * g.sh - g.pt, end = (r1 - 1) * g.sh - g.pt + (g.kh - 1) * g.dh;
  t.pt = std::max<int64_t>(0, -start);
  t.pb = std::max<int64_t>(0, end - (g.h - 1));
  *first_row = std::max<int64_t>(0, start);
  t.h = std::min(end, g.h - 1) - *first_row + 1;
  t.oh = r1 - r0;
  return t;
}

// oneDNN's exact int32 sums, a tile of output rows at a time, each requantized while it is in
// cache; false where oneDNN has no primitive for the layer (nothing written then).
bool qconv2d_tiled(const ConvGeom& g, const int8_t* x, const int8_t* f, int32_t xzp,
                   int64_t filter_id, const Requant& r, int8_t* y) {
  const int64_t row = g.ow * g.oc;
  const int64_t rows = std::clamp<int64_t>(g_tile_bytes / std::max<int64_t>(1, 4 * row), 1, g.oh);
  thread_local std::unique_ptr<int32_t[]> acc;
  thread_local int64_t capacity = 0;
  if (rows * row > capacity) {
    check_allocation("QuantizedConv2D", rows * row, int64_t(sizeof(int32_t)));
    acc.reset(new int32_t[size_t(rows * row)]);
    capacity = rows * row;
  }
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t r0 = 0; r0 < g.oh; r0 += rows) {
      const int64_t r1 = std::min(g.oh, r0 + rows);
      int64_t first = 0;
      const ConvGeom t = row_tile(g, r0, r1, &first);
      const int8_t* xt = x + (n * g.h + first) * g.w * g.c;
      if (t.h < 1) {  // (rows that read padding only: their sums are 0)
        std::fill(acc.get(), acc.get() + (r1 - r0) * row, 0);
      } else if (!dnnl_qconv2d_s32(t, xt, f, acc.get(), xzp, filter_id)) {
        return false;
      }
      requantize_pixels(r, acc.get(), (r1 - r0) * g.ow, g.oc, y + (n * g.oh + r0) * row);
    }
  }
  return true;
}

// A depthwise filter in the direct kernel's form (quantized_depthwise.h); a constant filter's
// (filter_id > 0) is kept per thread, as layer_mults keeps multipliers.
const DepthwiseFilter& depthwise_filter(const ConvGeom& g, const int8_t* f, int32_t xzp,
                                        int64_t filter_id, DepthwiseFilter* scratch) {
  if (filter_id <= 0) {
    qdepthwise_filter(g, f, xzp, scratch);
    return *scratch;
  }
  struct Kept {
    DepthwiseFilter filter;
    int32_t xzp;
    int64_t size;
  };
  thread_local std::unordered_map<int64_t, Kept> cache;
  auto it = cache.find(filter_id);
  if (it != cache.end() && it->second.xzp == xzp && it->second.size == g.f_size())
    return it->second.filter;
  if (cache.size() >= 4096) cache.clear();  // (plans come and go: start over)
  Kept& k = cache[filter_id];
  qdepthwise_filter(g, f, xzp, &k.filter);
  k.xzp = xzp;
  k.size = g.f_size();
  return k.filter;
}

// A depthwise convolution with depth multiplier 1 from its direct sums (quantized_depthwise.h),
// an output row at a time, each row requantized while it is in cache. The zero point's part of
// the sums joins the bias (int32 sums wrap alike in either order).
void qdepthwise_direct(const ConvGeom& g, const int8_t* x, const int8_t* f, int32_t xzp,
                       int64_t filter_id, const Requant& r, int8_t* y) {
  DepthwiseFilter scratch;
  const DepthwiseFilter& filter = depthwise_filter(g, f, xzp, filter_id, &scratch);
  std::vector<int32_t> bias(filter.zp_sums);
  for (size_t c = 0; c < bias.size(); ++c) bias[c] = wrap32(int64_t(bias[c]) + r.bias[c]);
  Requant rb = r;
  rb.bias = bias.data();
  const std::vector<int8_t> zp_row(size_t(g.c), int8_t(xzp));
  const int64_t row = g.ow * g.c, rows = g.n * g.oh;
  // (a run of consecutive rows per thread: DepthwiseRowSums keeps its input rows along one; the
  // sums are exact, so the split changes no result)
  const int64_t runs = int64_t(get_num_threads());
  parallel_for(rows, std::max<int64_t>(1, (rows + runs - 1) / runs), [&](int64_t b, int64_t e) {
    std::vector<int32_t> acc(static_cast<size_t>(row));
    DepthwiseRowSums sums(g, x, filter, zp_row.data());
    for (int64_t i = b; i < e; ++i) {
      sums.row(i / g.oh, i % g.oh, acc.data());
      requant_rows(rb, acc.data(), y + i * row, 0, g.ow, g.c);
    }
  });
}

void k_qconv2d(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "QuantizedConv2D";
  check_weighted(op, in, nin, out, nout, a, a.ints.size() == 14 ? 14 : 13, "filter");
  const TensorView &x = in[0], &f = in[1], &bias = in[2], &y = out[0];
  if (x.ndim != 4 || f.ndim != 4 || y.ndim != 4) fail(op, "input, filter and output must be 4-D");
  const int64_t sh = a.ints[0], sw = a.ints[1], dh = a.ints[2], dw = a.ints[3];
  const int64_t pt = a.ints[4], pb = a.ints[5], pl = a.ints[6], pr = a.ints[7];
  const bool depthwise = a.ints[8] != 0;
  const int32_t xzp = int32_t(a.ints[9]), yzp = int32_t(a.ints[10]);
  const int32_t lo = int32_t(a.ints[11]), hi = int32_t(a.ints[12]);
  check_zp(op, xzp);
  check_zp(op, yzp);
  check_bounds(op, lo, hi);
  if (std::min({sh, sw, dh, dw}) < 1 || std::min({pt, pb, pl, pr}) < 0)
    fail(op, "strides and dilations must be >= 1, paddings >= 0");
  const int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
  const int64_t KH = f.shape[1], KW = f.shape[2];
  const int64_t OC = depthwise ? f.shape[3] : f.shape[0];
  if (depthwise ? (f.shape[0] != 1 || C == 0 || OC % C) : f.shape[3] != C)
    fail(op, "filter ", f.shape_str(), " does not fit input ", x.shape_str());
  if (bias.ndim != 1 || bias.shape[0] != OC) fail(op, "bias must be [", OC, "]");
  if (C > 65536) fail(op, "more than 65536 input channels: ", C);  // (int32 per-tap sums)
  auto out_len = [&](int64_t n, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1) {
    const int64_t span = n + p0 + p1 - (k - 1) * d;
    return span <= 0 ? int64_t(0) : (span - 1) / s + 1;
  };
  const int64_t OH = out_len(H, KH, sh, dh, pt, pb), OW = out_len(W, KW, sw, dw, pl, pr);
  if (y.shape[0] != N || y.shape[1] != OH || y.shape[2] != OW || y.shape[3] != OC)
    fail(op, "output shape ", y.shape_str(), " should be [", N, ",", OH, ",", OW, ",", OC, "]");
  const Mults& mults = layer_mults(op, a, OC);
  const std::vector<QMult>& q = mults.q;
  const int64_t M = depthwise ? OC / C : 1;
  const int8_t* xd = x.ptr<int8_t>();
  const int8_t* fd = f.ptr<int8_t>();
  const int32_t* bd = bias.ptr<int32_t>();
  int8_t* yd = y.ptr<int8_t>();
  if (conv_backend_now() == ConvBackend::kOneDNN && y.size() > 0 && x.size() > 0) {
    const ConvGeom g{N,  H,  W,  C,  KH, KW, OC, depthwise ? M : 0, OH, OW, sh,
                     sw, dh, dw, pt, pb, pl, pr};
    const Requant r{&mults, bd, !depthwise, yzp, lo, hi};
    const int64_t filter_id = a.ints.size() == 14 ? a.ints[13] : 0;
    if (qdepthwise_direct_takes(g)) return qdepthwise_direct(g, xd, fd, xzp, filter_id, r, yd);
    // the exact int32 sums from oneDNN's int8 convolution, requantized here
    if (qconv2d_tiled(g, xd, fd, xzp, filter_id, r, yd)) return;
    ++g_fallbacks;
  }
  parallel_for(N * OH, 1, [&](int64_t r0, int64_t r1) {
    std::vector<int64_t> acc(static_cast<size_t>(OC));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / OH, oh = r % OH;
      for (int64_t ow = 0; ow < OW; ++ow) {
        std::copy(bd, bd + OC, acc.begin());
        for (int64_t kh = 0; kh < KH; ++kh) {
          const int64_t ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) continue;
          for (int64_t kw = 0; kw < KW; ++kw) {
            const int64_t iw = ow * sw - pl + kw * dw;
            if (iw < 0 || iw >= W) continue;
            const int8_t* px = xd + ((n * H + ih) * W + iw) * C;
            if (depthwise) {
              const int8_t* pf = fd + (kh * KW + kw) * OC;
              for (int64_t c = 0; c < C; ++c)
                for (int64_t m = 0; m < M; ++m)
                  acc[size_t(c * M + m)] += (int32_t(px[c]) - xzp) * int32_t(pf[c * M + m]);
            } else {
              for (int64_t o = 0; o < OC; ++o) {
                const int8_t* pf = fd + ((o * KH + kh) * KW + kw) * C;
                int32_t s = 0;
                for (int64_t c = 0; c < C; ++c) s += (int32_t(px[c]) - xzp) * int32_t(pf[c]);
                acc[size_t(o)] += s;
              }
            }
          }
        }
        int8_t* py = yd + ((n * OH + oh) * OW + ow) * OC;
        for (int64_t o = 0; o < OC; ++o) {
          py[o] = requantize(wrap32(acc[size_t(o)]), q[size_t(o)], !depthwise, yzp, lo, hi);
        }
      }
    }
  });
}

void k_qfully_connected(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "QuantizedFullyConnected";
  check_weighted(op, in, nin, out, nout, a, a.ints.size() == 6 ? 6 : 5, "weights");
  const TensorView &x = in[0], &w = in[1], &bias = in[2], &y = out[0];
  if (x.ndim != 2 || w.ndim != 2 || y.ndim != 2) fail(op, "input, weights, output must be 2-D");
  const int64_t rows = x.shape[0], n_in = x.shape[1], n_out = w.shape[0];
  if (w.shape[1] != n_in || y.shape[0] != rows || y.shape[1] != n_out)
    fail(op, "shapes ", x.shape_str(), " x ", w.shape_str(), "^T -> ", y.shape_str(), " disagree");
  if (bias.ndim != 1 || bias.shape[0] != n_out) fail(op, "bias must be [", n_out, "]");
  const int32_t xzp = int32_t(a.ints[0]), wzp = int32_t(a.ints[1]), yzp = int32_t(a.ints[2]);
  const int32_t lo = int32_t(a.ints[3]), hi = int32_t(a.ints[4]);
  check_zp(op, xzp);
  check_zp(op, wzp);
  check_zp(op, yzp);
  check_bounds(op, lo, hi);
  const Mults& mults = layer_mults(op, a, n_out);
  const std::vector<QMult>& q = mults.q;
  const int8_t* xd = x.ptr<int8_t>();
  const int8_t* wd = w.ptr<int8_t>();
  int8_t* yd = y.ptr<int8_t>();
  if (wzp == 0 && conv_backend_now() == ConvBackend::kOneDNN && y.size() > 0 && n_in > 0) {
    // a 1x1 convolution of [rows, 1, 1, in] (oneDNN's exact int8 sums), requantized here
    // (the rows as the rows of a 1x1 convolution, so that they are tiled as its rows are)
    const ConvGeom g{1, rows, 1, n_in, 1, 1, n_out, 0, rows, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    const int64_t filter_id = a.ints.size() == 6 ? a.ints[5] : 0;
    const Requant r{&mults, bias.ptr<int32_t>(), true, yzp, lo, hi};
    if (qconv2d_tiled(g, xd, wd, xzp, filter_id, r, yd)) return;
    ++g_fallbacks;
  }
  parallel_for(rows * n_out, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(n_in, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t k = b; k < e; ++k) {
                   const int64_t r = k / n_out, o = k % n_out;
                   const int8_t* px = xd + r * n_in;
                   const int8_t* pw = wd + o * n_in;
                   // (the sum wraps as TFLite's int32 sum does: unsigned, it vectorizes)
                   uint32_t s = uint32_t(bias.ptr<int32_t>()[o]);
                   for (int64_t i = 0; i < n_in; ++i)
                     s += uint32_t((int32_t(px[i]) - xzp) * (int32_t(pw[i]) - wzp));
                   yd[k] = requantize(int32_t(s), q[size_t(o)], true, yzp, lo, hi);
                 }
               });
}

void k_qadd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "QuantizedAdd";
  check_count(op, size_t(nin), 2, size_t(nout), 1);
  check_dtype(op, in[0], DType::kInt8, "input 0");
  check_dtype(op, in[1], DType::kInt8, "input 1");
  check_dtype(op, out[0], DType::kInt8, "output");
  if (!same_shape(in[0], in[1]) || !same_shape(in[0], out[0]))
    fail(op, "inputs and output must have one shape, got ", in[0].shape_str(), ", ",
         in[1].shape_str(), " and ", out[0].shape_str());
  if (a.ints.size() != 5 || a.floats.size() != 3)
    fail(op, "expects 5 integer and 3 real attributes");
  const int32_t za = int32_t(a.ints[0]), zb = int32_t(a.ints[1]), zy = int32_t(a.ints[2]);
  const int32_t lo = int32_t(a.ints[3]), hi = int32_t(a.ints[4]);
  for (int32_t z : {za, zb, zy}) check_zp(op, z);
  check_bounds(op, lo, hi);
  const double sa = a.floats[0], sb = a.floats[1], sy = a.floats[2];
  if (!(sa > 0 && sb > 0 && sy > 0)) fail(op, "scales must be > 0");
  constexpr int kLeftShift = 20;
  const double twice_max = 2 * std::max(sa, sb);
  const QMult qa = quantize_multiplier(sa / twice_max), qb = quantize_multiplier(sb / twice_max);
  const QMult qy = quantize_multiplier(twice_max / (double(1 << kLeftShift) * sy));
  // each input's rescaled value depends on its byte only: two tables of 256
  int32_t ta[256], tb[256];
  for (int v = -128; v < 128; ++v) {
    ta[v + 128] = multiply((v - za) * (1 << kLeftShift), qa);
    tb[v + 128] = multiply((v - zb) * (1 << kLeftShift), qb);
  }
  const int8_t *ad = in[0].ptr<int8_t>(), *bd = in[1].ptr<int8_t>();
  int8_t* yd = out[0].ptr<int8_t>();
  parallel_for(out[0].size(), int64_t(1) << 14, [&](int64_t b, int64_t e) {
#if TFL_CPU_X86
    if (cpu::has_avx512f()) b = qadd_avx512(ad, bd, yd, b, e, ta, tb, qy, zy, lo, hi);
    else if (cpu::has_avx2_fma() && qy.shift <= 0 && qy.shift >= -31)
      b = qadd_avx2(ad, bd, yd, b, e, ta, tb, qy, zy, lo, hi);
#endif
    for (int64_t k = b; k < e; ++k) {
      const int32_t sum = ta[ad[k] + 128] + tb[bd[k] + 128];
      yd[k] = clamp8(int64_t(multiply(sum, qy)) + zy, lo, hi);
    }
  });
}

void k_qmean(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "QuantizedMean";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  const TensorView &x = in[0], &y = out[0];
  check_dtype(op, x, DType::kInt8, "input");
  check_dtype(op, y, DType::kInt8, "output");
  if (a.ints.size() != size_t(2 + x.ndim) || a.floats.size() != 2)
    fail(op, "expects 2 + rank integer attributes and 2 scales");
  const int32_t zx = int32_t(a.ints[0]), zy = int32_t(a.ints[1]);
  check_zp(op, zx);
  check_zp(op, zy);
  // x seen as [outer..., reduced..., inner...] per dimension: out index from the kept ones
  int64_t count = 1, out_size = 1;
  for (int d = 0; d < x.ndim; ++d) (a.ints[size_t(2 + d)] ? count : out_size) *= x.shape[d];
  if (y.size() != out_size) fail(op, "output has ", y.size(), " elements, not ", out_size);
  if (count == 0) fail(op, "mean over an empty axis");
  if (!(a.floats[0] > 0 && a.floats[1] > 0)) fail(op, "scales must be > 0");
  // LiteRT's QuantizedMeanOrSum: the multiplier of x_scale / y_scale shifted left by up to
  // floor(log2(count)) bits (at most 32, and no further than a shift of -31 allows) and divided
  // by the count, then one rounding multiply of each sum of x - x_zp
  const QMult q0 = quantize_multiplier(a.floats[0] / a.floats[1]);
  const int up = std::min({63 - __builtin_clzll(uint64_t(count)), 32, 31 + q0.shift});
  const QMult q{int32_t((int64_t(q0.m) << up) / count), q0.shift - up};
  std::vector<int64_t> acc(size_t(out_size), 0);
  const int8_t* xd = x.ptr<int8_t>();
  // reduced dimensions in one run (a mean over H and W of NHWC): [outer, count, inner], summed
  // row by row into inner-wide int32 sums, which cannot overflow below 2^23 rows
  int first = x.ndim, last = -1;
  for (int d = 0; d < x.ndim; ++d)
    if (a.ints[size_t(2 + d)]) first = std::min(first, d), last = d;
  bool run = last >= first;
  for (int d = first; run && d <= last; ++d) run = a.ints[size_t(2 + d)] != 0;
  if (run && count < (int64_t(1) << 23)) {
    int64_t inner = 1;
    for (int d = last + 1; d < x.ndim; ++d) inner *= x.shape[d];
    const int64_t outer = inner ? out_size / inner : 0;
    std::vector<int32_t> sums(static_cast<size_t>(inner));
    for (int64_t o = 0; o < outer; ++o) {
      std::fill(sums.begin(), sums.end(), 0);
      for (int64_t r = 0; r < count; ++r) {
        const int8_t* px = xd + (o * count + r) * inner;
        for (int64_t i = 0; i < inner; ++i) sums[size_t(i)] += int32_t(px[i]);
      }
      for (int64_t i = 0; i < inner; ++i) acc[size_t(o * inner + i)] = sums[size_t(i)] - count * zx;
    }
  } else {
    for (int64_t k = 0; k < x.size(); ++k) {
      int64_t rem = k, o = 0, stride = 1;
      for (int d = x.ndim - 1; d >= 0; --d) {
        const int64_t i = rem % x.shape[d];
        rem /= x.shape[d];
        if (!a.ints[size_t(2 + d)]) o += i * stride, stride *= x.shape[d];
      }
      acc[size_t(o)] += int32_t(xd[k]) - zx;
    }
  }
  int8_t* yd = y.ptr<int8_t>();
  for (int64_t o = 0; o < out_size; ++o) {
    const int64_t s = std::clamp<int64_t>(acc[size_t(o)], std::numeric_limits<int32_t>::min(),
                                          std::numeric_limits<int32_t>::max());
    yd[o] = int8_t(std::clamp<int64_t>(int64_t(multiply(int32_t(s), q)) + zy, -128, 127));
  }
}

void k_qsoftmax(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "QuantizedSoftmax";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  check_dtype(op, in[0], DType::kInt8, "input");
  check_dtype(op, out[0], DType::kInt8, "output");
  if (!same_shape(in[0], out[0]) || in[0].ndim < 1) fail(op, "input and output shapes differ");
  const int32_t zy = int32_t(a.i(0, op));
  check_zp(op, zy);
  const float s = float(a.f(0, op)), sy = float(a.f(1, op));
  if (!(sy > 0) || !std::isfinite(sy) || !std::isfinite(s))
    fail(op, "scales must be finite, the output's > 0");
  const int64_t n = in[0].dim(-1), rows = n ? in[0].size() / n : 0;
  float table[256];  // table[i] = exp(s * (i - 255)): TFLite's lookup table
  for (int v = 0; v < 256; ++v) table[v] = std::exp(s * float(v - 255));
  const int8_t* xd = in[0].ptr<int8_t>();
  int8_t* yd = out[0].ptr<int8_t>();
  parallel_for(rows, 64, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int8_t* px = xd + r * n;
      const int32_t mx = *std::max_element(px, px + n);
      const float* t = table + 255 - mx;  // t[v] = exp(s * (v - max))
      float sum = 0;
      for (int64_t j = 0; j < n; ++j) sum += t[px[j]];
      const float inv = 1.0f / (sum * sy);
      for (int64_t j = 0; j < n; ++j) {
        const float p = std::min(std::round(t[px[j]] * inv), 1e9f);  // (>= 0; NaN: 1e9)
        yd[r * n + j] = clamp8(int64_t(p == p ? p : 1e9f) + zy, -128, 127);
      }
    }
  });
}

void k_qmax_pool(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "QuantizedMaxPool";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  const TensorView &x = in[0], &y = out[0];
  check_dtype(op, x, DType::kInt8, "input");
  check_dtype(op, y, DType::kInt8, "output");
  if (a.ints.size() != 10) fail(op, "expects 10 integer attributes");
  if (x.ndim != 4 || y.ndim != 4) fail(op, "input and output must be 4-D");
  const int64_t kh = a.ints[0], kw = a.ints[1], sh = a.ints[2], sw = a.ints[3];
  const int64_t pt = a.ints[4], pb = a.ints[5], pl = a.ints[6], pr = a.ints[7];
  const int32_t lo = int32_t(a.ints[8]), hi = int32_t(a.ints[9]);
  check_bounds(op, lo, hi);
  if (std::min({kh, kw, sh, sw}) < 1 || std::min({pt, pb, pl, pr}) < 0 || std::max(pt, pb) >= kh ||
      std::max(pl, pr) >= kw)
    fail(op, "bad window, strides or paddings");
  const int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
  const int64_t OH = (H + pt + pb - kh) < 0 ? 0 : (H + pt + pb - kh) / sh + 1;
  const int64_t OW = (W + pl + pr - kw) < 0 ? 0 : (W + pl + pr - kw) / sw + 1;
  if (y.shape[0] != N || y.shape[1] != OH || y.shape[2] != OW || y.shape[3] != C)
    fail(op, "output shape ", y.shape_str(), " should be [", N, ",", OH, ",", OW, ",", C, "]");
  const int8_t* xd = x.ptr<int8_t>();
  int8_t* yd = y.ptr<int8_t>();
  parallel_for(N * OH, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / OH, oh = r % OH;
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t c = 0; c < C; ++c) {
          int32_t m = -128;
          for (int64_t i = std::max<int64_t>(0, oh * sh - pt); i < std::min(H, oh * sh - pt + kh);
               ++i)
            for (int64_t j = std::max<int64_t>(0, ow * sw - pl); j < std::min(W, ow * sw - pl + kw);
                 ++j)
              m = std::max<int32_t>(m, xd[((n * H + i) * W + j) * C + c]);
          yd[((n * OH + oh) * OW + ow) * C + c] = clamp8(m, lo, hi);
        }
    }
  });
}

}  // namespace

int64_t set_int8_conv_tile_bytes(int64_t bytes) {
  if (bytes < 1) throw KernelError("set_int8_conv_tile_bytes: the tile must be >= 1 byte");
  return g_tile_bytes.exchange(bytes);
}

int64_t int8_conv_fallbacks() { return g_fallbacks; }

void register_quantized(Registry& r) {
  r["quantize"] = k_quantize;
  r["dequantize"] = k_dequantize;
  r["qconv2d"] = k_qconv2d;
  r["qfully_connected"] = k_qfully_connected;
  r["qadd"] = k_qadd;
  r["qmean"] = k_qmean;
  r["qsoftmax"] = k_qsoftmax;
  r["qmax_pool"] = k_qmax_pool;
}

}  // namespace tfl
