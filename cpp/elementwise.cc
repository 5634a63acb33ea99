// elementwise.cc: binary ops with NumPy broadcasting, unary maths, cast, copy, fill, add_n.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "broadcast.h"
#include "cpu.h"
#include "dtypes.h"
#include "elementwise_math.h"
#include "fast_math.h"
#include "kernels.h"

#if TFL_CPU_X86
#include <immintrin.h>
#endif

namespace tfl {
namespace {

using namespace ew;  // NOLINT(build/namespaces): the maths shared with elementwise_fused.cc

// ---- binary ------------------------------------------------------------------------------
template <typename T, typename R, typename F>
void binary_loop(const Strided& it, const T* a, const T* b, R* o, F f) {
  const int64_t ia = it.sa[it.nd - 1], ib = it.sb[it.nd - 1];
  for_each_row(it, [&](int64_t oa, int64_t ob, int64_t oo, int64_t n) {
    const T* pa = a + oa;
    const T* pb = b + ob;
    R* po = o + oo;
    if (ia == 1 && ib == 1) {
      for (int64_t k = 0; k < n; ++k) po[k] = f(pa[k], pb[k]);
    } else if (ia == 1 && ib == 0) {
      const T vb = pb[0];
      for (int64_t k = 0; k < n; ++k) po[k] = f(pa[k], vb);
    } else if (ia == 0 && ib == 1) {
      const T va = pa[0];
      for (int64_t k = 0; k < n; ++k) po[k] = f(va, pb[k]);
    } else if (ia == 0 && ib == 0) {  // a row of one value (BroadcastTo of a column)
      const R v = f(pa[0], pb[0]);
      for (int64_t k = 0; k < n; ++k) po[k] = v;
    } else {
      for (int64_t k = 0; k < n; ++k) po[k] = f(pa[k * ia], pb[k * ib]);
    }
  });
}

// A 16-bit float binary loop: blocks of each row converted to float32, computed there, and the
// results rounded back (R = bool for comparisons: no rounding).
template <typename H, typename R, typename F>
void half_binary_loop(const Strided& it, const H* a, const H* b, R* o, F f) {
  const int64_t ia = it.sa[it.nd - 1], ib = it.sb[it.nd - 1];
  for_each_row(it, [&](int64_t oa, int64_t ob, int64_t oo, int64_t n) {
    float fa[kHalfBlock], fb[kHalfBlock], fo[kHalfBlock];
    for (int64_t k0 = 0; k0 < n; k0 += kHalfBlock) {
      const int64_t m = std::min(kHalfBlock, n - k0);
      load_f32(a + oa + k0 * ia, ia, fa, m);
      load_f32(b + ob + k0 * ib, ib, fb, m);
      if constexpr (std::is_same_v<R, bool>) {
        for (int64_t k = 0; k < m; ++k) o[oo + k0 + k] = f(fa[k], fb[k]);
      } else {
        for (int64_t k = 0; k < m; ++k) fo[k] = f(fa[k], fb[k]);
        from_f32_n(fo, o + oo + k0, m);
      }
    }
  });
}

template <Bin B>
constexpr bool float_only() {
  return B == Bin::kDiv || B == Bin::kSigmoidGrad || B == Bin::kTanhGrad;
}

// The element types each binary op computes in (the rest: "unsupported dtype").
template <Bin B, typename T>
constexpr bool bin_supports() {
  if constexpr (std::is_same_v<T, bool>) return false;
  else if constexpr (is_complex_v<T>)
    return B == Bin::kAdd || B == Bin::kSub || B == Bin::kMul || B == Bin::kDiv || B == Bin::kPow;
  else if constexpr (is_int_v<T>) return !float_only<B>();
  else return true;
}

// As TF: integers to negative integer powers are an error (checked before any parallel work).
template <typename T>
void check_int_exponents(const char* op, const TensorView& y) {
  if constexpr (!std::is_signed_v<T> || !is_int_v<T>) return;
  const T* p = y.ptr<T>();
  for (int64_t i = 0, n = y.size(); i < n; ++i)
    if (p[i] < 0) fail(op, "Integers to negative integer powers are not allowed");
}

template <Bin B>
constexpr bool int_division() {
  return B == Bin::kFloorDiv || B == Bin::kFloorMod || B == Bin::kTruncDiv || B == Bin::kTruncMod;
}

// Integer division or remainder by zero, checked before any work: TF's InvalidArgumentError for
// FloorDiv and FloorMod, and its InternalError for TruncateDiv and TruncateMod (the binary op's
// generic message: TF names only Div, Mod, FloorDiv and FloorMod in its division-by-zero check).
template <Bin B, typename T>
void check_int_divisors(const char* op, const TensorView& y) {
  const T* p = y.ptr<T>();
  for (int64_t i = 0, n = y.size(); i < n; ++i) {
    if (p[i] != T(0)) continue;
    if constexpr (B == Bin::kFloorDiv || B == Bin::kFloorMod) fail(op, "Integer division by zero");
    else
      fail<InternalKernelError>(
          op, "Unexpected error in binary operator (only integer div and mod should have errors)");
  }
}

// Add, sub, mul, maximum, minimum (and float division): rows of contiguous (or one broadcast)
// operands also built for AVX2 and AVX-512BW, chosen at run time (cpu.h). int8/int16 gain most
// (SSE2 has no 8-bit multiply); float rows get 32-byte lanes. One IEEE operation per element, so
// every build gives the same bits.
template <Bin B, typename T>
constexpr bool simd_op() {
  constexpr bool common =
      B == Bin::kAdd || B == Bin::kSub || B == Bin::kMul || B == Bin::kMax || B == Bin::kMin;
  if constexpr (is_int_v<T>) return common;
  else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return common || B == Bin::kDiv;
  else return false;
}
// The elements of o before its next 64-byte boundary (at most n): done one by one, so that no
// vector store straddles two cache lines (and no load either where the inputs are aligned alike)
template <typename T>
int64_t to_line(const T* o, int64_t n) {
  return std::min<int64_t>(n, int64_t((64 - (uintptr_t(o) & 63)) & 63) / int64_t(sizeof(T)));
}
// ia, ib: 1 (contiguous) or 0 (one value repeated)
template <Bin B, typename T>
__attribute__((always_inline)) inline void simd_row(const T* a, const T* b, T* o, int64_t n,
                                                    int64_t ia, int64_t ib) {
  if (ia == 1 && ib == 1) {
    const int64_t head = to_line(o, n);
    int64_t k = 0;
    for (; k < head; ++k) o[k] = apply_bin<B, T>(a[k], b[k]);
#pragma GCC unroll 4
    for (; k < n; ++k) o[k] = apply_bin<B, T>(a[k], b[k]);
  } else if (ia == 1) {
    const T vb = b[0];
    for (int64_t k = 0; k < n; ++k) o[k] = apply_bin<B, T>(a[k], vb);
  } else {
    const T va = a[0];
    for (int64_t k = 0; k < n; ++k) o[k] = apply_bin<B, T>(va, b[k]);
  }
}
#if TFL_CPU_X86
// Bytes multiplied modulo 256 (int8 and uint8 alike) 32 at a time: the even bytes' products are
// the low bytes of 16-bit products; the odd bytes' are the high bytes of (a >> 8) * (b & 0xff00).
// 6 instructions per 32 bytes where the compiler's widening takes 9. From k (output aligned) on.
TFL_TARGET_AVX2_FMA int64_t mul_bytes_avx2(const uint8_t* a, const uint8_t* b, uint8_t* o,
                                           int64_t k, int64_t n) {
  const __m256i low = _mm256_set1_epi16(0x00ff);
  for (; k + 32 <= n; k += 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + k));
    const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + k));
    const __m256i even = _mm256_and_si256(_mm256_mullo_epi16(x, y), low);
    const __m256i odd = _mm256_mullo_epi16(_mm256_srli_epi16(x, 8), _mm256_andnot_si256(low, y));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + k), _mm256_or_si256(even, odd));
  }
  return k;
}
#endif
template <Bin B, typename T>
__attribute__((always_inline)) inline void simd_row_bytes(const T* a, const T* b, T* o, int64_t n,
                                                          int64_t ia, int64_t ib) {
#if TFL_CPU_X86
  if constexpr (B == Bin::kMul && sizeof(T) == 1) {
    if (ia == 1 && ib == 1) {
      const int64_t head = to_line(o, n);
      int64_t k = 0;
      for (; k < head; ++k) o[k] = apply_bin<B, T>(a[k], b[k]);
      k = mul_bytes_avx2(reinterpret_cast<const uint8_t*>(a), reinterpret_cast<const uint8_t*>(b),
                         reinterpret_cast<uint8_t*>(o), k, n);
      for (; k < n; ++k) o[k] = apply_bin<B, T>(a[k], b[k]);
      return;
    }
  }
#endif
  simd_row<B, T>(a, b, o, n, ia, ib);
}
template <Bin B, typename T>
TFL_TARGET_AVX2_FMA void simd_row_avx2(const T* a, const T* b, T* o, int64_t n, int64_t ia,
                                       int64_t ib) {
  simd_row_bytes<B, T>(a, b, o, n, ia, ib);
}
// (and for AVX-512BW, whose byte instructions multiply int8 without widening through AVX2)
template <Bin B, typename T>
TFL_TARGET_AVX512BW_YMM void simd_row_avx512bw(const T* a, const T* b, T* o, int64_t n, int64_t ia,
                                               int64_t ib) {
  simd_row_bytes<B, T>(a, b, o, n, ia, ib);
}
template <Bin B, typename T>
void simd_binary_loop(const Strided& it, const T* a, const T* b, T* o) {
  const int64_t ia = it.sa[it.nd - 1], ib = it.sb[it.nd - 1];
  if (!((ia == 1 && ib == 1) || (ia == 1 && ib == 0) || (ia == 0 && ib == 1)) ||
      !cpu::has_avx2_fma()) {
    binary_loop(it, a, b, o, [](T x, T y) { return apply_bin<B, T>(x, y); });
    return;
  }
  if constexpr (is_int_v<T>) {
    if (cpu::has_avx512bw()) {
      for_each_row(it, [&](int64_t oa, int64_t ob, int64_t oo, int64_t n) {
        simd_row_avx512bw<B, T>(a + oa, b + ob, o + oo, n, ia, ib);
      });
      return;
    }
  }
  for_each_row(it, [&](int64_t oa, int64_t ob, int64_t oo, int64_t n) {
    simd_row_avx2<B, T>(a + oa, b + ob, o + oo, n, ia, ib);
  });
}

