// reduce.cc: reductions over any set of axes (a 0/1 mask per input dimension), argmax/argmin,
// and the zero-safe gradient of reduce_prod. Each output element is computed by one thread in a
// fixed order, so results do not depend on the thread count.
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "dtypes.h"
#include "kernels.h"

namespace tfl {
namespace {

enum class Red { kSum, kMean, kMax, kMin, kProd };

template <typename T>
using Acc = std::conditional_t<std::is_floating_point_v<T>, double,
                               std::conditional_t<is_complex_v<T>, T, int64_t>>;

template <Red R, typename T>
struct Reducer {
  using A = std::conditional_t<R == Red::kMax || R == Red::kMin, T, Acc<T>>;
  static A init() {
    if constexpr (R == Red::kSum || R == Red::kMean) return A(0);
    if constexpr (R == Red::kProd) return A(1);
    if constexpr (R == Red::kMax) {
      if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
      else return std::numeric_limits<T>::lowest();
    }
    if constexpr (R == Red::kMin) {
      if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
      else return std::numeric_limits<T>::max();
    }
  }
  static A step(A a, T x) {
    if constexpr (R == Red::kSum || R == Red::kMean) return a + A(x);
    if constexpr (R == Red::kProd) return a * A(x);
    if constexpr (R == Red::kMax) return (x > a || x != x || a != a) ? (a != a ? a : x) : a;
    if constexpr (R == Red::kMin) return (x < a || x != x || a != a) ? (a != a ? a : x) : a;
  }
  static T finish(A a, int64_t count) {
    if constexpr (R == Red::kMean) {
      if constexpr (std::is_floating_point_v<T>) return count ? T(a / A(count)) : T(NAN);
      else return count ? T(a / A(count)) : T(0);
    }
    return T(a);
  }
};

// The input viewed as merged runs of kept / reduced dimensions.
struct Layout {
  int nk = 0, nr = 0;
  int64_t kshape[kMaxDims], kstride[kMaxDims];  // kept dims (output order)
  int64_t rshape[kMaxDims], rstride[kMaxDims];  // reduced dims
  int64_t kept_size = 1, red_size = 1;
};

Layout make_layout(const char* op, const TensorView& x, const TensorView& y, const Attrs& a) {
  if (a.ints.size() != size_t(x.ndim))
    fail(op, "axis mask has ", a.ints.size(), " entries for input of rank ", x.ndim);
  Layout L;
  int64_t stride = 1;
  int prev = -1;  // 0 kept, 1 reduced
  int64_t strides[kMaxDims];
  for (int i = x.ndim - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= x.shape[i];
  }
  for (int i = 0; i < x.ndim; ++i) {
    const int r = a.ints[i] ? 1 : 0;
    if (x.shape[i] == 1) continue;
    int64_t* shp = r ? L.rshape : L.kshape;
    int64_t* str = r ? L.rstride : L.kstride;
    int& n = r ? L.nr : L.nk;
    if (prev == r && n > 0) {
      shp[n - 1] *= x.shape[i];
      str[n - 1] = strides[i];
    } else {
      shp[n] = x.shape[i];
      str[n] = strides[i];
      ++n;
    }
    prev = r;
  }
  for (int i = 0; i < L.nk; ++i) L.kept_size *= L.kshape[i];
  for (int i = 0; i < L.nr; ++i) L.red_size *= L.rshape[i];
  int64_t want = 1;
  for (int i = 0; i < x.ndim; ++i)
    if (!a.ints[i]) want *= x.shape[i];
  if (y.size() != want)
    fail(op, "output ", y.shape_str(), " does not match input ", x.shape_str(), " reduced");
  return L;
}

// Offset of kept-index o in the input.
inline int64_t kept_offset(const Layout& L, int64_t o) {
  int64_t off = 0;
  for (int i = L.nk - 1; i >= 0; --i) {
    off += (o % L.kshape[i]) * L.kstride[i];
    o /= L.kshape[i];
  }
  return off;
}

// Calls f(offset) for every reduced position, in row-major order, without allocating.
template <typename F>
inline void for_each_reduced(const Layout& L, int64_t base, F&& f) {
  if (L.nr == 0) {
    f(base);
    return;
  }
  const int last = L.nr - 1;
  int64_t idx[kMaxDims] = {0};
  int64_t outer = 1;
  for (int i = 0; i < last; ++i) outer *= L.rshape[i];
  for (int64_t r = 0; r < outer; ++r) {
    int64_t off = base;
    for (int i = 0; i < last; ++i) off += idx[i] * L.rstride[i];
    for (int64_t k = 0; k < L.rshape[last]; ++k) f(off + k * L.rstride[last]);
    for (int i = last - 1; i >= 0; --i) {
      if (++idx[i] < L.rshape[i]) break;
      idx[i] = 0;
    }
  }
}

// Reduces a contiguous run. Float sums use 8 double accumulators (lane k % 8, combined pairwise
// in a fixed order): the same result on every run and thread count, and 4-8x faster than one
// serial chain of double additions.
template <Red R, typename T>
inline typename Reducer<R, T>::A reduce_run(const T* row, int64_t n) {
  using Rd = Reducer<R, T>;
  typename Rd::A acc = Rd::init();
  int64_t k = 0;
  if constexpr ((R == Red::kSum || R == Red::kMean) && std::is_floating_point_v<T>) {
    double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (; k + 8 <= n; k += 8)
      for (int j = 0; j < 8; ++j) lane[j] += double(row[k + j]);
    acc = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
  }
  for (; k < n; ++k) acc = Rd::step(acc, row[k]);
  return acc;
}

template <Red R, typename T>
void reduce_typed(const TensorView& x, TensorView& y, const Layout& L) {
  using Rd = Reducer<R, T>;
  using A = typename Rd::A;
  const T* px = x.ptr<T>();
  T* py = y.ptr<T>();
  const int64_t count = x.size() == 0 ? 0 : L.red_size;
  if (x.size() == 0) {
    for (int64_t o = 0; o < y.size(); ++o) py[o] = Rd::finish(Rd::init(), 0);
    return;
  }
  // Reduced block is the innermost contiguous run.
  if (L.nr == 1 && L.rstride[0] == 1) {
    const int64_t n = L.rshape[0];
    if (L.kept_size == 1 && n >= 4 * kParallelGrain) {
      // One output over a long run: fixed chunks, combined in order.
      constexpr int64_t kChunk = 1 << 16;
      const int64_t chunks = (n + kChunk - 1) / kChunk;
      A partial[256];
      if (chunks <= 256) {
        parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
          for (int64_t c = c0; c < c1; ++c) {
            const int64_t e = std::min(n, (c + 1) * kChunk);
            partial[c] = reduce_run<R, T>(px + c * kChunk, e - c * kChunk);
          }
        });
        A acc = Rd::init();
        for (int64_t c = 0; c < chunks; ++c) {
          if constexpr (R == Red::kMax || R == Red::kMin) acc = Rd::step(acc, partial[c]);
          else if constexpr (R == Red::kProd) acc *= partial[c];
          else acc += partial[c];
        }
        py[0] = Rd::finish(acc, count);
        return;
      }
    }
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1));
    parallel_for(L.kept_size, grain, [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        py[o] = Rd::finish(reduce_run<R, T>(px + kept_offset(L, o), n), count);
      }
    });
    return;
  }
  // Kept block is the innermost contiguous run, reduced dims outside: accumulate rows.
  if (L.nk == 1 && L.kstride[0] == 1) {
    const int64_t m = L.kshape[0];
    const int64_t grain = std::max<int64_t>(64, kCheapGrain / std::max<int64_t>(L.red_size, 1));
    parallel_for(m, grain, [&](int64_t j0, int64_t j1) {
      A acc[256];
      for (int64_t jb = j0; jb < j1; jb += 256) {
        const int64_t je = std::min(j1, jb + 256);
        for (int64_t j = jb; j < je; ++j) acc[j - jb] = Rd::init();
        for_each_reduced(L, 0, [&](int64_t off) {
          const T* row = px + off;
          for (int64_t j = jb; j < je; ++j) acc[j - jb] = Rd::step(acc[j - jb], row[j]);
        });
        for (int64_t j = jb; j < je; ++j) py[j] = Rd::finish(acc[j - jb], count);
      }
    });
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(L.red_size, 1));
  parallel_for(L.kept_size, grain, [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) {
      A acc = Rd::init();
      for_each_reduced(L, kept_offset(L, o), [&](int64_t off) { acc = Rd::step(acc, px[off]); });
      py[o] = Rd::finish(acc, count);
    }
  });
}

