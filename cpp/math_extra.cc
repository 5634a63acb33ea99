// math_extra.cc: the rest of tf.math's elementwise kernels (trigonometric, hyperbolic, rounding,
// special functions, float classification, logical ops, the "no NaN" binary ops), cumulative
// sums and products, and the unsorted segment max / min / prod reductions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "broadcast.h"
#include "kernels.h"

namespace tfl {
namespace {

constexpr double kPi = 3.14159265358979323846;

// ---- special functions ---------------------------------------------------------------------
// digamma (psi) in double: reflection for x <= 0, recurrence up to x >= 10, then the asymptotic
// series. As TF: NaN at 0, the negative integers and -inf; +inf at +inf.
double digamma(double x) {
  if (std::isnan(x) || x == -std::numeric_limits<double>::infinity())
    return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  double result = 0.0;
  if (x <= 0.0) {
    if (x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
    result = -kPi / std::tan(kPi * x);  // psi(x) = psi(1 - x) - pi / tan(pi x)
    x = 1.0 - x;
  }
  while (x < 10.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double z = 1.0 / (x * x);
  const double series =
      z * (1.0 / 12 -
           z * (1.0 / 120 -
                z * (1.0 / 252 -
                     z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z * (1.0 / 12)))))));
  return result + std::log(x) - 0.5 / x - series;
}

// Hurwitz zeta(x, q) = sum_k (k + q)^-x in double: Cephes' Euler-Maclaurin summation.
double zeta(double x, double q) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  static const double kA[] = {12.0,
                              -720.0,
                              30240.0,
                              -1209600.0,
                              47900160.0,
                              -1.8924375803183791606e9,
                              7.47242496e10,
                              -2.950130727918164224e12,
                              1.1646782814350067249e14,
                              -4.5979787224074726105e15,
                              1.8152105401943546773e17,
                              -7.1661652561756670113e18};
  constexpr double kEps = 1.11022302462515654042e-16;
  if (std::isnan(x) || std::isnan(q)) return kNaN;
  if (x == 1.0) return kInf;
  if (x < 1.0) return kNaN;
  if (q <= 0.0) {
    if (q == std::floor(q)) return kInf;
    if (x != std::floor(x)) return kNaN;  // q^-x not real
  }
  double s = std::pow(q, -x), a = q, b = 0.0;
  int i = 0;
  while (i < 9 || a <= 9.0) {
    i += 1;
    a += 1.0;
    b = std::pow(a, -x);
    s += b;
    if (std::fabs(b / s) < kEps) return s;
  }
  const double w = a;
  s += b * w / (x - 1.0);
  s -= 0.5 * b;
  a = 1.0;
  double k = 0.0;
  for (int j = 0; j < 12; ++j) {
    a *= x + k;
    b /= w;
    const double t = a * b / kA[j];
    s += t;
    if (std::fabs(t / s) < kEps) return s;
    k += 1.0;
    a *= x + k;
    b /= w;
    k += 1.0;
  }
  return s;
}

// The regularized incomplete gamma functions P(a, x) (igamma) and Q(a, x) = 1 - P (igammac), in
// double: the power series of P for x < a + 1, else the continued fraction of Q (modified Lentz).
// NaN for a <= 0 or x < 0 (P(a, 0) = 0, Q(a, 0) = 1), as TF's.
double igamma_prefactor(double a, double x) {
  return std::exp(a * std::log(x) - x - std::lgamma(a));
}

double igamma_series(double a, double x) {
  double term = 1.0 / a, sum = term, ap = a;
  for (int n = 0; n < 2000; ++n) {
    ap += 1.0;
    term *= x / ap;
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * 1e-17) break;
  }
  return sum * igamma_prefactor(a, x);
}

double igammac_fraction(double a, double x) {
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / kTiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 2000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < 1e-17) break;
  }
  return igamma_prefactor(a, x) * h;
}

double igamma(double a, double x, bool upper) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (std::isnan(a) || std::isnan(x)) return kNaN;
  if (x == 0.0 && a > 0.0) return upper ? 1.0 : 0.0;
  if (x < 0.0 || a <= 0.0) return kNaN;
  if (std::isinf(x)) return upper ? 0.0 : 1.0;
  if (x < a + 1.0) {
    const double p = igamma_series(a, x);
    return upper ? 1.0 - p : p;
  }
  const double q = igammac_fraction(a, x);
  return upper ? q : 1.0 - q;
}

// polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x); n must be a whole number >= 0 (else NaN).
double polygamma(double n, double x) {
  if (!(n >= 0.0) || n != std::floor(n)) return std::numeric_limits<double>::quiet_NaN();
  if (n == 0.0) return digamma(x);
  const double factorial = std::exp(std::lgamma(n + 1.0));
  return (std::fmod(n, 2.0) == 1.0 ? 1.0 : -1.0) * factorial * zeta(n + 1.0, x);
}

// The standard normal quantile: Acklam's rational approximation (relative error 1.2e-9), then one
// Halley step on 0.5 erfc(-z / sqrt 2) - p. As TF: -inf at 0, +inf at 1, NaN outside [0, 1].
double ndtri(double p) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (!(p >= 0.0 && p <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  if (p > 0.5) return -ndtri(1.0 - p);  // exact (Sterbenz): the upper tail from the lower one
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  double z;
  if (p < 0.02425) {
    const double q = std::sqrt(-2.0 * std::log(p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p > 1.0 - 0.02425) {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else {
    const double q = p - 0.5, r = q * q;
    z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  const double e = 0.5 * std::erfc(-z / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2.0 * kPi) * std::exp(z * z / 2.0);
  return z - u / (1.0 + z * u / 2.0);
}

// The inverse error function: ndtri's value as a start, then three Newton steps on erf (on erfc
// near +-1, where 1 - |x| is exact).
double erfinv(double x) {
  if (!(x >= -1.0 && x <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (x == -1.0 || x == 1.0) return x * std::numeric_limits<double>::infinity();
  if (x == 0.0) return x;
  const double ax = std::fabs(x);
  // erfinv(x) = -ndtri((1 - x) / 2) / sqrt 2, with 1 - x exact near 1
  double y = -ndtri((1.0 - ax) / 2.0) / std::sqrt(2.0);
  for (int i = 0; i < 3; ++i) {
    const double f = ax > 0.5 ? (1.0 - ax) - std::erfc(y) : std::erf(y) - ax;
    const double fp = 2.0 / std::sqrt(kPi) * std::exp(-y * y);
    y -= f / fp;
  }
  return x < 0 ? -y : y;
}

// exp(-|x|) I_nu(x) for nu = 0 or 1 in double: the power series up to |x| = 30 (positive terms),
// the asymptotic expansion beyond (its terms shrink until k ~ 2|x|, far past 1e-17).
double bessel_ie(int nu, double x) {
  if (std::isnan(x)) return x;
  const double ax = std::fabs(x);
  double r;
  if (ax <= 30.0) {
    const double q = ax * ax / 4.0;
    double term = nu == 0 ? 1.0 : ax / 2.0, sum = term;
    for (int k = 1; k < 500; ++k) {
      term *= q / (double(k) * double(k + nu));
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    r = sum * std::exp(-ax);
  } else {
    if (std::isinf(ax)) return 0.0;
    const double mu = 4.0 * nu * nu;
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 60; ++k) {
      const double odd = 2.0 * k - 1.0;
      term *= -(mu - odd * odd) / (double(k) * 8.0 * ax);
      sum += term;
      if (std::fabs(term) < 1e-17 * std::fabs(sum)) break;
    }
    r = sum / std::sqrt(2.0 * kPi * ax);
  }
  return nu == 1 && x < 0 ? -r : r;
}

// As TF: exp(|x|) times the scaled function, so NaN (0 * inf) at +-inf.
double bessel_i(int nu, double x) { return bessel_ie(nu, x) * std::exp(std::fabs(x)); }

// The regularized incomplete beta function I_x(a, b) in double: its continued fraction
// (modified Lentz), on x or, by symmetry, on 1 - x. As TF: NaN for a <= 0, b <= 0 or x outside
// [0, 1].
double beta_cf(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < 1e-16) break;
  }
  return h;
}

double betainc(double a, double b, double x) {
  if (!(a > 0.0 && b > 0.0 && x >= 0.0 && x <= 1.0))
    return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0 || x == 1.0) return x;
  int sign = 0;
  const double lbt = ::lgamma_r(a + b, &sign) - ::lgamma_r(a, &sign) - ::lgamma_r(b, &sign) +
                     a * std::log(x) + b * std::log1p(-x);
  const double bt = std::exp(lbt);
  if (x < (a + 1.0) / (a + b + 2.0)) return bt * beta_cf(a, b, x) / a;
  return 1.0 - bt * beta_cf(b, a, 1.0 - x) / b;
}

void k_betainc(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Betainc";
  check_count(op, nin, 3, nout, 1);
  for (int i = 0; i < 3; ++i) {
    check_same_dtype(op, in[i], out[0]);
    check_same_shape(op, in[i], out[0]);
  }
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T *a = in[0].ptr<T>(), *b = in[1].ptr<T>(), *x = in[2].ptr<T>();
    T* y = out[0].ptr<T>();
    parallel_for(out[0].size(), kParallelGrain / 16, [&](int64_t s, int64_t e) {
      for (int64_t k = s; k < e; ++k) y[k] = T(betainc(double(a[k]), double(b[k]), double(x[k])));
    });
  });
}

template <typename T>
T log_add_exp(T a, T b) {
  if (a != a || b != b) return a + b;  // NaN
  if (a < b) std::swap(a, b);
  if (b == -std::numeric_limits<T>::infinity() || a == std::numeric_limits<T>::infinity()) return a;
  return a + std::log1p(std::exp(b - a));
}

template <typename T>
T lgamma_t(T x) {
  int sign = 0;  // the reentrant forms: std::lgamma writes the global signgam
  if constexpr (std::is_same_v<T, float>) return ::lgammaf_r(x, &sign);
  else return ::lgamma_r(x, &sign);
}

// ---- unary: float -> float -----------------------------------------------------------------
template <typename F>
void float_unary(const char* op, const TensorView* in, int nin, TensorView* out, int nout, F f) {
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = in[0].size();
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* y = out[0].ptr<T>();
    parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) y[k] = T(f(x[k]));
    });
  });
}