template <Bin B>
void binary_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const Strided it = make_strided(op, in[0], in[1], out[0]);
  TFL_EVERY_CASES(in[0].dtype, op, {
    if constexpr (!bin_supports<B, T>()) {
      fail(op, "unsupported dtype ", dtype_name(in[0].dtype));
    } else {
      if constexpr (B == Bin::kPow && is_int_v<T>) check_int_exponents<T>(op, in[1]);
      if constexpr (int_division<B>() && is_int_v<T>) {
        if (out[0].size() > 0) check_int_divisors<B, T>(op, in[1]);  // (empty: divides nothing)
      }
      if constexpr (is_half_v<T>) {
        half_binary_loop(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(),
                         [](float x, float y) { return apply_bin<B, float>(x, y); });
      } else if constexpr (simd_op<B, T>()) {
        simd_binary_loop<B, T>(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>());
      } else {
        binary_loop(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(),
                    [](T x, T y) { return apply_bin<B, T>(x, y); });
      }
    }
  });
}

template <Cmp C>
void compare_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_dtype(op, out[0], DType::kBool, "output");
  const Strided it = make_strided(op, in[0], in[1], out[0]);
  TFL_EVERY_CASES(in[0].dtype, op, {
    if constexpr (is_complex_v<T> && C != Cmp::kEq && C != Cmp::kNe) {
      fail(op, "unsupported dtype ", dtype_name(in[0].dtype));
    } else if constexpr (is_half_v<T>) {
      half_binary_loop(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<bool>(),
                       [](float x, float y) { return apply_cmp<C, float>(x, y); });
    } else {
      binary_loop(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<bool>(),
                  [](T x, T y) { return apply_cmp<C, T>(x, y); });
    }
  });
}

