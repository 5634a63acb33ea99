// image_resize.cc: TF's ResizeBilinear and ResizeBilinearGrad (NHWC) with TF's arithmetic
// (tensorflow/core/kernels/image/resize_bilinear_op.cc, util/image_resizer_state.h):
//   scale = align_corners && out > 1 ? (in - 1) / float(out - 1) : in / float(out)
//   in    = half_pixel_centers ? (float(i) + 0.5f) * scale - 0.5f : float(i) * scale
//   lower = max(floor(in), 0), upper = min(ceil(in), in_size - 1), lerp = in - floor(in)
//   top = tl + (tr - tl) * x_lerp, bottom = bl + (br - bl) * x_lerp,
//   out = top + (bottom - top) * y_lerp
// each in float32 (this file is compiled with -ffp-contract=off: no fused multiply-adds), so the
// results are TF's bit for bit. (The gradient spreads along a 1-pixel side as without
// align_corners, as TF 2.21's kernel does.)
//
//   resize_bilinear       images float32 [n,h,w,c] -> float32 [n,oh,ow,c] (oh, ow: the output's);
//                         ints = [align_corners, half_pixel_centers]. An output of the input's
//                         size is a copy (TF's shortcut).
//   resize_bilinear_grad  grads float32 [n,oh,ow,c] -> [n,h,w,c] float32 or float64 (the output's
//                         h, w: the original image's); the same ints. Each output element sums
//                         its contributions in TF's loop order (rows, columns, then top-left,
//                         top-right, bottom-left, bottom-right), in the output's dtype.
//
// The forward pass is separable without changing a rounding: `top` and `bottom` depend only on
// an input row and the output column, so each input row's horizontal lerps are computed once and
// kept while consecutive output rows use them; the vertical lerp is a plain vector loop. Threads
// split the output rows. The gradient's threads split the input rows: each owns the rows it
// writes and visits the contributions to them in TF's order, so no sum is reordered; an output
// row's products for one input row are computed as a vector loop, then added column by column
// (a row that takes both sides of the lerp gets TF's interleaving).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels.h"