// float16/bfloat16: reduced in float32 (a float32 copy of the input), rounded once at the end.
template <Red R, typename H>
void reduce_half(const char* op, const TensorView& x, TensorView& y, const Layout& L) {
  check_allocation(op, checked_add(op, x.size(), y.size()), 4);
  std::vector<float> fx(size_t(x.size())), fy(size_t(y.size()));
  parallel_for(x.size(), kCheapGrain,
               [&](int64_t b, int64_t e) { to_f32_n(x.ptr<H>() + b, fx.data() + b, e - b); });
  TensorView vx = x, vy = y;
  vx.dtype = vy.dtype = DType::kFloat32;
  vx.data = fx.data();
  vy.data = fy.data();
  reduce_typed<R, float>(vx, vy, L);
  from_f32_n(fy.data(), y.ptr<H>(), y.size());
}

template <Red R>
void reduce_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout,
                   const Attrs& a) {
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  // (Over an empty axis each reduction gives its identity, as TF: max -inf or the lowest
  // integer, min +inf or the highest, sum 0, prod 1; mean NaN for floats, 0 for integers.)
  const Layout L = make_layout(op, in[0], out[0], a);
  TFL_EVERY_CASES(in[0].dtype, op, {
    if constexpr (std::is_same_v<T, bool> ||
                  (is_complex_v<T> && (R == Red::kMax || R == Red::kMin)))
      fail(op, "unsupported dtype ", dtype_name(in[0].dtype));
    else if constexpr (is_half_v<T>) reduce_half<R, T>(op, in[0], out[0], L);
    else reduce_typed<R, T>(in[0], out[0], L);
  });
}

