// random_dist.cc: the random distributions beyond random.cc's three, in two families.
//  Stateless (TF's Stateless* ops): in[0] is the int32/int64 seed pair, scrambled into a Philox
//  key and counter as TF does; uniform, normal, truncated normal and the integer uniforms give
//  TF's values bit for bit (the same stream, the same word-to-number conversions).
//  Stateful (RANDOM ops): in[0] is the session's int64[1] run counter, ints = [seed, seed2].
// The samplers of variable cost (gamma, Poisson, binomial, truncated normal with bounds) give
// output element i the words of its own stretch of the stream (256 words, as TF reserves), so
// results never depend on the thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "kernels.h"
#include "philox_stream.h"

namespace tfl {
namespace {

constexpr uint64_t kBlocksPerOutput = 64;  // 256 words reserved per variable-cost output

// ---- streams ------------------------------------------------------------------------------------
PhiloxStream seed_stream(const char* op, const TensorView& seed) {
  if (seed.ndim != 1 || seed.size() != 2)
    fail(op, "seed must have shape [2], not ", seed.shape_str());
  if (seed.dtype == DType::kInt32)
    return PhiloxStream::from_seed(uint64_t(int64_t(seed.ptr<int32_t>()[0])),
                                   uint64_t(int64_t(seed.ptr<int32_t>()[1])));
  if (seed.dtype == DType::kInt64)
    return PhiloxStream::from_seed(uint64_t(seed.ptr<int64_t>()[0]),
                                   uint64_t(seed.ptr<int64_t>()[1]));
  fail(op, "seed must be int32 or int64, got ", dtype_name(seed.dtype));
}

// TF's V2 ops (the Generator's): in[0] = the 128-bit counter as int64[2], in[1] = the key as
// int64[1], used as they are; ints = [1] marks them.
int keyed(const Attrs& a) { return !a.ints.empty() && a.ints[0] == 1 ? 2 : 1; }

PhiloxStream stateless_stream(const char* op, const TensorView* in, const Attrs& a) {
  if (keyed(a) == 1) return seed_stream(op, in[0]);
  check_dtype(op, in[0], DType::kInt64, "counter");
  check_dtype(op, in[1], DType::kInt64, "key");
  if (in[0].size() != 2 || in[1].size() != 1)
    fail(op, "counter must have 2 elements and key 1, got ", in[0].shape_str(), " and ",
         in[1].shape_str());
  const uint64_t c0 = uint64_t(in[0].ptr<int64_t>()[0]), c1 = uint64_t(in[0].ptr<int64_t>()[1]);
  const uint64_t key = uint64_t(in[1].ptr<int64_t>()[0]);
  PhiloxStream s;
  s.ph = Philox{uint32_t(key), uint32_t(key >> 32)};
  s.c[0] = uint32_t(c0);
  s.c[1] = uint32_t(c0 >> 32);
  s.c[2] = uint32_t(c1);
  s.c[3] = uint32_t(c1 >> 32);
  return s;
}

PhiloxStream run_stream(const char* op, const TensorView& counter, const Attrs& a) {
  check_dtype(op, counter, DType::kInt64, "run counter");
  if (counter.size() < 1) fail(op, "run counter must have one element");
  const uint64_t run = uint64_t(__atomic_fetch_add(counter.ptr<int64_t>(), 1, __ATOMIC_RELAXED));
  return PhiloxStream::from_run(uint64_t(a.i(0, op)), uint64_t(a.i(1, op)), run);
}

// ---- samplers on one output's words -------------------------------------------------------------
double unif(SingleSample& g) {
  const uint32_t x0 = g(), x1 = g();
  return uint64_to_double(x0, x1);
}
double normal(SingleSample& g) {
  const uint32_t x0 = g(), x1 = g(), x2 = g(), x3 = g();
  double d0, d1;
  box_muller_double(x0, x1, x2, x3, &d0, &d1);
  return d0;
}

// Marsaglia and Tsang (2000) as TF's gamma kernels run it, so that the stateless op gives TF's
// values: normals and uniforms come two per Philox block (Box-Muller; two 52-bit doubles), each
// pair taken last-first; alpha < 1 through Gamma(alpha + 1) * U^(1/alpha); alpha = 1: the
// exponential -log1p(-U) from the second uniform of a block.
struct PairBuffer {
  double v[2] = {0, 0};
  int left = 0;
};

double gamma_sample(double alpha, PhiloxStream gen) {
  if (!(alpha > 0)) return std::numeric_limits<double>::quiet_NaN();
  PairBuffer nb, ub;
  auto normal_draw = [&] {
    if (!nb.left) {
      uint32_t w[4];
      gen.next(w);
      box_muller_double(w[0], w[1], w[2], w[3], &nb.v[0], &nb.v[1]);
      nb.left = 2;
    }
    return nb.v[--nb.left];
  };
  auto uniform_draw = [&] {
    if (!ub.left) {
      uint32_t w[4];
      gen.next(w);
      ub.v[0] = uint64_to_double(w[0], w[1]);
      ub.v[1] = uint64_to_double(w[2], w[3]);
      ub.left = 2;
    }
    return ub.v[--ub.left];
  };
  if (alpha == 1.0) return -std::log1p(-uniform_draw());
  const bool boost = alpha < 1;
  const double d = alpha + (boost ? 2.0 / 3 : -1.0 / 3);
  const double c = 1.0 / 3 / std::sqrt(d);
  for (;;) {
    const double x = normal_draw();
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = uniform_draw();
    if ((u < 1 - 0.0331 * (x * x) * (x * x)) ||
        (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v)))) {
      double r = d * v;
      if (boost) r *= std::pow(uniform_draw(), 1 / alpha);
      return r;
    }
  }
}

