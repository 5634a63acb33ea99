// batch_norm.cc: TF's fused batch normalization (FusedBatchNormV3 and FusedBatchNormGradV3) in
// two or three passes over the input instead of a dozen elementwise ops.
//
//   fused_batch_norm       x, scale, offset, mean, variance; ints [is_training, channels_last];
//                          floats [epsilon, exponential_avg_factor]
//                          -> y, batch_mean, batch_variance, reserve_1, reserve_2, reserve_3 ([0])
//   fused_batch_norm_grad  dy, x, scale, reserve_1, reserve_2; ints [is_training, channels_last];
//                          floats [epsilon] -> dx, dscale, doffset, reserve_4/5 ([0])
//
// The channel axis is the last one (channels_last: NHWC, NDHWC) or the second (NCHW, NCDHW); x is
// viewed as [outer, C, inner]. Training normalizes with the batch mean m and biased variance v
// over every axis but the channel one (n elements per channel): y = (x - m) / sqrt(v + eps) *
// scale + offset; batch_variance is v * n / (n - 1) (n / max(n - 1, 1)); with an exponential
// average factor f != 1 the outputs are (1 - f) * mean + f * m and likewise for the variance;
// an empty batch gives NaN statistics (TF's kernel).
// reserve_1/2 keep m and v for the gradient. Inference uses the given mean and variance and
// passes them through. The gradient (TF's formulas, xc = x - m, r = 1 / sqrt(v + eps)):
//   training:  dx = scale r (dy - sum(dy) / n - xc r^2 sum(dy xc) / n)
//   inference: dx = dy scale r
//   dscale = r sum(dy xc), doffset = sum(dy).
// Training statistics come from one pass: sums of x - shift and its square, shift being each
// channel's first value. Sums: in double, blocks of 32 rows (or one channel's run of a
// channels-first row) added into a chunk's sums; the chunks (fixed by the size, never by the thread
// count) are combined in order, so every run and thread count gives the same bits.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels.h"

namespace tfl {
namespace {

struct BnGeom {
  int64_t outer = 0, c = 0, inner = 0;
  int64_t n() const { return outer * inner; }  // elements per channel
};

BnGeom bn_geom(const char* op, const TensorView& x, bool channels_last) {
  if (x.ndim < 2) fail(op, "input must have rank >= 2, got ", x.shape_str());
  BnGeom g;
  if (channels_last) {
    g.c = x.shape[x.ndim - 1];
    g.inner = 1;
    g.outer = 1;
    for (int i = 0; i + 1 < x.ndim; ++i) g.outer *= x.shape[i];
  } else {
    g.outer = x.shape[0];
    g.c = x.shape[1];
    g.inner = 1;
    for (int i = 2; i < x.ndim; ++i) g.inner *= x.shape[i];
  }
  return g;
}

void check_vec(const char* op, const TensorView& t, int64_t c, DType dt, const char* what) {
  check_dtype(op, t, dt, what);
  if (t.ndim != 1 || t.shape[0] != c)
    fail(op, what, " must be a vector of ", c, " channels, got ", t.shape_str());
}

// Rows of one chunk: about kParallelGrain elements.
int64_t row_grain(const BnGeom& g) {
  return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, g.c * g.inner));
}