#define RED(NAME, OPNAME, R)                                                            \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) { \
    reduce_kernel<R>(OPNAME, in, nin, out, nout, a);                                    \
  }
RED(k_sum, "Sum", Red::kSum)
RED(k_mean, "Mean", Red::kMean)
RED(k_max, "Max", Red::kMax)
RED(k_min, "Min", Red::kMin)
RED(k_prod, "Prod", Red::kProd)
#undef RED

// argmax / argmin over one axis -> int64; the first index wins ties; a NaN wins (as NumPy).
template <bool kMax>
void arg_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout,
                const Attrs& a) {
  check_count(op, nin, 1, nout, 1);
  check_dtype(op, out[0], DType::kInt64, "output");
  const TensorView& x = in[0];
  int64_t axis = a.i(0, op);
  if (axis < 0) axis += x.ndim;
  if (axis < 0 || axis >= x.ndim) fail(op, "axis ", a.ints[0], " out of range for rank ", x.ndim);
  int64_t outer = 1, inner = 1;
  const int64_t n = x.shape[axis];
  for (int i = 0; i < axis; ++i) outer *= x.shape[i];
  for (int i = axis + 1; i < x.ndim; ++i) inner *= x.shape[i];
  if (out[0].size() != outer * inner) fail(op, "output size mismatch for input ", x.shape_str());
  if (n == 0 && outer * inner > 0) fail(op, "reduction over an empty axis of ", x.shape_str());
  int64_t* py = out[0].ptr<int64_t>();
  TFL_NUMERIC_CASES(x.dtype, op, {
    const T* px = x.ptr<T>();
    parallel_for(outer * inner, 4096, [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        const int64_t b = o / inner, c = o % inner;
        const T* base = px + b * n * inner + c;
        int64_t best = 0;
        T bv = base[0];
        if (!(bv != bv)) {
          for (int64_t k = 1; k < n; ++k) {
            const T v = base[k * inner];
            if (v != v) {
              best = k;
              break;
            }
            if (kMax ? v > bv : v < bv) {
              bv = v;
              best = k;
            }
          }
        }
        py[o] = best;
      }
    });
  });
}

void k_argmax(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  arg_kernel<true>("ArgMax", in, nin, out, nout, a);
}
void k_argmin(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  arg_kernel<false>("ArgMin", in, nin, out, nout, a);
}

// dx = dy * prod of the other elements of x's group, exact where x has zeros.
void k_prod_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "ProdGrad";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const Layout L = make_layout(op, in[0], in[1], a);
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* px = in[0].ptr<T>();
    const T* pdy = in[1].ptr<T>();
    T* pdx = out[0].ptr<T>();
    parallel_for(L.kept_size, 1, [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        const int64_t base = kept_offset(L, o);
        double nonzero = 1.0;
        int64_t zeros = 0;
        for_each_reduced(L, base, [&](int64_t off) {
          if (px[off] == T(0)) ++zeros;
          else nonzero *= double(px[off]);
        });
        const double g = double(pdy[o]);
        for_each_reduced(L, base, [&](int64_t off) {
          double v;
          if (zeros == 0) v = nonzero / double(px[off]);
          else if (zeros == 1) v = px[off] == T(0) ? nonzero : 0.0;
          else v = 0.0;
          pdx[off] = T(g * v);
        });
      }
    });
  });
}

}  // namespace

void register_reduce(Registry& r) {
  r["reduce_sum"] = k_sum;
  r["reduce_mean"] = k_mean;
  r["reduce_max"] = k_max;
  r["reduce_min"] = k_min;
  r["reduce_prod"] = k_prod;
  r["argmax"] = k_argmax;
  r["argmin"] = k_argmin;
  r["reduce_prod_grad"] = k_prod_grad;
}

}  // namespace tfl