#define FUN(NAME, OPNAME, EXPR)                                                       \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) { \
    float_unary(OPNAME, in, nin, out, nout, [](auto x) {                              \
      using T = decltype(x);                                                          \
      (void)sizeof(T);                                                                \
      return EXPR;                                                                    \
    });                                                                               \
  }
FUN(k_sin, "Sin", std::sin(x))
FUN(k_cos, "Cos", std::cos(x))
FUN(k_tan, "Tan", std::tan(x))
FUN(k_asin, "Asin", std::asin(x))
FUN(k_acos, "Acos", std::acos(x))
FUN(k_atan, "Atan", std::atan(x))
FUN(k_sinh, "Sinh", std::sinh(x))
FUN(k_cosh, "Cosh", std::cosh(x))
FUN(k_asinh, "Asinh", std::asinh(x))
FUN(k_acosh, "Acosh", std::acosh(x))
FUN(k_atanh, "Atanh", std::atanh(x))
FUN(k_ceil, "Ceil", std::ceil(x))
FUN(k_rint, "Rint", std::nearbyint(x))  // halves to even, as TF's Rint and Round
FUN(k_expm1, "Expm1", std::expm1(x))
FUN(k_log1p, "Log1p", std::log1p(x))
FUN(k_rsqrt, "Rsqrt", T(1) / std::sqrt(x))
FUN(k_erf, "Erf", std::erf(x))
FUN(k_erfc, "Erfc", std::erfc(x))
FUN(k_lgamma, "Lgamma", lgamma_t(x))
FUN(k_digamma, "Digamma", T(digamma(double(x))))
FUN(k_ndtri, "Ndtri", T(ndtri(double(x))))
FUN(k_erfinv, "Erfinv", T(erfinv(double(x))))
FUN(k_bessel_i0e, "BesselI0e", T(bessel_ie(0, double(x))))
FUN(k_bessel_i1e, "BesselI1e", T(bessel_ie(1, double(x))))
FUN(k_bessel_i0, "BesselI0", T(bessel_i(0, double(x))))
FUN(k_bessel_i1, "BesselI1", T(bessel_i(1, double(x))))
FUN(k_softsign, "Softsign", x / (T(1) + std::fabs(x)))
#undef FUN