namespace tfl {
namespace {

constexpr const char* kFwd = "ResizeBilinear";
constexpr const char* kGrad = "ResizeBilinearGrad";

// One output index's source indices and weight along an axis (TF's CachedInterpolation).
struct Interp {
  int64_t lower, upper;
  float lerp;
};

float resize_scale(int64_t in, int64_t out, bool align_corners) {
  return (align_corners && out > 1) ? float(in - 1) / float(out - 1) : float(in) / float(out);
}

std::vector<Interp> weights(int64_t out, int64_t in, float scale, bool half_pixel) {
  std::vector<Interp> w(static_cast<size_t>(out));
  for (int64_t i = 0; i < out; ++i) {
    const float f = float(int(i));
    const float pos = half_pixel ? (f + 0.5f) * scale - 0.5f : f * scale;
    const float fl = std::floor(pos);
    w[size_t(i)].lower = std::max(int64_t(fl), int64_t(0));
    w[size_t(i)].upper = std::min(int64_t(std::ceil(pos)), in - 1);
    w[size_t(i)].lerp = pos - fl;
  }
  return w;
}

struct Geometry {
  int64_t n, h, w, c, oh, ow;
  float h_scale, w_scale;
};

// TF's ImageResizerState / ImageResizerGradientState checks, in TF's order and words. `image` is
// the [n,h,w,c] side, `resized` the [n,oh,ow,c] one.
Geometry geometry(const char* op, const TensorView& image, const TensorView& resized,
                  const Attrs& a, bool grad) {
  if (a.ints.size() != 2)
    fail(op, "expects 2 integer attributes (align_corners, half_pixel_centers), got ",
         a.ints.size());
  const bool align = a.ints[0] != 0, half = a.ints[1] != 0;
  if (half && align) fail(op, "If half_pixel_centers is True, align_corners must be False.");
  Geometry g{};
  if (grad) {
    if (resized.ndim != 4) fail(op, "input_grad must be 4-dimensional", resized.shape_str());
    g.oh = resized.shape[1], g.ow = resized.shape[2];
    if (g.oh <= 0 || g.ow <= 0) fail(op, "resized dimensions must be positive");
    if (image.ndim != 4) fail(op, "original_image must be 4-dimensional", image.shape_str());
    g.h = image.shape[1], g.w = image.shape[2];
    if (g.h <= 0 || g.w <= 0) fail(op, "original dimensions must be positive");
    if (g.h > INT32_MAX || g.w > INT32_MAX)
      fail(op, "original sizes must be between 0 and max int32");
    g.n = resized.shape[0], g.c = resized.shape[3];
  } else {
    if (image.ndim != 4) fail(op, "input must be 4-dimensional", image.shape_str());
    g.n = image.shape[0], g.c = image.shape[3];
    if (g.c <= 0) fail(op, "image must have at least one channel");
    g.h = image.shape[1], g.w = image.shape[2];
    if (g.h <= 0 || g.w <= 0) fail(op, "input image must be of non-zero size");
    if (g.h > INT32_MAX || g.w > INT32_MAX) fail(op, "input sizes must be between 0 and max int32");
    if (resized.ndim != 4) fail(op, "output must be 4-dimensional, got ", resized.shape_str());
    g.oh = resized.shape[1], g.ow = resized.shape[2];
    if (g.oh <= 0 || g.ow <= 0) fail(op, "output dimensions must be positive");
    if (g.oh > INT32_MAX || g.ow > INT32_MAX) fail(op, "output sizes must be at most max int32");
  }
  if (image.shape[0] != g.n || image.shape[3] != g.c || resized.shape[0] != g.n ||
      resized.shape[3] != g.c)
    fail(op, "batch and channels of ", image.shape_str(), " and ", resized.shape_str(), " differ");
  // (TF 2.21's gradient kernel spreads the gradient of a 1-pixel side as without align_corners:
  // found by comparing sums bit for bit; the forward values cannot tell the two apart)
  g.h_scale = resize_scale(g.h, g.oh, align && !(grad && g.h == 1));
  g.w_scale = resize_scale(g.w, g.ow, align && !(grad && g.w == 1));
  if (!grad) {  // TF's overflow guards
    if (!(std::ceil(float(g.oh - 1) * g.h_scale) <= float(std::numeric_limits<int64_t>::max())))
      fail(op, "input image height scale would cause an overflow");
    if (!(std::ceil(float(g.ow - 1) * g.w_scale) <= float(INT_MAX)))
      fail(op, "input image width scale would cause an overflow");
  }
  return g;
}

// ---- forward -----------------------------------------------------------------------------------
typedef float f4 __attribute__((vector_size(16)));

inline f4 load4(const float* p) {
  f4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, f4 v) { std::memcpy(p, &v, sizeof v); }

// h[x*c + k] = row[lo + k] + (row[hi + k] - row[lo + k]) * lerp for every output column x (TF's
// `top` or `bottom` of one input row); xs' indices are premultiplied by c. `vec3` columns (c = 3)
// go 4 floats at a time: their loads stay inside the row and the 4th lane of each store is
// overwritten by the next column (h has one float of slack).
void horizontal(const float* __restrict row, const Interp* xs, int64_t ow, int64_t c, int64_t vec3,
                float* __restrict h) {
  if (c == 1) {
    for (int64_t x = 0; x < ow; ++x) {
      const float l = row[xs[x].lower];
      h[x] = l + (row[xs[x].upper] - l) * xs[x].lerp;
    }
  } else if (c == 3) {
    int64_t x = 0;
    for (; x < vec3; ++x) {
      const f4 l = load4(row + xs[x].lower);
      const f4 r = load4(row + xs[x].upper);
      store4(h + x * 3, l + (r - l) * xs[x].lerp);
    }
    for (; x < ow; ++x)
      for (int64_t k = 0; k < 3; ++k) {
        const float l = row[xs[x].lower + k];
        h[x * 3 + k] = l + (row[xs[x].upper + k] - l) * xs[x].lerp;
      }
  } else if (c == 4) {
    for (int64_t x = 0; x < ow; ++x) {
      const f4 l = load4(row + xs[x].lower);
      const f4 r = load4(row + xs[x].upper);
      store4(h + x * 4, l + (r - l) * xs[x].lerp);
    }
  } else {
    for (int64_t x = 0; x < ow; ++x) {
      const float* lo = row + xs[x].lower;
      const float* hi = row + xs[x].upper;
      const float t = xs[x].lerp;
      float* o = h + x * c;
      for (int64_t k = 0; k < c; ++k) o[k] = lo[k] + (hi[k] - lo[k]) * t;
    }
  }
}

void vertical(const float* __restrict top, const float* __restrict bottom, float t, int64_t n,
              float* __restrict out) {
  for (int64_t i = 0; i < n; ++i) out[i] = top[i] + (bottom[i] - top[i]) * t;
}

void k_resize_bilinear(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  check_count(kFwd, size_t(nin), 1, size_t(nout), 1);
  const TensorView &x = in[0], &y = out[0];
  const Geometry g = geometry(kFwd, x, y, a, false);
  check_dtype(kFwd, x, DType::kFloat32, "images");
  check_dtype(kFwd, y, DType::kFloat32, "output");
  if (y.size() == 0) return;
  const float* src = x.ptr<float>();
  float* dst = y.ptr<float>();
  if (g.oh == g.h && g.ow == g.w) {  // TF's no-op resize: a copy
    std::memcpy(dst, src, size_t(y.size()) * sizeof(float));
    return;
  }
  const bool half = a.ints[1] != 0;
  check_allocation(kFwd, g.oh + g.ow, sizeof(Interp));
  const std::vector<Interp> ys = weights(g.oh, g.h, g.h_scale, half);
  std::vector<Interp> xs = weights(g.ow, g.w, g.w_scale, half);
  for (Interp& v : xs) v.lower *= g.c, v.upper *= g.c;
  int64_t vec3 = 0;  // columns whose 4-float loads stay inside the row (c = 3)
  while (g.c == 3 && vec3 < g.ow && xs[size_t(vec3)].upper + 4 <= g.w * g.c) ++vec3;
  const int64_t row_len = g.ow * g.c, in_row = g.w * g.c;
  check_allocation(kFwd, checked_mul(kFwd, 2, row_len + 1), sizeof(float));
  // about 8K output floats a chunk: a few chunks a thread, each recomputing at most its first two
  // input rows' lerps
  const int64_t grain = std::max<int64_t>(1, 8192 / row_len);
  parallel_for(g.n * g.oh, grain, [&](int64_t r0, int64_t r1) {
    std::vector<float> buf(size_t(2 * (row_len + 1)));
    float* slot[2] = {buf.data(), buf.data() + row_len + 1};
    int64_t held[2] = {-1, -1};  // which input row (b * h + row) each slot holds
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / g.oh, oy = r % g.oh;
      const Interp& yv = ys[size_t(oy)];
      const int64_t want[2] = {b * g.h + yv.lower, b * g.h + yv.upper};
      int where[2] = {-1, -1};
      for (int k = 0; k < 2; ++k)
        for (int s = 0; s < 2; ++s)
          if (held[s] == want[k]) where[k] = s;
      if (want[0] == want[1] && where[0] < 0) where[0] = where[1] = 0;
      if (where[0] < 0) where[0] = where[1] == 0 ? 1 : 0;
      if (where[1] < 0) where[1] = where[0] == 0 ? 1 : 0;
      for (int k = 0; k < 2; ++k)
        if (held[where[k]] != want[k]) {
          horizontal(src + want[k] * in_row, xs.data(), g.ow, g.c, vec3, slot[where[k]]);
          held[where[k]] = want[k];
        }
      vertical(slot[where[0]], slot[where[1]], yv.lerp, row_len, dst + r * row_len);
    }
  });
}

// ---- gradient ----------------------------------------------------------------------------------
// One output row's contributions to one input row: row[l + k] += p[x*c + k], then row[r + k] +=
// q[x*c + k], column after column (TF's order for a row that only one side of the lerp reads).
template <typename T, int C>
void scatter_row(T* __restrict row, const float* __restrict p, const float* __restrict q,
                 const Interp* xs, int64_t ow, int64_t c_runtime) {
  const int64_t c = C > 0 ? C : c_runtime;
  for (int64_t x = 0; x < ow; ++x) {
    T* lp = row + xs[x].lower * c;
    T* rp = row + xs[x].upper * c;
    for (int64_t k = 0; k < c; ++k) {
      lp[k] += T(p[x * c + k]);
      rp[k] += T(q[x * c + k]);
    }
  }
}

template <typename T>
void bilinear_grad(const Geometry& g, const std::vector<Interp>& ys, const std::vector<Interp>& xs,
                   const float* grads, T* dx) {
  const int64_t c = g.c, in_row = g.w * c, out_row = g.ow * c;
  // each output column's weights, repeated for its channels
  std::vector<float> right_w(static_cast<size_t>(out_row)), left_w(static_cast<size_t>(out_row));
  for (int64_t x = 0; x < g.ow; ++x)
    for (int64_t k = 0; k < c; ++k) {
      right_w[size_t(x * c + k)] = xs[size_t(x)].lerp;
      left_w[size_t(x * c + k)] = 1.0f - xs[size_t(x)].lerp;
    }
  const float* xw = right_w.data();
  const float* ixw = left_w.data();
  const auto scatter = c == 3 ? scatter_row<T, 3> : c == 1 ? scatter_row<T, 1> : scatter_row<T, 0>;
  // a chunk of input rows: their zeroing and the contributions they receive
  const int64_t per_row = std::max<int64_t>(1, in_row + (g.oh * out_row * 4) / g.h);
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / per_row);
  parallel_for(g.n * g.h, grain, [&](int64_t i0, int64_t i1) {
    std::memset(dx + i0 * in_row, 0, size_t((i1 - i0) * in_row) * sizeof(T));
    std::vector<float> buf(size_t(2 * out_row));
    float* p = buf.data();
    float* q = p + out_row;
    for (int64_t b = i0 / g.h; b <= (i1 - 1) / g.h; ++b) {
      // the rows of image b this chunk owns: [lo, hi)
      const int64_t lo = std::max(i0 - b * g.h, int64_t(0));
      const int64_t hi = std::min(i1 - b * g.h, g.h);
      T* img = dx + b * g.h * in_row;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        const Interp& yv = ys[size_t(oy)];
        const bool top = yv.lower >= lo && yv.lower < hi;
        const bool bottom = yv.upper >= lo && yv.upper < hi;
        if (!top && !bottom) continue;
        const float yl = yv.lerp, iyl = 1.0f - yl;
        const float* gr = grads + (b * g.oh + oy) * out_row;
        if (yv.lower == yv.upper) {  // one row takes all four corners, in TF's interleaving
          T* row = img + yv.lower * in_row;
          for (int64_t ox = 0; ox < g.ow; ++ox) {
            const float xl = xs[size_t(ox)].lerp, ixl = 1.0f - xl;
            T* lp = row + xs[size_t(ox)].lower * c;
            T* rp = row + xs[size_t(ox)].upper * c;
            for (int64_t k = 0; k < c; ++k) {
              const float v = gr[ox * c + k];
              lp[k] += T(v * iyl * ixl);
              rp[k] += T(v * iyl * xl);
              lp[k] += T(v * yl * ixl);
              rp[k] += T(v * yl * xl);
            }
          }
          continue;
        }
        for (int side = 0; side < 2; ++side) {
          if (!(side == 0 ? top : bottom)) continue;
          const float wy = side == 0 ? iyl : yl;
          for (int64_t j = 0; j < out_row; ++j) {  // (g * y weight) * x weight, as TF
            const float v = gr[j] * wy;
            p[j] = v * ixw[j];
            q[j] = v * xw[j];
          }
          scatter(img + (side == 0 ? yv.lower : yv.upper) * in_row, p, q, xs.data(), g.ow, c);
        }
      }
    }
  });
}