// Per-channel sums of kTerms terms over every row, deterministic: each chunk of rows (fixed by
// the size, never by the thread count) sums into its own array, and the chunks' arrays are
// combined in order into out[k * c + ch]. Within a chunk, blocks of kBlock rows are summed
// first (channels-last: row(acc, o) adds row o's terms into acc[k * c + ch] with the channel
// loop innermost, one vector of channels), then added into the chunk's sums. All in double.
// Channels-first data is walked as runs of `inner` elements of one channel (run(acc, o, ch)).
template <int kTerms, typename T, typename Row, typename Run>
void channel_sums(const BnGeom& g, Row&& row, Run&& run, double* out) {
  constexpr int64_t kBlock = 32;
  const int64_t grain = row_grain(g), c = g.c;
  const int64_t chunks = (g.outer + grain - 1) / grain;
  std::vector<double> part(size_t(chunks * kTerms * c), 0.0);
  parallel_for(g.outer, grain, [&](int64_t o0, int64_t o1) {
    double* acc = part.data() + (o0 / grain) * kTerms * c;
    std::vector<double> blk(size_t(kTerms * c));
    for (int64_t b0 = o0; b0 < o1; b0 += kBlock) {
      std::fill(blk.begin(), blk.end(), 0.0);
      const int64_t b1 = std::min(o1, b0 + kBlock);
      for (int64_t o = b0; o < b1; ++o) {
        if (g.inner == 1) {
          row(blk.data(), o);
        } else {
          for (int64_t ch = 0; ch < c; ++ch) run(blk.data(), o, ch);
        }
      }
      for (int64_t j = 0; j < kTerms * c; ++j) acc[j] += blk[size_t(j)];
    }
  });
  std::fill(out, out + kTerms * c, 0.0);
  for (int64_t k = 0; k < chunks; ++k)
    for (int64_t j = 0; j < kTerms * c; ++j) out[j] += part[size_t(k * kTerms * c + j)];
}

// y = a[ch] * x + b[ch] (+ k[ch] * z when z is given) over every element.
template <typename T>
void per_channel_axpb(const BnGeom& g, const T* x, const T* a, const T* b, const T* z, const T* k,
                      T* y) {
  const int64_t c = g.c, inner = g.inner;
  parallel_for(g.outer, row_grain(g), [&](int64_t o0, int64_t o1) {
    if (inner == 1) {
      for (int64_t o = o0; o < o1; ++o) {
        const T* xr = x + o * c;  // (y may be x: FusedBatchNormGradV3 writes dx over dy)
        T* yr = y + o * c;
        if (z) {
          const T* zr = z + o * c;
          _Pragma("omp simd") for (int64_t ch = 0; ch < c; ++ch) yr[ch] =
              a[ch] * xr[ch] + k[ch] * zr[ch] + b[ch];
        } else {
          _Pragma("omp simd") for (int64_t ch = 0; ch < c; ++ch) yr[ch] = a[ch] * xr[ch] + b[ch];
        }
      }
      return;
    }
    for (int64_t o = o0; o < o1; ++o)
      for (int64_t ch = 0; ch < c; ++ch) {
        const int64_t base = (o * c + ch) * inner;
        const T ac = a[ch], bc = b[ch], kc = z ? k[ch] : T(0);
        if (z) {
          for (int64_t i = 0; i < inner; ++i)
            y[base + i] = ac * x[base + i] + kc * z[base + i] + bc;
        } else {
          for (int64_t i = 0; i < inner; ++i) y[base + i] = ac * x[base + i] + bc;
        }
      }
  });
}