// ---- unary: float -> bool, bool -> bool ----------------------------------------------------
template <typename F>
void classify(const char* op, const TensorView* in, int nin, TensorView* out, int nout, F f) {
  check_count(op, nin, 1, nout, 1);
  check_dtype(op, out[0], DType::kBool, "output");
  check_same_shape(op, in[0], out[0]);
  const int64_t n = in[0].size();
  bool* y = out[0].ptr<bool>();
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) y[k] = f(x[k]);
    });
  });
}

void k_is_finite(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  classify("IsFinite", in, nin, out, nout, [](auto x) { return bool(std::isfinite(x)); });
}
void k_is_inf(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  classify("IsInf", in, nin, out, nout, [](auto x) { return bool(std::isinf(x)); });
}
void k_is_nan(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  classify("IsNan", in, nin, out, nout, [](auto x) { return bool(std::isnan(x)); });
}

void k_logical_not(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "LogicalNot";
  check_count(op, nin, 1, nout, 1);
  check_dtype(op, in[0], DType::kBool, "input");
  check_dtype(op, out[0], DType::kBool, "output");
  check_same_shape(op, in[0], out[0]);
  const bool* x = in[0].ptr<bool>();
  bool* y = out[0].ptr<bool>();
  parallel_for(in[0].size(), kCheapGrain, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) y[k] = !x[k];
  });
}

// ---- binary, with broadcasting ---------------------------------------------------------------
template <typename T, typename R, typename F>
void bcast_loop(const Strided& it, const T* a, const T* b, R* o, F f) {
  const int64_t ia = it.sa[it.nd - 1], ib = it.sb[it.nd - 1];
  for_each_row(it, [&](int64_t oa, int64_t ob, int64_t oo, int64_t n) {
    for (int64_t k = 0; k < n; ++k) o[oo + k] = f(a[oa + k * ia], b[ob + k * ib]);
  });
}

template <typename F>
void float_binary(const char* op, const TensorView* in, int nin, TensorView* out, int nout, F f) {
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const Strided it = make_strided(op, in[0], in[1], out[0]);
  TFL_FLOAT_CASES(in[0].dtype, op,
                  bcast_loop(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(),
                             [&](T x, T y) { return T(f(x, y)); }));
}

#define FBIN(NAME, OPNAME, EXPR)                                                      \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) { \
    float_binary(OPNAME, in, nin, out, nout, [](auto x, auto y) {                     \
      using T = decltype(x);                                                          \
      (void)sizeof(T);                                                                \
      return EXPR;                                                                    \
    });                                                                               \
  }
FBIN(k_atan2, "Atan2", std::atan2(x, y))
FBIN(k_nextafter, "NextAfter", std::nextafter(x, y))
FBIN(k_zeta, "Zeta", T(zeta(double(x), double(y))))
FBIN(k_igamma, "Igamma", T(igamma(double(x), double(y), false)))
FBIN(k_igammac, "Igammac", T(igamma(double(x), double(y), true)))
FBIN(k_polygamma, "Polygamma", T(polygamma(double(x), double(y))))
FBIN(k_xlogy, "Xlogy", x == T(0) ? T(0) : x * std::log(y))
FBIN(k_xdivy, "Xdivy", x == T(0) ? T(0) : x / y)
FBIN(k_div_no_nan, "DivNoNan", y == T(0) ? T(0) : x / y)
FBIN(k_mul_no_nan, "MulNoNan", y == T(0) ? T(0) : x * y)
#undef FBIN

template <typename T>
T squared_difference(T x, T y) {
  if constexpr (std::is_integral_v<T>) {  // wraps, as NumPy
    using U = std::make_unsigned_t<T>;
    const U d = U(x) - U(y);
    return T(d * d);
  } else {
    return (x - y) * (x - y);
  }
}

void k_squared_difference(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SquaredDifference";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const Strided it = make_strided(op, in[0], in[1], out[0]);
  TFL_NUMERIC_CASES(
      in[0].dtype, op,
      bcast_loop(it, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(), squared_difference<T>));
}