// TF's order: alpha-major output indices (output i = sample i / p of alpha i % p gets index
// (i % p) * (n / p) + i / p), 256 Philox blocks reserved per output.
void gamma_fill(const char* op, const PhiloxStream& base, const TensorView& alpha, TensorView& y) {
  check_same_dtype(op, alpha, y);
  const int64_t n = y.size(), p = alpha.size();
  if (n == 0) return;
  if (p == 0) fail(op, "Input alpha should have non-zero element count, got: 0");
  if (n % p) fail(op, "Shape passed in must end with broadcasted shape.");
  const int64_t per = n / p;
  TFL_FLOAT_CASES(y.dtype, op, {
    const T* a = alpha.ptr<T>();
    T* out = y.ptr<T>();
    parallel_for(n, 64, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t idx = (i % p) * per + i / p;
        out[i] = T(gamma_sample(double(a[i % p]), base.skipped(uint64_t(idx) * 256)));
      }
    });
  });
}

// Knuth's product of uniforms below rate 10, Hormann's PTRS (1993) above, as TF's Poisson kernels
// run them (so the stateless op gives TF's values): computed in the rate's precision (CT: float
// for float32 rates, else double) on double uniforms (two per Philox block, taken last-first).
template <typename CT>
double poisson_sample(CT rate, PhiloxStream gen) {
  if (std::isnan(rate)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(rate)) return rate > 0 ? double(rate) : 0.0;
  double buf[2] = {0, 0};
  int left = 0;
  auto uniform_draw = [&]() -> CT {
    if (!left) {
      uint32_t w[4];
      gen.next(w);
      buf[0] = uint64_to_double(w[0], w[1]);
      buf[1] = uint64_to_double(w[2], w[3]);
      left = 2;
    }
    return CT(buf[--left]);
  };
  if (rate < CT(10)) {
    const CT exp_neg_rate = std::exp(-rate);
    CT prod = 1, x = 0;
    for (;;) {
      prod = prod * uniform_draw();
      if (prod <= exp_neg_rate) return double(x);
      x += 1;
    }
  }
  const CT log_rate = std::log(rate);
  const CT b = CT(0.931) + CT(2.53) * std::sqrt(rate);
  const CT a = CT(-0.059) + CT(0.02483) * b;
  const CT inv_alpha = CT(1.1239) + CT(1.1328) / (b - CT(3.4));
  for (;;) {
    CT u = uniform_draw();
    u -= CT(0.5);
    const CT v = uniform_draw();
    const CT us = CT(0.5) - std::fabs(u);
    const CT k = std::floor((CT(2) * a / us + b) * u + rate + CT(0.43));
    if (us >= CT(0.07) && v <= CT(0.9277) - CT(3.6224) / (b - CT(2))) return double(k);
    if (k < 0 || (us < CT(0.013) && v > us)) continue;
    const CT s = std::log(v * inv_alpha / (a / (us * us) + b));
    const CT t = -rate + k * log_rate - std::lgamma(k + 1);
    if (s <= t) return double(k);
  }
}

double stirling_tail(double k) {  // log(k!) minus Stirling's approximation of it
  return std::lgamma(k + 1) - ((k + 0.5) * std::log(k + 1) - (k + 1) + 0.5 * std::log(2 * M_PI));
}

