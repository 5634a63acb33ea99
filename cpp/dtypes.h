// dtypes.h: the element types beyond float32/float64/int32/int64/bool. float16 and bfloat16 are
// 16-bit storage types computed in float32 (as TF's Eigen::half and bfloat16: convert, compute in
// float32, round to nearest even); complex64/complex128 are std::complex. Batch conversions
// (half.cc) use F16C / AVX-512 BF16 where the CPU has them (cpu.h), a portable loop elsewhere.
// Dispatch macros: TFL_EVERY_CASES (every dtype, the body's T its C++ type) and
// TFL_BYTES_CASES (by element size only, for kernels that only move elements).
#pragma once

#include <complex>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "tensor.h"

namespace tfl {

struct float16_t {
  uint16_t bits;
};
struct bfloat16_t {
  uint16_t bits;
};
using complex64_t = std::complex<float>;
using complex128_t = std::complex<double>;

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;
template <typename T>
constexpr bool is_complex_v = std::is_same_v<T, complex64_t> || std::is_same_v<T, complex128_t>;
// int8 ... uint64 (not bool)
template <typename T>
constexpr bool is_int_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// ---- scalar conversions (exact float16 -> float32; float32 -> 16 bits rounds to nearest even,
// NaN stays NaN, as Eigen) ----------------------------------------------------------------------
inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    const float f = float(man) * 0x1p-24f;  // zero or subnormal: man * 2^-24, exact
    std::memcpy(&bits, &f, 4);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (man << 13);
  } else {
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = uint16_t((x >> 16) & 0x8000u);
  x &= 0x7fffffffu;
  if (x > 0x7f800000u) return uint16_t(sign | 0x7e00u);  // NaN
  if (x >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // >= 65520 rounds to infinity
  if (x < 0x38800000u) {  // below half's smallest normal: the FPU rounds at 2^-24 steps
    float a;
    std::memcpy(&a, &x, 4);
    a += 0.5f;
    uint32_t b;
    std::memcpy(&b, &a, 4);
    return uint16_t(sign | uint16_t(b - 0x3f000000u));
  }
  x += 0xc8000fffu + ((x >> 13) & 1u);  // rebias the exponent, round half to even
  return uint16_t(sign | uint16_t(x >> 13));
}

inline float bf16_to_f32(uint16_t b) {
  const uint32_t x = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

inline uint16_t f32_to_bf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return uint16_t((x >> 16) | 0x40u);  // quiet NaN
  x += 0x7fffu + ((x >> 16) & 1u);
  return uint16_t(x >> 16);
}

inline float to_f32(float16_t h) { return f16_to_f32(h.bits); }
inline float to_f32(bfloat16_t h) { return bf16_to_f32(h.bits); }
template <typename H>
inline H from_f32(float f) {
  if constexpr (std::is_same_v<H, float16_t>) return float16_t{f32_to_f16(f)};
  else return bfloat16_t{f32_to_bf16(f)};
}

// A real value (an attribute) as element type T.
template <typename T>
inline T from_double(double v) {
  if constexpr (is_half_v<T>) return from_f32<T>(float(v));
  else return T(v);
}

// ---- batch conversions (half.cc): the hot loops of every 16-bit float kernel -------------------
void to_f32_n(const float16_t* x, float* y, int64_t n);
void to_f32_n(const bfloat16_t* x, float* y, int64_t n);
void from_f32_n(const float* x, float16_t* y, int64_t n);
void from_f32_n(const float* x, bfloat16_t* y, int64_t n);

// A block of a strided 16-bit float row as float32: stride 1 converts in bulk, 0 repeats one value.
template <typename H>
inline void load_f32(const H* p, int64_t stride, float* dst, int64_t n) {
  if (stride == 1) {
    to_f32_n(p, dst, n);
  } else if (stride == 0) {
    const float v = to_f32(p[0]);
    for (int64_t k = 0; k < n; ++k) dst[k] = v;
  } else {
    for (int64_t k = 0; k < n; ++k) dst[k] = to_f32(p[k * stride]);
  }
}

// Elements a 16-bit float loop converts at a time (float32 scratch on the stack, in L1).
constexpr int64_t kHalfBlock = 512;

// A 16-byte element, for kernels that move complex128 values as bytes.
struct alignas(16) bytes16_t {
  uint64_t lo, hi;
};

// clang-format off
#define TFL_EVERY_CASES(DT, OP, ...)                                              \
  switch (DT) {                                                                   \
    case ::tfl::DType::kFloat32: { using T = float; __VA_ARGS__; break; }         \
    case ::tfl::DType::kFloat64: { using T = double; __VA_ARGS__; break; }        \
    case ::tfl::DType::kInt32: { using T = int32_t; __VA_ARGS__; break; }         \
    case ::tfl::DType::kInt64: { using T = int64_t; __VA_ARGS__; break; }         \
    case ::tfl::DType::kBool: { using T = bool; __VA_ARGS__; break; }             \
    case ::tfl::DType::kInt8: { using T = int8_t; __VA_ARGS__; break; }           \
    case ::tfl::DType::kInt16: { using T = int16_t; __VA_ARGS__; break; }         \
    case ::tfl::DType::kUInt8: { using T = uint8_t; __VA_ARGS__; break; }         \
    case ::tfl::DType::kUInt16: { using T = uint16_t; __VA_ARGS__; break; }       \
    case ::tfl::DType::kUInt32: { using T = uint32_t; __VA_ARGS__; break; }       \
    case ::tfl::DType::kUInt64: { using T = uint64_t; __VA_ARGS__; break; }       \
    case ::tfl::DType::kFloat16: { using T = ::tfl::float16_t; __VA_ARGS__; break; }   \
    case ::tfl::DType::kBFloat16: { using T = ::tfl::bfloat16_t; __VA_ARGS__; break; } \
    case ::tfl::DType::kComplex64: { using T = ::tfl::complex64_t; __VA_ARGS__; break; }   \
    case ::tfl::DType::kComplex128: { using T = ::tfl::complex128_t; __VA_ARGS__; break; } \
    default: ::tfl::fail(OP, "unsupported dtype ", ::tfl::dtype_name(DT));       \
  }

// By element size: the body's T is an unsigned integer (or bytes16_t) of the dtype's size.
#define TFL_BYTES_CASES(DT, OP, ...)                                             \
  switch (::tfl::dtype_size(DT)) {                                               \
    case 1: { using T = uint8_t; __VA_ARGS__; break; }                           \
    case 2: { using T = uint16_t; __VA_ARGS__; break; }                          \
    case 4: { using T = uint32_t; __VA_ARGS__; break; }                          \
    case 8: { using T = uint64_t; __VA_ARGS__; break; }                          \
    case 16: { using T = ::tfl::bytes16_t; __VA_ARGS__; break; }                 \
    default: ::tfl::fail(OP, "unsupported dtype ", ::tfl::dtype_name(DT));      \
  }
// clang-format on

}  // namespace tfl