void k_fused_batch_norm(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "FusedBatchNormV3";
  check_count(op, size_t(nin), 5, size_t(nout), 6);
  const bool training = a.i(0, op) != 0;
  const BnGeom g = bn_geom(op, in[0], a.i(1, op) != 0);
  const double eps = a.f(0, op), factor = a.f(1, op);
  const DType dt = in[0].dtype;
  check_same_shape(op, in[0], out[0]);
  check_dtype(op, out[0], dt, "y");
  check_vec(op, in[1], g.c, dt, "scale");
  check_vec(op, in[2], g.c, dt, "offset");
  const bool have_stats = in[3].size() != 0;
  if (!training || factor != 1.0) {
    check_vec(op, in[3], g.c, dt, "mean");
    check_vec(op, in[4], g.c, dt, "variance");
  }
  for (int k = 1; k < 5; ++k) check_vec(op, out[k], g.c, dt, "statistics output");
  const int64_t n = g.n();
  if (training && n == 0) {  // TF: the batch statistics of an empty batch are NaN
    TFL_FLOAT_CASES(dt, op, {
      for (int k = 1; k < 5; ++k)
        std::fill(out[k].ptr<T>(), out[k].ptr<T>() + g.c, std::numeric_limits<T>::quiet_NaN());
    });
    return;
  }
  TFL_FLOAT_CASES(dt, op, {
    const T* x = in[0].ptr<T>();
    const T *scale = in[1].ptr<T>(), *offset = in[2].ptr<T>();
    std::vector<double> mean(size_t(g.c)), var(size_t(g.c));
    if (training) {
      // one pass: sums of d = x - shift and d^2 per channel, shift = the channel's first value
      // (exact in double, so a constant channel has mean shift and variance 0 exactly, and
      // the variance S2/n - (S1/n)^2 cancels little); then mean = shift + S1/n
      const int64_t c = g.c, inner = g.inner;
      std::vector<double> shift(static_cast<size_t>(c)), sums(static_cast<size_t>(2 * c));
      for (int64_t ch = 0; ch < c; ++ch) shift[size_t(ch)] = double(x[ch * inner]);
      const double* sp = shift.data();
      channel_sums<2, T>(
          g,
          [&](double* __restrict acc, int64_t o) {
            const T* __restrict xr = x + o * c;
            _Pragma("omp simd") for (int64_t ch = 0; ch < c; ++ch) {
              const double d = double(xr[ch]) - sp[ch];
              acc[ch] += d;
              acc[c + ch] += d * d;
            }
          },
          [&](double* acc, int64_t o, int64_t ch) {
            const T* __restrict xr = x + (o * c + ch) * inner;
            const double sh = sp[ch];
            double s1 = 0, s2 = 0;
            for (int64_t i = 0; i < inner; ++i) {
              const double d = double(xr[i]) - sh;
              s1 += d;
              s2 += d * d;
            }
            acc[ch] += s1;
            acc[c + ch] += s2;
          },
          sums.data());
      for (int64_t ch = 0; ch < c; ++ch) {
        const double d = sums[size_t(ch)] / double(n);
        mean[size_t(ch)] = sp[ch] + d;
        var[size_t(ch)] = std::max(0.0, sums[size_t(c + ch)] / double(n) - d * d);
      }
    } else {
      for (int64_t ch = 0; ch < g.c; ++ch) {
        mean[size_t(ch)] = double(in[3].ptr<T>()[ch]);
        var[size_t(ch)] = double(in[4].ptr<T>()[ch]);
      }
    }
    std::vector<T> mul(size_t(g.c)), add(size_t(g.c));
    for (int64_t ch = 0; ch < g.c; ++ch) {
      const T r = T(1) / std::sqrt(T(var[size_t(ch)]) + T(eps));
      mul[size_t(ch)] = r * scale[ch];
      add[size_t(ch)] = offset[ch] - T(mean[size_t(ch)]) * mul[size_t(ch)];
    }
    per_channel_axpb<T>(g, x, mul.data(), add.data(), nullptr, nullptr, out[0].ptr<T>());
    T *bm = out[1].ptr<T>(), *bv = out[2].ptr<T>(), *r1 = out[3].ptr<T>(), *r2 = out[4].ptr<T>();
    const double bessel = double(n) / double(std::max<int64_t>(n - 1, 1));
    for (int64_t ch = 0; ch < g.c; ++ch) {
      const double m = mean[size_t(ch)], v = var[size_t(ch)];
      r1[ch] = T(m);
      r2[ch] = T(v);
      if (!training) {
        bm[ch] = T(m);
        bv[ch] = T(v);
      } else if (factor == 1.0 || !have_stats) {
        bm[ch] = T(m);
        bv[ch] = T(v * bessel);
      } else {
        const T f = T(factor), keep = T(1) - f;
        bm[ch] = keep * in[3].ptr<T>()[ch] + f * T(m);
        bv[ch] = keep * in[4].ptr<T>()[ch] + f * T(v * bessel);
      }
    }
  });
}

