// elementwise_math.h: the per-element maths of the elementwise kernels (elementwise.cc) and of
// the fused elementwise step (elementwise_fused.cc), one definition for both so that a fused
// chain gives the same bits as its ops run one by one. Files including it are compiled with
// -fno-trapping-math (fast_math.h).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "cpu.h"
#include "dtypes.h"
#include "fast_math.h"

namespace tfl {
namespace ew {
// Integer arithmetic that wraps (two's complement, as TF and NumPy) without the undefined
// behaviour of signed overflow or of int promotion (uint16 * uint16 overflows int).
template <typename T>
using wide_unsigned_t = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;

template <typename T>
T ipow(T base, T exp) {  // exp >= 0 (checked by the kernel); wraps on overflow, as NumPy
  using U = wide_unsigned_t<T>;
  U r = 1, b = U(base);
  while (exp) {
    if (exp & 1) r *= b;
    b *= b;
    exp >>= 1;
  }
  return T(r);
}

enum class Bin {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMax,
  kMin,
  kPow,
  kReluGrad,
  kSigmoidGrad,
  kTanhGrad,
  kFloorDiv,
  kFloorMod,
  kTruncDiv,
  kTruncMod
};

// Integer division and remainder as TF's kernels (cwise_ops.h): the divisor is never 0 here (the
// kernel checks it first), and x / -1 wraps (INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0) instead of
// trapping.
template <typename T>
inline T trunc_div(T x, T y) {
  if constexpr (std::is_unsigned_v<T>) return T(x / y);
  if (y == T(-1)) return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(x));
  return x / y;
}
template <typename T>
inline T trunc_mod(T x, T y) {
  if constexpr (std::is_unsigned_v<T>) return T(x % y);
  return y == T(-1) ? T(0) : T(x % y);
}
template <typename T>
inline T floor_div(T x, T y) {
  if constexpr (std::is_unsigned_v<T>) {
    return T(x / y);
  } else if constexpr (std::is_integral_v<T>) {
    const T q = trunc_div(x, y);
    return (y != T(-1) && x % y != T(0) && ((x % y < T(0)) != (y < T(0)))) ? T(q - 1) : q;
  } else {
    return std::floor(x / y);
  }
}
template <typename T>
inline T floor_mod(T x, T y) {  // the remainder takes the divisor's sign, as Python's %
  if constexpr (std::is_unsigned_v<T>) return T(x % y);
  T r;
  if constexpr (std::is_integral_v<T>) r = trunc_mod(x, y);
  else r = std::fmod(x, y);
  return (r != T(0) && ((r < T(0)) != (y < T(0)))) ? T(r + y) : r;
}
enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

template <Bin B, typename T>
inline T apply_bin(T x, T y) {
  if constexpr (is_int_v<T> && (B == Bin::kAdd || B == Bin::kSub || B == Bin::kMul)) {
    using W = wide_unsigned_t<T>;
    if constexpr (B == Bin::kAdd) return T(W(x) + W(y));
    if constexpr (B == Bin::kSub) return T(W(x) - W(y));
    return T(W(x) * W(y));
  }
  if constexpr (B == Bin::kAdd) return x + y;
  if constexpr (B == Bin::kSub) return x - y;
  if constexpr (B == Bin::kMul) return x * y;
  if constexpr (B == Bin::kDiv) return x / y;
  if constexpr (B == Bin::kMax) return (x > y || x != x) ? x : y;  // NaN propagates, as NumPy
  if constexpr (B == Bin::kMin) return (x < y || x != x) ? x : y;
  if constexpr (B == Bin::kPow && is_complex_v<T>) return std::pow(x, y);
  if constexpr (B == Bin::kPow && !is_complex_v<T>) {
    if constexpr (std::is_integral_v<T>) return ipow(x, y);
    else return std::pow(x, y);
  }
  if constexpr (B == Bin::kReluGrad) return y > T(0) ? x : T(0);  // (g, features)
  if constexpr (B == Bin::kSigmoidGrad) return y * x * (T(1) - x);  // (y, dy)
  if constexpr (B == Bin::kTanhGrad) return y * (T(1) - x * x);     // (y, dy)
  if constexpr (B == Bin::kFloorDiv) return floor_div(x, y);
  if constexpr (B == Bin::kFloorMod) return floor_mod(x, y);
  if constexpr (B == Bin::kTruncDiv) {
    if constexpr (std::is_integral_v<T>) return trunc_div(x, y);
    else return std::trunc(x / y);
  }
  if constexpr (B == Bin::kTruncMod) {
    if constexpr (std::is_integral_v<T>) return trunc_mod(x, y);
    else return std::fmod(x, y);
  }
  return x;
}

template <Cmp C, typename T>
inline bool apply_cmp(T x, T y) {
  if constexpr (C == Cmp::kEq) return x == y;
  if constexpr (C == Cmp::kNe) return x != y;
  if constexpr (C == Cmp::kLt) return x < y;
  if constexpr (C == Cmp::kLe) return x <= y;
  if constexpr (C == Cmp::kGt) return x > y;
  if constexpr (C == Cmp::kGe) return x >= y;
  return false;
}

enum class Un {
  kNeg,
  kAbs,
  kRelu,
  kSigmoid,
  kTanh,
  kExp,
  kLog,
  kSqrt,
  kSquare,
  kRecip,
  kSign,
  kFloor
};

template <Un U>
constexpr bool unary_float_only() {
  return U == Un::kSigmoid || U == Un::kTanh || U == Un::kExp || U == Un::kLog || U == Un::kSqrt ||
         U == Un::kRecip || U == Un::kFloor;
}

// The element types each unary op computes in (the rest: "unsupported dtype").
template <Un U, typename T>
constexpr bool un_supports() {
  if constexpr (std::is_same_v<T, bool>) return false;
  else if constexpr (is_complex_v<T>)
    return U == Un::kNeg || U == Un::kSquare || U == Un::kExp || U == Un::kLog || U == Un::kSqrt ||
           U == Un::kTanh || U == Un::kRecip || U == Un::kSign;
  else if constexpr (is_int_v<T>) return !unary_float_only<U>();
  else return true;
}

template <Un U, typename T>
inline T apply_un(T x) {
  if constexpr (U == Un::kNeg) {
    if constexpr (std::is_integral_v<T>)
      return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(x));
    else return -x;
  }
  if constexpr (U == Un::kAbs) {
    if constexpr (std::is_unsigned_v<T>) return x;
    else if constexpr (std::is_integral_v<T>)
      return x < T(0) ? T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(x)) : x;
    else return x < T(0) ? -x : (x == T(0) ? T(0) : x);
  }
  if constexpr (U == Un::kRelu) return x > T(0) ? x : (x != x ? x : T(0));
  if constexpr (U == Un::kSigmoid) {
    if constexpr (std::is_same_v<T, float>) {  // branch-free, so that the loop vectorises
      const float e = exp_f32(-std::fabs(x));
      return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
    } else {
      if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
      const T e = std::exp(x);
      return e / (T(1) + e);
    }
  }
  if constexpr (U == Un::kTanh) {
    if constexpr (std::is_same_v<T, float>) return tanh_f32(x);
    else return std::tanh(x);
  }
  if constexpr (U == Un::kExp) {
    if constexpr (std::is_same_v<T, float>) return exp_f32(x);
    else return std::exp(x);
  }
  if constexpr (U == Un::kLog) return std::log(x);
  if constexpr (U == Un::kSqrt) return std::sqrt(x);
  if constexpr (U == Un::kSquare) {
    if constexpr (std::is_integral_v<T>) return T(wide_unsigned_t<T>(x) * wide_unsigned_t<T>(x));
    else return x * x;
  }
  if constexpr (U == Un::kRecip) return T(1) / x;
  if constexpr (U == Un::kSign) {
    if constexpr (is_complex_v<T>) return x == T(0) ? T(0) : x / std::abs(x);  // x / |x|, as TF
    else if constexpr (std::is_unsigned_v<T>) return x > T(0) ? T(1) : T(0);
    else return x > T(0) ? T(1) : (x < T(0) ? T(-1) : x);  // sign(NaN) = NaN
  }
  if constexpr (U == Un::kFloor) return std::floor(x);
  return x;
}

// The unary ops whose float32 runs go through fast_run (exp_f32 and tanh_f32 inside).
template <Un U>
constexpr bool has_fast_run() {
  return U == Un::kExp || U == Un::kSigmoid || U == Un::kTanh;
}

// float32 exp, sigmoid and tanh over a run (fast_math.h): also built for AVX2+FMA, which runs where
// the CPU has it (cpu.h; exp: 3x the SSE2 baseline's speed here).
template <Un U>
__attribute__((always_inline)) inline void float_run(const float* x, float* y, int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = apply_un<U, float>(x[k]);
}
template <Un U>
TFL_TARGET_AVX2_FMA void float_run_avx2(const float* x, float* y, int64_t n) {
  float_run<U>(x, y, n);
}
template <Un U>
void fast_run(const float* x, float* y, int64_t n) {
  if (cpu::has_avx2_fma()) return float_run_avx2<U>(x, y, n);
  float_run<U>(x, y, n);
}

}  // namespace ew
}  // namespace tfl