#define BIN(NAME, OPNAME, B)                                                          \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) { \
    binary_kernel<B>(OPNAME, in, nin, out, nout);                                     \
  }
BIN(k_add, "Add", Bin::kAdd)
BIN(k_sub, "Sub", Bin::kSub)
BIN(k_mul, "Mul", Bin::kMul)
BIN(k_div, "RealDiv", Bin::kDiv)
BIN(k_max, "Maximum", Bin::kMax)
BIN(k_min, "Minimum", Bin::kMin)
BIN(k_pow, "Pow", Bin::kPow)
BIN(k_relu_grad, "ReluGrad", Bin::kReluGrad)
BIN(k_sigmoid_grad, "SigmoidGrad", Bin::kSigmoidGrad)
BIN(k_tanh_grad, "TanhGrad", Bin::kTanhGrad)
BIN(k_floor_div, "FloorDiv", Bin::kFloorDiv)
BIN(k_floor_mod, "FloorMod", Bin::kFloorMod)
BIN(k_truncate_div, "TruncateDiv", Bin::kTruncDiv)
BIN(k_truncate_mod, "TruncateMod", Bin::kTruncMod)
#undef BIN

#define CMP(NAME, OPNAME, C)                                                          \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) { \
    compare_kernel<C>(OPNAME, in, nin, out, nout);                                    \
  }