// Inversion by geometric waiting times below n*p = 10; Hormann's BTRS (1993) above.
double binomial_sample(double n, double p, SingleSample& g) {
  if (!(n >= 0) || !(p >= 0 && p <= 1)) return std::numeric_limits<double>::quiet_NaN();
  if (n == 0 || p == 0) return 0;
  if (p == 1) return n;
  if (p > 0.5) return n - binomial_sample(n, 1 - p, g);
  if (n * p < 10) {
    const double log1mp = std::log1p(-p);
    double sum = 0, count = 0;
    for (;;) {
      sum += std::ceil(std::log(1.0 - unif(g)) / log1mp);
      if (sum > n) return count;
      count += 1;
    }
  }
  const double spq = std::sqrt(n * p * (1 - p)), b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p, c = n * p + 0.5, vr = 0.92 - 4.2 / b;
  const double r = p / (1 - p), alpha = (2.83 + 5.1 / b) * spq, m = std::floor((n + 1) * p);
  for (;;) {
    const double u = unif(g) - 0.5, us = 0.5 - std::fabs(u);
    double v = unif(g);
    const double k = std::floor((2 * a / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = std::log(v * alpha / (a / (us * us) + b));
    const double bound = (m + 0.5) * std::log((m + 1) / (r * (n - m + 1))) +
                         (n + 1) * std::log((n - m + 1) / (n - k + 1)) +
                         (k + 0.5) * std::log(r * (n - k + 1) / (k + 1)) + stirling_tail(m) +
                         stirling_tail(n - m) - stirling_tail(k) - stirling_tail(n - k);
    if (v <= bound) return k;
  }
}

// A standard normal restricted to [lo, hi]: plain rejection when the interval holds much of the
// mass, uniform proposals on short intervals, Robert's (1995) exponential proposals in a tail.
double truncated_std_normal(double lo, double hi, SingleSample& g) {
  if (!(lo < hi)) return std::numeric_limits<double>::quiet_NaN();
  if (lo <= 0 && hi >= 0 && hi - lo >= 1.3) {
    for (;;) {
      const double z = normal(g);
      if (z >= lo && z <= hi) return z;
    }
  }
  double sign = 1;
  if (hi <= 0) {  // mirror into [lo, hi] with 0 <= lo
    const double t = lo;
    lo = -hi;
    hi = -t;
    sign = -1;
  }
  if (lo < 0 || (hi - lo) * lo < 1) {  // uniform proposals; density max at max(lo, 0)
    const double peak = lo > 0 ? lo * lo : 0.0;
    for (;;) {
      const double z = lo + (hi - lo) * unif(g);
      if (unif(g) <= std::exp(0.5 * (peak - z * z))) return sign * z;
    }
  }
  const double alpha = 0.5 * (lo + std::sqrt(lo * lo + 4));
  for (;;) {
    const double z = lo - std::log1p(-unif(g)) / alpha;
    if (z > hi) continue;
    if (unif(g) <= std::exp(-0.5 * (z - alpha) * (z - alpha))) return sign * z;
  }
}

// ---- stateless: TF's exact streams --------------------------------------------------------------
// Two normals by Box-Muller from 2 words (float) or 4 words (double).
template <typename T> constexpr int words_per_pair = sizeof(T) == 4 ? 2 : 4;
inline void normal_pair(const uint32_t* w, float* v) { box_muller_float(w[0], w[1], v, v + 1); }
inline void normal_pair(const uint32_t* w, double* v) {
  box_muller_double(w[0], w[1], w[2], w[3], v, v + 1);
}

// Output blocks of `per` values from consecutive Philox blocks (TF's FillPhiloxRandom).
template <typename F>
void fill_blocks(const PhiloxStream& base, int64_t n, int per, F&& make) {
  const int64_t blocks = (n + per - 1) / per;
  parallel_for(blocks, 1024, [&](int64_t b, int64_t e) {
    PhiloxStream s = base.skipped(uint64_t(b));
    for (int64_t k = b; k < e; ++k) {
      uint32_t w[4];
      s.next(w);
      make(k * per, std::min<int64_t>(per, n - k * per), w);
    }
  });
}

void k_stateless_uniform(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "StatelessRandomUniform";
  const int k = keyed(a);  // inputs taken by the seed (1) or by counter and key (2)
  check_count(op, nin, k + 0, nout, 1);
  const PhiloxStream base = stateless_stream(op, in, a);
  TFL_FLOAT_CASES(out[0].dtype, op, {
    T* y = out[0].ptr<T>();
    constexpr int per = sizeof(T) == 4 ? 4 : 2;
    fill_blocks(base, out[0].size(), per, [&](int64_t i, int64_t m, const uint32_t* w) {
      for (int64_t j = 0; j < m; ++j) {
        if constexpr (sizeof(T) == 4) y[i + j] = uint32_to_float(w[j]);
        else y[i + j] = uint64_to_double(w[2 * j], w[2 * j + 1]);
      }
    });
  });
}

void k_stateless_normal(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "StatelessRandomNormal";
  const int k = keyed(a);  // inputs taken by the seed (1) or by counter and key (2)
  check_count(op, nin, k + 0, nout, 1);
  const PhiloxStream base = stateless_stream(op, in, a);
  TFL_FLOAT_CASES(out[0].dtype, op, {
    T* y = out[0].ptr<T>();
    constexpr int per = sizeof(T) == 4 ? 4 : 2;
    fill_blocks(base, out[0].size(), per, [&](int64_t i, int64_t m, const uint32_t* w) {
      T v[4];
      for (int q = 0; q < 4 / words_per_pair<T>; ++q)
        normal_pair(w + q * words_per_pair<T>, v + 2 * q);
      for (int64_t j = 0; j < m; ++j) y[i + j] = v[j];
    });
  });
}

void k_stateless_truncated(const TensorView* in, int nin, TensorView* out, int nout,
                           const Attrs& a) {
  const char* op = "StatelessTruncatedNormal";
  const int k = keyed(a);  // inputs taken by the seed (1) or by counter and key (2)
  check_count(op, nin, k + 0, nout, 1);
  const PhiloxStream base = stateless_stream(op, in, a);
  TFL_FLOAT_CASES(out[0].dtype, op, {
    T* y = out[0].ptr<T>();
    constexpr int per = sizeof(T) == 4 ? 4 : 2;  // a group of outputs per 256 reserved words
    const int64_t n = out[0].size(), groups = (n + per - 1) / per;
    parallel_for(groups, 256, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        PhiloxStream s = base.skipped(uint64_t(k) * uint64_t(per) * 256 / 4);
        SingleSample g{&s};
        T v[4];
        int got = 0;
        while (got < per) {
          T f[2];
          uint32_t x[4];
          for (int t = 0; t < words_per_pair<T>; ++t) x[t] = g();
          normal_pair(x, f);
          for (int t = 0; t < 2 && got < per; ++t)
            if (std::fabs(f[t]) < T(2)) v[got++] = f[t];
        }
        for (int64_t j = 0; j < per && k * per + j < n; ++j) y[k * per + j] = v[j];
      }
    });
  });
}