void k_resize_bilinear_grad(const TensorView* in, int nin, TensorView* out, int nout,
                            const Attrs& a) {
  check_count(kGrad, size_t(nin), 1, size_t(nout), 1);
  const TensorView &dy = in[0], &dx = out[0];
  const Geometry g = geometry(kGrad, dx, dy, a, true);
  check_dtype(kGrad, dy, DType::kFloat32, "input_grad");
  if (dx.dtype != DType::kFloat32 && dx.dtype != DType::kFloat64)
    fail(kGrad, "unsupported dtype ", dtype_name(dx.dtype));
  if (dx.size() == 0) return;
  const bool half = a.ints[1] != 0;
  check_allocation(kGrad, g.oh + g.ow, sizeof(Interp));
  check_allocation(kGrad, checked_mul(kGrad, 4, g.ow * g.c), sizeof(float));  // weights, rows
  const std::vector<Interp> ys = weights(g.oh, g.h, g.h_scale, half);
  const std::vector<Interp> xs = weights(g.ow, g.w, g.w_scale, half);
  if (dx.dtype == DType::kFloat32) bilinear_grad(g, ys, xs, dy.ptr<float>(), dx.ptr<float>());
  else bilinear_grad(g, ys, xs, dy.ptr<float>(), dx.ptr<double>());
}

}  // namespace

void register_image_resize(Registry& r) {
  r["resize_bilinear"] = k_resize_bilinear;
  r["resize_bilinear_grad"] = k_resize_bilinear_grad;
}

}  // namespace tfl