CMP(k_eq, "Equal", Cmp::kEq)
CMP(k_ne, "NotEqual", Cmp::kNe)
CMP(k_lt, "Less", Cmp::kLt)
CMP(k_le, "LessEqual", Cmp::kLe)
CMP(k_gt, "Greater", Cmp::kGt)
CMP(k_ge, "GreaterEqual", Cmp::kGe)
#undef CMP

// ---- unary -------------------------------------------------------------------------------
// A 16-bit float unary run: blocks converted to float32, computed there, rounded back.
template <Un U, typename H>
void half_unary_run(const H* x, H* y, int64_t n) {
  float f[kHalfBlock];
  for (int64_t k0 = 0; k0 < n; k0 += kHalfBlock) {
    const int64_t m = std::min(kHalfBlock, n - k0);
    to_f32_n(x + k0, f, m);
    if constexpr (has_fast_run<U>()) {
      fast_run<U>(f, f, m);
    } else {
      for (int64_t k = 0; k < m; ++k) f[k] = apply_un<U, float>(f[k]);
    }
    from_f32_n(f, y + k0, m);
  }
}

template <Un U>
void unary_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = in[0].size();
  const int64_t grain = unary_float_only<U>() && U != Un::kRecip ? kParallelGrain : kCheapGrain;
  auto run = [&](auto* x, auto* y) {
    using T = std::remove_pointer_t<decltype(y)>;
    parallel_for(n, grain, [&](int64_t b, int64_t e) {
      if constexpr (std::is_same_v<T, float> && has_fast_run<U>()) {
        fast_run<U>(x + b, y + b, e - b);
      } else if constexpr (is_half_v<T>) {
        half_unary_run<U>(x + b, y + b, e - b);
      } else {
        for (int64_t k = b; k < e; ++k) y[k] = apply_un<U, T>(x[k]);
      }
    });
  };
  TFL_EVERY_CASES(in[0].dtype, op, {
    if constexpr (un_supports<U, T>()) run(in[0].ptr<T>(), out[0].ptr<T>());
    else fail(op, "unsupported dtype ", dtype_name(in[0].dtype));
  });
}

#define UN(NAME, OPNAME, U)                                                           \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) { \
    unary_kernel<U>(OPNAME, in, nin, out, nout);                                      \
  }
UN(k_neg, "Neg", Un::kNeg)
UN(k_abs, "Abs", Un::kAbs)
UN(k_relu, "Relu", Un::kRelu)
UN(k_sigmoid, "Sigmoid", Un::kSigmoid)
UN(k_tanh, "Tanh", Un::kTanh)
UN(k_exp, "Exp", Un::kExp)
UN(k_log, "Log", Un::kLog)
UN(k_sqrt, "Sqrt", Un::kSqrt)
UN(k_square, "Square", Un::kSquare)
UN(k_recip, "Reciprocal", Un::kRecip)
UN(k_sign, "Sign", Un::kSign)
UN(k_floor, "Floor", Un::kFloor)
#undef UN

