// complex.cc: complex numbers from and to their parts: complex (real, imag -> complex, with
// broadcasting), real, imag, conj, angle (atan2(imag, real)), complex_abs (|z|, as std::abs:
// hypot without overflow). float32 parts go with complex64, float64 with complex128.
#include <cmath>
#include <complex>

#include "broadcast.h"
#include "dtypes.h"
#include "kernels.h"

namespace tfl {
namespace {

// T: the real type (float or double).
template <typename T>
void complex_typed(const Strided& it, const T* re, const T* im, std::complex<T>* o) {
  const int64_t ia = it.sa[it.nd - 1], ib = it.sb[it.nd - 1];
  for_each_row(it, [&](int64_t oa, int64_t ob, int64_t oo, int64_t n) {
    for (int64_t k = 0; k < n; ++k) o[oo + k] = std::complex<T>(re[oa + k * ia], im[ob + k * ib]);
  });
}

DType complex_of(const char* op, DType real) {
  if (real == DType::kFloat32) return DType::kComplex64;
  if (real == DType::kFloat64) return DType::kComplex128;
  fail(op, "unsupported dtype ", dtype_name(real));
}

void k_complex(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Complex";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_dtype(op, out[0], complex_of(op, in[0].dtype), "output");
  const Strided it = make_strided(op, in[0], in[1], out[0]);
  if (in[0].dtype == DType::kFloat32)
    complex_typed(it, in[0].ptr<float>(), in[1].ptr<float>(), out[0].ptr<complex64_t>());
  else complex_typed(it, in[0].ptr<double>(), in[1].ptr<double>(), out[0].ptr<complex128_t>());
}

enum class Part { kReal, kImag, kAngle, kAbs, kConj };

template <Part P, typename T>
inline auto apply_part(std::complex<T> z) {
  if constexpr (P == Part::kReal) return z.real();
  if constexpr (P == Part::kImag) return z.imag();
  if constexpr (P == Part::kAngle) return std::atan2(z.imag(), z.real());
  if constexpr (P == Part::kAbs) return std::abs(z);
  if constexpr (P == Part::kConj) return std::conj(z);
}

template <Part P, typename T>
void part_typed(const TensorView& x, TensorView& y) {
  const std::complex<T>* px = x.ptr<std::complex<T>>();
  using R = decltype(apply_part<P, T>(std::complex<T>()));
  R* py = y.ptr<R>();
  parallel_for(x.size(), kCheapGrain, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) py[k] = apply_part<P, T>(px[k]);
  });
}

template <Part P>
void part_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  check_count(op, nin, 1, nout, 1);
  check_same_shape(op, in[0], out[0]);
  const bool c64 = in[0].dtype == DType::kComplex64;
  if (!c64 && in[0].dtype != DType::kComplex128)
    fail(op, "unsupported dtype ", dtype_name(in[0].dtype));
  const DType want = P == Part::kConj ? in[0].dtype : (c64 ? DType::kFloat32 : DType::kFloat64);
  check_dtype(op, out[0], want, "output");
  if (c64) part_typed<P, float>(in[0], out[0]);
  else part_typed<P, double>(in[0], out[0]);
}

#define PART(NAME, OPNAME, P)                                                         \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) { \
    part_kernel<P>(OPNAME, in, nin, out, nout);                                       \
  }
PART(k_real, "Real", Part::kReal)
PART(k_imag, "Imag", Part::kImag)
PART(k_angle, "Angle", Part::kAngle)
PART(k_abs, "ComplexAbs", Part::kAbs)
PART(k_conj, "Conj", Part::kConj)
#undef PART

}  // namespace

void register_complex(Registry& r) {
  r["complex"] = k_complex;
  r["real"] = k_real;
  r["imag"] = k_imag;
  r["angle"] = k_angle;
  r["complex_abs"] = k_abs;
  r["conj"] = k_conj;
}

}  // namespace tfl