template <typename T>
T scalar_of(const char* op, const TensorView& t, const char* what) {
  if (t.size() != 1) fail(op, what, " must be a scalar, got shape ", t.shape_str());
  return t.ptr<T>()[0];
}

// lo + bits % (hi - lo), TF's UniformDistribution for int32 (one word) and int64 (two words).
template <typename T>
void uniform_int_blocks(const char* op, const PhiloxStream& base, const TensorView& lo_t,
                        const TensorView& hi_t, TensorView& y) {
  check_same_dtype(op, lo_t, y);
  check_same_dtype(op, hi_t, y);
  const T lo = scalar_of<T>(op, lo_t, "minval"), hi = scalar_of<T>(op, hi_t, "maxval");
  if (y.size() == 0) return;
  if (!(lo < hi)) fail(op, "Need minval < maxval, got ", lo, " >= ", hi);
  using U = std::make_unsigned_t<T>;
  const U range = U(hi) - U(lo);
  T* out = y.ptr<T>();
  constexpr int per = sizeof(T) == 4 ? 4 : 2;
  fill_blocks(base, y.size(), per, [&](int64_t i, int64_t m, const uint32_t* w) {
    for (int64_t j = 0; j < m; ++j) {
      U bits;
      if constexpr (sizeof(T) == 4) bits = w[j];
      else bits = U(w[2 * j]) | U(w[2 * j + 1]) << 32;
      out[i + j] = T(U(lo) + bits % range);
    }
  });
}

void k_stateless_uniform_int(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs& a) {
  const char* op = "StatelessRandomUniformInt";
  const int k = keyed(a);  // inputs taken by the seed (1) or by counter and key (2)
  check_count(op, nin, k + 2, nout, 1);
  const PhiloxStream base = stateless_stream(op, in, a);
  if (out[0].dtype == DType::kInt32)
    uniform_int_blocks<int32_t>(op, base, in[k], in[k + 1], out[0]);
  else if (out[0].dtype == DType::kInt64)
    uniform_int_blocks<int64_t>(op, base, in[k], in[k + 1], out[0]);
  else fail(op, "unsupported dtype ", dtype_name(out[0].dtype));
}

void k_stateless_full_int(const TensorView* in, int nin, TensorView* out, int nout,
                          const Attrs& a) {
  const char* op = "StatelessRandomUniformFullInt";
  const int k = keyed(a);  // inputs taken by the seed (1) or by counter and key (2)
  check_count(op, nin, k + 0, nout, 1);
  const PhiloxStream base = stateless_stream(op, in, a);
  if (out[0].dtype == DType::kInt32) {
    int32_t* y = out[0].ptr<int32_t>();
    fill_blocks(base, out[0].size(), 4, [&](int64_t i, int64_t m, const uint32_t* w) {
      for (int64_t j = 0; j < m; ++j) y[i + j] = int32_t(w[j]);
    });
  } else if (out[0].dtype == DType::kInt64) {
    int64_t* y = out[0].ptr<int64_t>();
    fill_blocks(base, out[0].size(), 2, [&](int64_t i, int64_t m, const uint32_t* w) {
      for (int64_t j = 0; j < m; ++j)
        y[i + j] = int64_t(uint64_t(w[2 * j]) | uint64_t(w[2 * j + 1]) << 32);
    });
  } else {
    fail(op, "unsupported dtype ", dtype_name(out[0].dtype));
  }
}