// ---- cast, copy, fill, add_n, broadcast_to -------------------------------------------------
template <typename S, typename D>
inline D cast_one(S v) {
  if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D> && !std::is_same_v<D, bool>) {
    // NaN, infinities and out-of-range values become the lowest value (x86's "integer
    // indefinite", what NumPy gives here) instead of undefined behaviour.
    constexpr double lo = double(std::numeric_limits<D>::lowest());
    constexpr double hi = -lo;  // 2^31 or 2^63: the first value out of range
    const double d = double(v);
    if (!(d >= lo && d < hi)) return std::numeric_limits<D>::lowest();
    return static_cast<D>(v);
  } else {
    return static_cast<D>(v);
  }
}

// Any dtype to any other, as TF's Cast on x86: 16-bit floats through float32 (a double or an
// int64 becomes float32 first, as Eigen's half(x)); complex to real (and to bool) keeps the real
// part, real to complex has imaginary part 0; floats to narrow or unsigned integers go through
// int32/int64 and wrap, as the C++ conversions TF compiles do.
template <typename S, typename D>
inline D cast_value(S v) {
  if constexpr (std::is_same_v<S, D>) {
    return v;
  } else if constexpr (is_half_v<S>) {
    return cast_value<float, D>(to_f32(v));
  } else if constexpr (is_complex_v<S>) {
    if constexpr (is_complex_v<D>) return D(v);
    else if constexpr (std::is_same_v<D, bool>) return v.real() != 0;  // TF: the real part
    else return cast_value<typename S::value_type, D>(v.real());
  } else if constexpr (is_half_v<D>) {
    return from_f32<D>(float(v));
  } else if constexpr (is_complex_v<D>) {
    return D(typename D::value_type(v), 0);
  } else if constexpr (std::is_floating_point_v<S> && is_int_v<D> && sizeof(D) < 4) {
    return D(cast_one<S, int32_t>(v));
  } else if constexpr (std::is_floating_point_v<S> && std::is_same_v<D, uint32_t>) {
    return D(cast_one<S, int64_t>(v));
  } else if constexpr (std::is_floating_point_v<S> && std::is_same_v<D, uint64_t>) {
    constexpr double k63 = 9223372036854775808.0;
    const double d = double(v);
    if (d >= k63 && d < 2 * k63) return uint64_t(d - k63) + (uint64_t(1) << 63);
    return D(cast_one<S, int64_t>(v));
  } else {
    return cast_one<S, D>(v);
  }
}

template <typename S, typename D>
void cast_loop(const S* x, D* y, int64_t n) {
  if constexpr (is_half_v<S> && std::is_same_v<D, float>) {
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) { to_f32_n(x + b, y + b, e - b); });
  } else if constexpr (std::is_same_v<S, float> && is_half_v<D>) {
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) { from_f32_n(x + b, y + b, e - b); });
  } else {
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) y[k] = cast_value<S, D>(x[k]);
    });
  }
}

void k_cast(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  check_count("Cast", nin, 1, nout, 1);
  check_same_shape("Cast", in[0], out[0]);
  const int64_t n = in[0].size();
  TFL_EVERY_CASES(in[0].dtype, "Cast", {
    using S = T;
    const S* x = in[0].ptr<S>();
    TFL_EVERY_CASES(out[0].dtype, "Cast", cast_loop(x, out[0].ptr<T>(), n));
  });
}

void k_copy(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  check_count("Identity", nin, 1, nout, 1);
  check_same_dtype("Identity", in[0], out[0]);
  if (in[0].size() != out[0].size())
    fail("Identity", "size mismatch: ", in[0].shape_str(), " vs ", out[0].shape_str());
  const int64_t bytes = in[0].size() * dtype_size(in[0].dtype);
  if (bytes && in[0].data != out[0].data) std::memcpy(out[0].data, in[0].data, bytes);
}

void k_fill(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  // The value is input 0 (a scalar of the output's dtype).
  check_count("Fill", nin, 1, nout, 1);
  check_same_dtype("Fill", in[0], out[0]);
  if (in[0].size() != 1) fail("Fill", "value must be a scalar, got shape ", in[0].shape_str());
  (void)a;
  const int64_t n = out[0].size();
  TFL_BYTES_CASES(out[0].dtype, "Fill", {
    const T v = in[0].ptr<T>()[0];
    T* y = out[0].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) y[k] = v;
    });
  });
}