void k_fused_batch_norm_grad(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs& a) {
  const char* op = "FusedBatchNormGradV3";
  check_count(op, size_t(nin), 5, size_t(nout), 5);
  const bool training = a.i(0, op) != 0;
  const BnGeom g = bn_geom(op, in[1], a.i(1, op) != 0);
  const double eps = a.f(0, op);
  const DType dt = in[1].dtype;
  check_same_shape(op, in[0], in[1]);
  check_same_dtype(op, in[0], in[1]);
  check_same_shape(op, in[1], out[0]);
  check_dtype(op, out[0], dt, "x_backprop");
  check_vec(op, in[2], g.c, dt, "scale");
  check_vec(op, in[3], g.c, dt, "reserve_space_1");
  check_vec(op, in[4], g.c, dt, "reserve_space_2");
  check_vec(op, out[1], g.c, dt, "scale_backprop");
  check_vec(op, out[2], g.c, dt, "offset_backprop");
  const int64_t n = g.n();
  TFL_FLOAT_CASES(dt, op, {
    const T *dy = in[0].ptr<T>(), *x = in[1].ptr<T>(), *scale = in[2].ptr<T>();
    const T *mean = in[3].ptr<T>(), *var = in[4].ptr<T>();
    std::vector<double> sums(size_t(2 * g.c));  // [sum(dy) | sum(dy * (x - m))]
    const int64_t c = g.c, inner = g.inner;
    channel_sums<2, T>(
        g,
        [&](double* __restrict acc, int64_t o) {
          const T* __restrict dr = dy + o * c;
          const T* __restrict xr = x + o * c;
          _Pragma("omp simd") for (int64_t ch = 0; ch < c; ++ch) {
            acc[ch] += double(dr[ch]);
            acc[c + ch] += double(dr[ch]) * (double(xr[ch]) - double(mean[ch]));
          }
        },
        [&](double* acc, int64_t o, int64_t ch) {
          const T* __restrict dr = dy + (o * c + ch) * inner;
          const T* __restrict xr = x + (o * c + ch) * inner;
          const double m = double(mean[ch]);
          double s1 = 0, s2 = 0;
          for (int64_t i = 0; i < inner; ++i) {
            s1 += double(dr[i]);
            s2 += double(dr[i]) * (double(xr[i]) - m);
          }
          acc[ch] += s1;
          acc[c + ch] += s2;
        },
        sums.data());
    std::vector<double> r(size_t(g.c));
    T *dscale = out[1].ptr<T>(), *doffset = out[2].ptr<T>();
    for (int64_t ch = 0; ch < g.c; ++ch) {
      r[size_t(ch)] = 1.0 / std::sqrt(double(var[ch]) + eps);
      doffset[ch] = T(sums[size_t(ch)]);
      dscale[ch] = T(sums[size_t(g.c + ch)] * r[size_t(ch)]);
    }
    // dx = k1 * dy + k2 * x + k3 per channel (training), dx = k1 * dy (inference)
    std::vector<T> k1(size_t(g.c)), k2(size_t(g.c), T(0)), k3(size_t(g.c), T(0));
    for (int64_t ch = 0; ch < g.c; ++ch) {
      const double rc = r[size_t(ch)], sc = double(scale[ch]) * rc;
      k1[size_t(ch)] = T(sc);
      if (training && n > 0) {
        const double c2 = -sc * rc * rc * sums[size_t(g.c + ch)] / double(n);
        k2[size_t(ch)] = T(c2);
        k3[size_t(ch)] = T(-sc * sums[size_t(ch)] / double(n) - c2 * double(mean[ch]));
      }
    }
    per_channel_axpb<T>(g, dy, k1.data(), k3.data(), training ? x : nullptr, k2.data(),
                        out[0].ptr<T>());
  });
}

}  // namespace

void register_batch_norm(Registry& r) {
  r["fused_batch_norm"] = k_fused_batch_norm;
  r["fused_batch_norm_grad"] = k_fused_batch_norm_grad;
}

}  // namespace tfl