// ---- variable-cost samplers, element by element -------------------------------------------------
double value_at(const TensorView& t, int64_t i) {
  switch (t.dtype) {
    case DType::kFloat32: return t.ptr<float>()[i];
    case DType::kFloat64: return t.ptr<double>()[i];
    case DType::kInt32: return t.ptr<int32_t>()[i];
    case DType::kInt64: return double(t.ptr<int64_t>()[i]);
    default: return 0;
  }
}

void store_at(const TensorView& t, int64_t i, double v) {
  switch (t.dtype) {
    case DType::kFloat32: t.ptr<float>()[i] = float(v); break;
    case DType::kFloat64: t.ptr<double>()[i] = v; break;
    case DType::kInt32:
      t.ptr<int32_t>()[i] = std::isnan(v) ? 0 : int32_t(std::fmin(v, 2147483647.0));
      break;
    case DType::kInt64:
      t.ptr<int64_t>()[i] = std::isnan(v) ? 0 : int64_t(std::fmin(v, 9.2233720368547748e18));
      break;
    default: break;
  }
}

void check_numeric(const char* op, const TensorView& t, const char* what) {
  if (t.dtype == DType::kBool) fail(op, what, " must be numeric");
}

// out[i] = draw(params at i % P...) with element i's own stretch of the stream.
template <typename F>
void sample_each(const char* op, const PhiloxStream& base, const TensorView* params, int np,
                 TensorView& y, F&& draw) {
  const int64_t n = y.size();
  const int64_t p = np ? params[0].size() : 1;
  for (int k = 0; k < np; ++k) {
    check_numeric(op, params[k], "parameter");
    if (params[k].size() != p)
      fail(op, "parameters must have one size, got ", params[k].size(), " and ", p);
  }
  if (n == 0) return;
  if (p == 0 || n % p != 0)
    fail(op, "output size ", n, " is not a multiple of the parameters' ", p);
  parallel_for(n, 64, [&](int64_t b, int64_t e) {
    double args[4] = {0, 0, 0, 0};
    for (int64_t i = b; i < e; ++i) {
      PhiloxStream s = base.skipped(uint64_t(i) * kBlocksPerOutput);
      SingleSample g{&s};
      for (int k = 0; k < np; ++k) args[k] = value_at(params[k], i % p);
      store_at(y, i, draw(args, g));
    }
  });
}

// Rate-major output indices and 256 Philox blocks per output, as gamma_fill.
void poisson_fill(const char* op, const PhiloxStream& base, const TensorView& rate, TensorView& y) {
  check_numeric(op, rate, "rate");
  const int64_t n = y.size(), p = rate.size();
  if (n == 0) return;
  if (p == 0) fail(op, "Input rate should have non-zero element count, got: 0");
  if (n % p) fail(op, "Shape passed in must end with broadcasted shape.");
  const int64_t per = n / p;
  parallel_for(n, 64, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const PhiloxStream g = base.skipped(uint64_t((i % p) * per + i / p) * 256);
      const double r = value_at(rate, i % p);
      store_at(y, i,
               rate.dtype == DType::kFloat32 ? poisson_sample<float>(float(r), g)
                                             : poisson_sample<double>(r, g));
    }
  });
}

void k_random_gamma(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "RandomGamma";
  check_count(op, nin, 2, nout, 1);
  gamma_fill(op, run_stream(op, in[0], a), in[1], out[0]);
}
void k_stateless_gamma(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "StatelessRandomGammaV2";
  check_count(op, nin, 2, nout, 1);
  gamma_fill(op, seed_stream(op, in[0]), in[1], out[0]);
}
void k_random_poisson(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "RandomPoissonV2";
  check_count(op, nin, 2, nout, 1);
  poisson_fill(op, run_stream(op, in[0], a), in[1], out[0]);
}
void k_stateless_poisson(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "StatelessRandomPoisson";
  check_count(op, nin, 2, nout, 1);
  poisson_fill(op, seed_stream(op, in[0]), in[1], out[0]);
}
void k_stateless_binomial(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "StatelessRandomBinomial";
  check_count(op, nin, 3, nout, 1);
  sample_each(op, seed_stream(op, in[0]), in + 1, 2, out[0],
              [](const double* p, SingleSample& g) { return binomial_sample(p[0], p[1], g); });
}
void k_stateless_ptn(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "StatelessParameterizedTruncatedNormal";
  check_count(op, nin, 5, nout, 1);
  sample_each(op, seed_stream(op, in[0]), in + 1, 4, out[0], [](const double* p, SingleSample& g) {
    const double mean = p[0], sd = p[1];
    if (!(sd > 0)) return std::numeric_limits<double>::quiet_NaN();
    const double z = truncated_std_normal((p[2] - mean) / sd, (p[3] - mean) / sd, g);
    return std::min(std::max(mean + sd * z, p[2]), p[3]);
  });
}