template <typename T>
void add_n_typed(const TensorView* in, int nin, TensorView* out, bool aliased) {
  const int64_t n = out[0].size();
  T* y = out[0].ptr<T>();
  if constexpr (std::is_same_v<T, bool>) {
    fail("AddN", "unsupported dtype bool");
  } else if constexpr (is_half_v<T>) {  // left to right, rounding after each add, as TF
    parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        T s = in[0].ptr<T>()[k];
        for (int i = 1; i < nin; ++i) s = from_f32<T>(to_f32(s) + to_f32(in[i].ptr<T>()[k]));
        y[k] = s;
      }
    });
  } else {
    parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
      if (aliased) {
        for (int64_t k = b; k < e; ++k) {
          T s = in[0].ptr<T>()[k];
          for (int i = 1; i < nin; ++i) s = T(s + in[i].ptr<T>()[k]);
          y[k] = s;
        }
        return;
      }
      // Blocks that stay in L1: y = in[0], then y += in[i] input by input (vectorised; the
      // same left-to-right sums as element by element, so results do not change).
      constexpr int64_t kBlock = 2048;
      for (int64_t b0 = b; b0 < e; b0 += kBlock) {
        const int64_t b1 = std::min(e, b0 + kBlock);
        const T* x0 = in[0].ptr<T>();
        for (int64_t k = b0; k < b1; ++k) y[k] = x0[k];
        for (int i = 1; i < nin; ++i) {
          const T* xi = in[i].ptr<T>();
          for (int64_t k = b0; k < b1; ++k) y[k] = T(y[k] + xi[k]);
        }
      }
    });
  }
}

void k_add_n(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  if (nin < 1 || nout != 1) fail("AddN", "expects at least one input and one output");
  for (int i = 0; i < nin; ++i) {
    check_same_dtype("AddN", in[i], out[0]);
    check_same_shape("AddN", in[i], out[0]);
  }
  bool aliased = false;
  for (int i = 1; i < nin; ++i) aliased |= in[i].data == out[0].data;
  TFL_EVERY_CASES(out[0].dtype, "AddN", add_n_typed<T>(in, nin, out, aliased));
}

void k_broadcast_to(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  check_count("BroadcastTo", nin, 1, nout, 1);
  check_same_dtype("BroadcastTo", in[0], out[0]);
  const Strided it = make_strided("BroadcastTo", in[0], in[0], out[0]);
  TFL_BYTES_CASES(
      in[0].dtype, "BroadcastTo",
      binary_loop(it, in[0].ptr<T>(), in[0].ptr<T>(), out[0].ptr<T>(), [](T x, T) { return x; }));
}

}  // namespace

void register_elementwise(Registry& r) {
  r["add"] = k_add;
  r["sub"] = k_sub;
  r["mul"] = k_mul;
  r["div"] = k_div;
  r["maximum"] = k_max;
  r["minimum"] = k_min;
  r["pow"] = k_pow;
  r["relu_grad"] = k_relu_grad;
  r["sigmoid_grad"] = k_sigmoid_grad;
  r["tanh_grad"] = k_tanh_grad;
  r["floor_div"] = k_floor_div;
  r["floor_mod"] = k_floor_mod;
  r["truncate_div"] = k_truncate_div;
  r["truncate_mod"] = k_truncate_mod;
  r["equal"] = k_eq;
  r["not_equal"] = k_ne;
  r["less"] = k_lt;
  r["less_equal"] = k_le;
  r["greater"] = k_gt;
  r["greater_equal"] = k_ge;
  r["neg"] = k_neg;
  r["abs"] = k_abs;
  r["relu"] = k_relu;
  r["sigmoid"] = k_sigmoid;
  r["tanh"] = k_tanh;
  r["exp"] = k_exp;
  r["log"] = k_log;
  r["sqrt"] = k_sqrt;
  r["square"] = k_square;
  r["reciprocal"] = k_recip;
  r["sign"] = k_sign;
  r["floor"] = k_floor;
  r["cast"] = k_cast;
  r["copy"] = k_copy;
  r["fill"] = k_fill;
  r["add_n"] = k_add_n;
  r["broadcast_to"] = k_broadcast_to;
}

}  // namespace tfl