template <bool And>
void logical_binary(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  check_count(op, nin, 2, nout, 1);
  for (int i = 0; i < 2; ++i) check_dtype(op, in[i], DType::kBool, "input");
  check_dtype(op, out[0], DType::kBool, "output");
  const Strided it = make_strided(op, in[0], in[1], out[0]);
  bcast_loop(it, in[0].ptr<bool>(), in[1].ptr<bool>(), out[0].ptr<bool>(),
             [](bool x, bool y) { return And ? (x && y) : (x || y); });
}
void k_logical_and(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  logical_binary<true>("LogicalAnd", in, nin, out, nout);
}
void k_logical_or(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  logical_binary<false>("LogicalOr", in, nin, out, nout);
}

// ---- cumsum / cumprod: ints = [axis, exclusive, reverse] ------------------------------------
enum class Cum { kSum, kProd, kLogSumExp };

template <Cum C, typename T>
T cum_init() {
  if constexpr (C == Cum::kProd) return T(1);
  if constexpr (C == Cum::kLogSumExp) return -std::numeric_limits<T>::infinity();
  return T(0);
}

template <Cum C, typename T>
T cum_step(T acc, T v) {
  if constexpr (C == Cum::kProd) return acc * v;
  if constexpr (C == Cum::kLogSumExp) return log_add_exp(acc, v);
  return acc + v;
}

template <Cum C>
void cumulative(const char* op, const TensorView* in, int nin, TensorView* out, int nout,
                const Attrs& a) {
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const TensorView& x = in[0];
  if (x.ndim < 1) fail(op, "input must have rank >= 1");
  int64_t axis = a.i(0, op);
  if (axis < -x.ndim || axis >= x.ndim)
    fail(op, "axis ", axis, " is out of range for rank ", x.ndim);
  if (axis < 0) axis += x.ndim;
  const bool exclusive = a.i(1, op) != 0, reverse = a.i(2, op) != 0;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.shape[d];
  for (int d = int(axis) + 1; d < x.ndim; ++d) inner *= x.shape[d];
  const int64_t len = x.shape[axis];
  auto run = [&](auto* src, auto* dst) {
    using T = std::remove_pointer_t<decltype(dst)>;
    parallel_for(outer * inner, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(len, 1)),
                 [&](int64_t b, int64_t e) {
                   for (int64_t r = b; r < e; ++r) {
                     const int64_t base = (r / inner) * len * inner + r % inner;
                     T acc = cum_init<C, T>();
                     for (int64_t j = 0; j < len; ++j) {
                       const int64_t at = base + (reverse ? len - 1 - j : j) * inner;
                       const T v = src[at];
                       if (exclusive) dst[at] = acc;
                       acc = cum_step<C, T>(acc, v);
                       if (!exclusive) dst[at] = acc;
                     }
                   }
                 });
  };
  if constexpr (C == Cum::kLogSumExp) {
    TFL_FLOAT_CASES(x.dtype, op, run(x.ptr<T>(), out[0].ptr<T>()));
  } else {
    TFL_NUMERIC_CASES(x.dtype, op, run(x.ptr<T>(), out[0].ptr<T>()));
  }
}
void k_cumsum(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  cumulative<Cum::kSum>("Cumsum", in, nin, out, nout, a);
}
void k_cumprod(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  cumulative<Cum::kProd>("Cumprod", in, nin, out, nout, a);
}
void k_cumulative_logsumexp(const TensorView* in, int nin, TensorView* out, int nout,
                            const Attrs& a) {
  cumulative<Cum::kLogSumExp>("CumulativeLogsumexp", in, nin, out, nout, a);
}

// ---- unsorted segment max / min / prod --------------------------------------------------------
enum class Seg { kMax, kMin, kProd };

