// bitwise.cc: TF's tf.bitwise on the integer dtypes (bitwise_and bitwise_or bitwise_xor
// left_shift right_shift with broadcasting, invert) and bitcast (the same bytes as another dtype).
#include <cstring>
#include <type_traits>

#include "broadcast.h"
#include "dtypes.h"
#include "kernels.h"

namespace tfl {
namespace {

enum class Bit { kAnd, kOr, kXor, kLeft, kRight };

// Shifts as TF's kernels (cwise_ops.h): the shift count clamped to [0, bits - 1]; left shifts in
// the unsigned type (no overflow), right shifts arithmetic for signed types.
template <Bit B, typename T>
inline T apply_bit(T x, T y) {
  if constexpr (B == Bit::kAnd) return T(x & y);
  if constexpr (B == Bit::kOr) return T(x | y);
  if constexpr (B == Bit::kXor) return T(x ^ y);
  if constexpr (B == Bit::kLeft || B == Bit::kRight) {
    using U = std::make_unsigned_t<T>;
    constexpr T kMaxShift = T(sizeof(T) * 8 - 1);
    T s = y;
    if constexpr (std::is_signed_v<T>) s = s < T(0) ? T(0) : s;
    s = s > kMaxShift ? kMaxShift : s;
    if constexpr (B == Bit::kLeft) return T(U(U(x) << U(s)));
    else return T(x >> s);
  }
  return x;
}

template <Bit B, typename T>
void bit_loop(const Strided& it, const T* a, const T* b, T* o) {
  const int64_t ia = it.sa[it.nd - 1], ib = it.sb[it.nd - 1];
  for_each_row(it, [&](int64_t oa, int64_t ob, int64_t oo, int64_t n) {
    const T* pa = a + oa;
    const T* pb = b + ob;
    T* po = o + oo;
    if (ia == 1 && ib == 1) {
      for (int64_t k = 0; k < n; ++k) po[k] = apply_bit<B, T>(pa[k], pb[k]);
    } else {
      for (int64_t k = 0; k < n; ++k) po[k] = apply_bit<B, T>(pa[k * ia], pb[k * ib]);
    }
  });
}

template <typename T>
void check_int(const char* op, DType dt) {
  if constexpr (!is_int_v<T>) fail(op, "unsupported dtype ", dtype_name(dt));
}

template <Bit B>
void bit_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const Strided it = make_strided(op, in[0], in[1], out[0]);
  TFL_EVERY_CASES(in[0].dtype, op, {
    check_int<T>(op, in[0].dtype);
    if constexpr (is_int_v<T>) bit_loop<B, T>(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>());
  });
}

#define BIT(NAME, OPNAME, B)                                                          \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) { \
    bit_kernel<B>(OPNAME, in, nin, out, nout);                                        \
  }
BIT(k_and, "BitwiseAnd", Bit::kAnd)
BIT(k_or, "BitwiseOr", Bit::kOr)
BIT(k_xor, "BitwiseXor", Bit::kXor)
BIT(k_left, "LeftShift", Bit::kLeft)
BIT(k_right, "RightShift", Bit::kRight)
#undef BIT

template <typename T>
void invert_typed(const char* op, const TensorView& x, TensorView& y) {
  check_int<T>(op, x.dtype);
  if constexpr (is_int_v<T>) {
    const T* px = x.ptr<T>();
    T* py = y.ptr<T>();
    parallel_for(x.size(), kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) py[k] = T(~px[k]);
    });
  }
}

void k_invert(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Invert";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  TFL_EVERY_CASES(in[0].dtype, op, invert_typed<T>(op, in[0], out[0]));
}

// The input's bytes as the output's dtype: same byte size (the shapes differ by a last
// dimension when the element sizes differ, as TF's Bitcast).
void k_bitcast(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Bitcast";
  check_count(op, nin, 1, nout, 1);
  const int64_t bytes = in[0].size() * dtype_size(in[0].dtype);
  if (bytes != out[0].size() * dtype_size(out[0].dtype))
    fail(op, "input ", in[0].shape_str(), " ", dtype_name(in[0].dtype), " and output ",
         out[0].shape_str(), " ", dtype_name(out[0].dtype), " differ in size");
  if (bytes && in[0].data != out[0].data) std::memcpy(out[0].data, in[0].data, size_t(bytes));
}

}  // namespace

void register_bitwise(Registry& r) {
  r["bitwise_and"] = k_and;
  r["bitwise_or"] = k_or;
  r["bitwise_xor"] = k_xor;
  r["left_shift"] = k_left;
  r["right_shift"] = k_right;
  r["invert"] = k_invert;
  r["bitcast"] = k_bitcast;
}

}  // namespace tfl