// ---- multinomial --------------------------------------------------------------------------------
// Row b's samples by inversion of the cumulative softmax (in double); sample (b, j) from its own
// Philox block.
void multinomial(const char* op, const PhiloxStream& base, const TensorView& logits,
                 TensorView& y) {
  if (logits.ndim != 2) fail(op, "logits should be a matrix, got shape ", logits.shape_str());
  const int64_t rows = logits.shape[0], classes = logits.shape[1];
  if (y.ndim != 2 || y.shape[0] != rows)
    fail(op, "output shape ", y.shape_str(), " does not match logits");
  const int64_t ns = y.shape[1];
  if (rows * ns == 0) return;
  if (classes == 0) fail(op, "num_classes should be positive, got: 0");
  TFL_FLOAT_CASES(logits.dtype, op, {
    const T* x = logits.ptr<T>();
    parallel_for(rows, 1, [&](int64_t b, int64_t e) {
      std::vector<double> cdf(static_cast<size_t>(classes));
      for (int64_t r = b; r < e; ++r) {
        const T* row = x + r * classes;
        double mx = -std::numeric_limits<double>::infinity();
        for (int64_t c = 0; c < classes; ++c)
          if (std::isfinite(double(row[c]))) mx = std::max(mx, double(row[c]));
        double total = 0;
        for (int64_t c = 0; c < classes; ++c) {
          const double l = double(row[c]);
          total += std::isfinite(l) ? std::exp(l - mx) : 0.0;
          cdf[size_t(c)] = total;
        }
        for (int64_t j = 0; j < ns; ++j) {
          uint32_t w[4];
          PhiloxStream s = base.skipped(uint64_t(r * ns + j));
          s.next(w);
          const double u = uint64_to_double(w[0], w[1]) * total;
          int64_t c = std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
          if (c >= classes) c = classes - 1;
          if (y.dtype == DType::kInt32) y.ptr<int32_t>()[r * ns + j] = int32_t(c);
          else y.ptr<int64_t>()[r * ns + j] = c;
        }
      }
    });
  });
}

void check_index_out(const char* op, const TensorView& y) {
  if (y.dtype != DType::kInt32 && y.dtype != DType::kInt64)
    fail(op, "output_dtype must be int32 or int64, got ", dtype_name(y.dtype));
}

void k_multinomial(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "Multinomial";
  check_count(op, nin, 2, nout, 1);
  check_index_out(op, out[0]);
  multinomial(op, run_stream(op, in[0], a), in[1], out[0]);
}
void k_stateless_multinomial(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs&) {
  const char* op = "StatelessMultinomial";
  check_count(op, nin, 2, nout, 1);
  check_index_out(op, out[0]);
  multinomial(op, seed_stream(op, in[0]), in[1], out[0]);
}

// ---- stateful uniform integers and shuffles -----------------------------------------------------
void k_random_uniform_int(const TensorView* in, int nin, TensorView* out, int nout,
                          const Attrs& a) {
  const char* op = "RandomUniformInt";
  check_count(op, nin, 3, nout, 1);
  const PhiloxStream base = run_stream(op, in[0], a);
  if (out[0].dtype == DType::kInt32) uniform_int_blocks<int32_t>(op, base, in[1], in[2], out[0]);
  else if (out[0].dtype == DType::kInt64)
    uniform_int_blocks<int64_t>(op, base, in[1], in[2], out[0]);
  else fail(op, "unsupported dtype ", dtype_name(out[0].dtype));
}

// Fisher-Yates over the first dimension, one stream, rows moved as bytes.
void k_random_shuffle(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "RandomShuffle";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[1], out[0]);
  check_same_shape(op, in[1], out[0]);
  PhiloxStream s = run_stream(op, in[0], a);
  const int64_t bytes = in[1].size() * dtype_size(in[1].dtype);
  if (bytes) std::memcpy(out[0].data, in[1].data, size_t(bytes));
  if (in[1].ndim == 0 || in[1].shape[0] <= 1) return;
  const int64_t n = in[1].shape[0], row = bytes / n;
  char* y = static_cast<char*>(out[0].data);
  std::vector<char> tmp(static_cast<size_t>(row));
  SingleSample g{&s};
  for (int64_t i = n - 1; i > 0; --i) {
    const uint64_t bits = uint64_t(g()) | uint64_t(g()) << 32;
    const int64_t j = int64_t(bits % uint64_t(i + 1));
    if (j == i || row == 0) continue;
    std::memcpy(tmp.data(), y + i * row, size_t(row));
    std::memcpy(y + i * row, y + j * row, size_t(row));
    std::memcpy(y + j * row, tmp.data(), size_t(row));
  }
}