// As unsorted_segment_sum (indexing.cc): out[s] combines data[i] over ids[i] == s; an empty
// segment holds the identity (lowest, highest or 1, as TF); ids outside [0, n) are an error.
template <Seg S>
void segment_reduce(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  const SegmentShape g = check_segments(op, in, nin, out, nout);
  const int64_t nseg = g.nseg, n = g.n, inner = g.inner;
  const TensorView &data = in[0], &ids = in[1];
  for (int64_t k = 0; k < n; ++k) {
    const int64_t v = index_at(ids, k);
    if (v < 0 || v >= nseg) fail(op, "segment_ids[", k, "] = ", v, " is not in [0, ", nseg, ")");
  }
  TFL_NUMERIC_CASES(data.dtype, op, {
    const T* x = data.ptr<T>();
    T* r = out[0].ptr<T>();
    T init = T(1);
    if constexpr (S == Seg::kMax) init = std::numeric_limits<T>::lowest();
    if constexpr (S == Seg::kMin) init = std::numeric_limits<T>::max();
    std::fill(r, r + nseg * inner, init);
    parallel_for(inner, kCheapGrain, [&](int64_t c0, int64_t c1) {
      for (int64_t k = 0; k < n; ++k) {
        T* dst = r + index_at(ids, k) * inner;
        const T* src = x + k * inner;
        for (int64_t c = c0; c < c1; ++c) {
          const T v = src[c], cur = dst[c];
          if constexpr (S == Seg::kMax) dst[c] = (v > cur || v != v) ? v : cur;  // NaN sticks
          if constexpr (S == Seg::kMin) dst[c] = (v < cur || v != v) ? v : cur;
          if constexpr (S == Seg::kProd) dst[c] = cur * v;
        }
      }
    });
  });
}
void k_segment_max(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  segment_reduce<Seg::kMax>("UnsortedSegmentMax", in, nin, out, nout);
}
void k_segment_min(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  segment_reduce<Seg::kMin>("UnsortedSegmentMin", in, nin, out, nout);
}
void k_segment_prod(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  segment_reduce<Seg::kProd>("UnsortedSegmentProd", in, nin, out, nout);
}

}  // namespace

void register_math(Registry& r) {
  r["sin"] = k_sin;
  r["cos"] = k_cos;
  r["tan"] = k_tan;
  r["asin"] = k_asin;
  r["acos"] = k_acos;
  r["atan"] = k_atan;
  r["sinh"] = k_sinh;
  r["cosh"] = k_cosh;
  r["asinh"] = k_asinh;
  r["acosh"] = k_acosh;
  r["atanh"] = k_atanh;
  r["ceil"] = k_ceil;
  r["rint"] = k_rint;
  r["expm1"] = k_expm1;
  r["log1p"] = k_log1p;
  r["rsqrt"] = k_rsqrt;
  r["erf"] = k_erf;
  r["erfc"] = k_erfc;
  r["lgamma"] = k_lgamma;
  r["digamma"] = k_digamma;
  r["softsign"] = k_softsign;
  r["bessel_i0"] = k_bessel_i0;
  r["bessel_i0e"] = k_bessel_i0e;
  r["bessel_i1"] = k_bessel_i1;
  r["bessel_i1e"] = k_bessel_i1e;
  r["is_finite"] = k_is_finite;
  r["is_inf"] = k_is_inf;
  r["is_nan"] = k_is_nan;
  r["logical_not"] = k_logical_not;
  r["logical_and"] = k_logical_and;
  r["logical_or"] = k_logical_or;
  r["atan2"] = k_atan2;
  r["zeta"] = k_zeta;
  r["igamma"] = k_igamma;
  r["igammac"] = k_igammac;
  r["betainc"] = k_betainc;
  r["polygamma"] = k_polygamma;
  r["xlogy"] = k_xlogy;
  r["xdivy"] = k_xdivy;
  r["div_no_nan"] = k_div_no_nan;
  r["mul_no_nan"] = k_mul_no_nan;
  r["squared_difference"] = k_squared_difference;
  r["cumsum"] = k_cumsum;
  r["cumprod"] = k_cumprod;
  r["cumulative_logsumexp"] = k_cumulative_logsumexp;
  r["ndtri"] = k_ndtri;
  r["erfinv"] = k_erfinv;
  r["nextafter"] = k_nextafter;
  r["unsorted_segment_max"] = k_segment_max;
  r["unsorted_segment_min"] = k_segment_min;
  r["unsorted_segment_prod"] = k_segment_prod;
}

}  // namespace tfl