// ---- the gamma sample's derivative in alpha -----------------------------------------------------
// Regularized lower incomplete gamma P(a, x): series below x = a + 1, Lentz's continued fraction
// for Q above.
double igamma_p(double a, double x) {
  if (x <= 0) return 0;
  const double lx = a * std::log(x) - x - std::lgamma(a);
  if (x < a + 1) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 100000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * 1e-17) break;
    }
    return sum * std::exp(lx);
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-16) break;
  }
  return 1 - std::exp(lx) * h;
}

// d sample / d alpha = -(dP/dalpha)(alpha, x) / p(x; alpha) (implicit reparameterization), dP/da
// by a central difference.
double gamma_sample_grad(double alpha, double x) {
  if (!(alpha > 0) || !(x > 0) || !std::isfinite(x)) return 0;
  const double h = 1e-5 * std::max(alpha, 1e-3);
  const double dp = (igamma_p(alpha + h, x) - igamma_p(alpha - h, x)) / (2 * h);
  const double logpdf = (alpha - 1) * std::log(x) - x - std::lgamma(alpha);
  return -dp / std::exp(logpdf);
}

void k_random_gamma_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "RandomGammaGrad";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const int64_t n = out[0].size(), na = in[0].size(), nx = in[1].size();
  if (n && (na == 0 || nx == 0 || n % na || n % nx))
    fail(op, "alpha ", in[0].shape_str(), " and sample ", in[1].shape_str(), " do not broadcast");
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T* al = in[0].ptr<T>();
    const T* x = in[1].ptr<T>();
    T* y = out[0].ptr<T>();
    parallel_for(n, 256, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        y[i] = T(gamma_sample_grad(double(al[i % na]), double(x[i % nx])));
    });
  });
}

// TF's RngReadAndSkip for Philox: out = the state [counter lo, counter hi, key] as it was; the
// counter (128-bit) then advances by 256 blocks per element drawn (in[2] = delta), in place in
// in[0] (the Generator's state variable). in[1] = the algorithm (1: Philox, 3: auto-select).
std::mutex rng_state_mutex;

void k_rng_read_and_skip(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "RngReadAndSkip";
  check_count(op, nin, 3, nout, 1);
  check_dtype(op, in[0], DType::kInt64, "state");
  check_dtype(op, out[0], DType::kInt64, "output");
  if (in[0].size() != 3 || out[0].size() != 3)
    fail(op, "The size of the state must be 3 for Philox, got ", in[0].size());
  if (in[1].size() != 1 || in[2].size() != 1) fail(op, "alg and delta must be scalars");
  // (exact integers: a delta past 2^53 must not go through a double)
  const auto int_at = [op](const TensorView& t) -> int64_t {
    if (t.dtype == DType::kInt32) return t.ptr<int32_t>()[0];
    if (t.dtype == DType::kInt64) return t.ptr<int64_t>()[0];
    fail(op, "alg and delta must be int32 or int64, got ", dtype_name(t.dtype));
  };
  const int64_t alg = int_at(in[1]), delta = int_at(in[2]);
  if (alg != 1 && alg != 3) fail(op, "Unsupported algorithm id: ", alg);
  if (delta < 0) fail(op, "delta must be nonnegative, got ", delta);
  std::lock_guard<std::mutex> lock(rng_state_mutex);
  int64_t* st = in[0].ptr<int64_t>();
  std::memcpy(out[0].data, st, 3 * sizeof(int64_t));
  const uint64_t lo = uint64_t(st[0]), add = uint64_t(delta) * 256;
  const uint64_t nlo = lo + add;
  st[0] = int64_t(nlo);
  if (nlo < lo) st[1] = int64_t(uint64_t(st[1]) + 1);
  st[1] = int64_t(uint64_t(st[1]) + (uint64_t(delta) >> 56));  // add's bits past 64
}

// ---- random_index_shuffle: TF's cycle-walking Simon-style cipher -----------------------------
// A Feistel network on a block of 2W bits (W = half the bits max_index needs, at least 8), with
// Simon's round function and key schedule on W-bit words, encrypting until the value falls in
// [0, max_index] (a bijection of [0, max_index] for each key).
struct SimonBlock {
  int w;
  uint64_t mask;
  uint64_t rotl(uint64_t x, int r) const { return ((x << r) | (x >> (w - r))) & mask; }
  uint64_t rotr(uint64_t x, int r) const { return ((x >> r) | (x << (w - r))) & mask; }
  uint64_t f(uint64_t x) const { return (rotl(x, 1) & rotl(x, 8)) ^ rotl(x, 2); }
};

uint64_t index_shuffle(uint64_t index, const uint32_t key[3], uint64_t max_index, int rounds) {
  if (max_index == 0) return 0;
  int bits = int(std::ceil(std::log2(double(max_index))));
  bits = std::max(bits + bits % 2, 16);
  if (bits > 64) bits = 64;
  const int w = bits / 2;
  const SimonBlock sb{w, w == 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1};
  std::vector<uint64_t> rk = {key[0] & sb.mask, key[1] & sb.mask, key[2] & sb.mask};
  const uint64_t c = uint64_t(0xfffffffcu) & sb.mask;
  uint64_t z = uint64_t(0x7369f885192c0ef5ULL) & sb.mask;
  for (int i = 3; i < rounds; ++i) {
    rk.push_back(c ^ (z & 1) ^ rk[size_t(i - 3)] ^ sb.rotr(rk[size_t(i - 1)], 3) ^
                 sb.rotr(rk[size_t(i - 1)], 4));
    z >>= 1;
  }
  uint64_t v = index;
  for (;;) {
    uint64_t left = (v >> w) & sb.mask, right = v & sb.mask;
    for (size_t i = 0; i + 1 < rk.size(); i += 2) {
      left ^= sb.f(right) ^ rk[i];
      right ^= sb.f(left) ^ rk[i + 1];
    }
    v = (left << w) | right;
    if (v <= max_index) return v;
  }
}

void k_random_index_shuffle(const TensorView* in, int nin, TensorView* out, int nout,
                            const Attrs& a) {
  const char* op = "RandomIndexShuffle";
  check_count(op, nin, 3, nout, 1);
  const TensorView &idx = in[0], &seed = in[1], &mx = in[2];
  check_same_dtype(op, idx, mx);
  check_same_dtype(op, idx, out[0]);
  if (idx.dtype != DType::kInt32 && idx.dtype != DType::kInt64)
    fail(op, "index must be int32 or int64, got ", dtype_name(idx.dtype));
  if (seed.dtype != DType::kInt32 && seed.dtype != DType::kInt64)
    fail(op, "seed must be int32 or int64, got ", dtype_name(seed.dtype));
  const int rounds = int(a.i(0, op));
  if (rounds < 4 || rounds % 2) fail(op, "rounds must be an even number >= 4, got ", rounds);
  if (idx.ndim > 1) fail(op, "index must be a scalar or a vector, got ", idx.shape_str());
  if (mx.ndim > 1) fail(op, "max_index must be a scalar or a vector, got ", mx.shape_str());
  const int64_t n = idx.size();
  if (!((seed.ndim == 1 && seed.shape[0] == 3) ||
        (seed.ndim == 2 && seed.shape[1] == 3 && seed.shape[0] == n)))
    fail(op, "Seed must be a vector of size [3] or a matrix of size [", n, ", 3] but got ",
         seed.shape_str(), ".");
  if (mx.ndim == 1 && mx.shape[0] != n)
    fail(op, "max_index must have ", n, " elements, got ", mx.shape_str());
  const bool seed_rows = seed.ndim == 2, max_rows = mx.ndim == 1;
  parallel_for(n, 256, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      uint32_t key[3];
      for (int k = 0; k < 3; ++k) key[k] = uint32_t(index_at(seed, (seed_rows ? 3 * i : 0) + k));
      const uint64_t m = uint64_t(index_at(mx, max_rows ? i : 0));
      const uint64_t v = index_shuffle(uint64_t(index_at(idx, i)), key, m, rounds);
      if (idx.dtype == DType::kInt32) out[0].ptr<int32_t>()[i] = int32_t(v);
      else out[0].ptr<int64_t>()[i] = int64_t(v);
    }
  });
}

}  // namespace

void register_random_dist(Registry& r) {
  r["random_index_shuffle"] = k_random_index_shuffle;
  r["rng_read_and_skip"] = k_rng_read_and_skip;
  r["stateless_random_uniform"] = k_stateless_uniform;
  r["stateless_random_normal"] = k_stateless_normal;
  r["stateless_truncated_normal"] = k_stateless_truncated;
  r["stateless_random_uniform_int"] = k_stateless_uniform_int;
  r["stateless_random_uniform_full_int"] = k_stateless_full_int;
  r["stateless_random_gamma"] = k_stateless_gamma;
  r["stateless_random_poisson"] = k_stateless_poisson;
  r["stateless_random_binomial"] = k_stateless_binomial;
  r["stateless_parameterized_truncated_normal"] = k_stateless_ptn;
  r["stateless_multinomial"] = k_stateless_multinomial;
  r["random_uniform_int"] = k_random_uniform_int;
  r["random_gamma"] = k_random_gamma;
  r["random_gamma_grad"] = k_random_gamma_grad;
  r["random_poisson"] = k_random_poisson;
  r["multinomial"] = k_multinomial;
  r["random_shuffle"] = k_random_shuffle;
}

}  // namespace tfl
