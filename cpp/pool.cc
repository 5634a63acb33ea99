// pool.cc: max and average pooling (NHWC) and their gradients: argument checks, then oneDNN
// (float32, when built and selected) or the reference loops (conv_reference.cc).
//
// ints = [window_h, window_w, stride_h, stride_w, pad_top, pad_bottom, pad_left, pad_right], each
// padding smaller than the window (so that every window holds input elements); padded elements
// take no part: max over the window's inputs, mean over their number (TF's avg_pool).
//   max_pool, avg_pool      x [n,h,w,c] -> y [n,oh,ow,c]
//   max_pool_grad           x, y, dy -> dx (dy of a window to its first maximum, row-major; y is
//                           only checked: the maxima are found in x, as TF's CPU kernel does)
//   max_pool_grad_grad      x, y, gx -> gy [n,oh,ow,c] (gx at each window's first maximum)
//   avg_pool_grad           dy -> dx (the output's shape is the input's)
#include <cstring>

#include <algorithm>
#include "conv.h"

#include "kernels.h"

namespace tfl {
namespace {

PoolGeom pool_geom(const char* op, const TensorView& x, const TensorView& y, const Attrs& a) {
  if (x.ndim != 4 || y.ndim != 4)
    fail(op, "input and output must be 4-D, got ", x.shape_str(), " and ", y.shape_str());
  if (a.ints.size() != 8)
    fail(op, "expects 8 integer attributes (window, strides, paddings), got ", a.ints.size());
  PoolGeom g;
  g.n = x.shape[0], g.h = x.shape[1], g.w = x.shape[2], g.c = x.shape[3];
  g.kh = a.ints[0], g.kw = a.ints[1], g.sh = a.ints[2], g.sw = a.ints[3];
  g.pt = a.ints[4], g.pb = a.ints[5], g.pl = a.ints[6], g.pr = a.ints[7];
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1)
    fail(op, "window and strides must be >= 1, got window [", g.kh, ",", g.kw, "], strides [", g.sh,
         ",", g.sw, "]");
  if (g.pt < 0 || g.pb < 0 || g.pl < 0 || g.pr < 0 || g.pt >= g.kh || g.pb >= g.kh ||
      g.pl >= g.kw || g.pr >= g.kw)
    fail(op, "paddings must be >= 0 and smaller than the window [", g.kh, ",", g.kw, "]");
  if (std::max(g.kh, g.kw) > (int64_t(1) << 24))  // (oneDNN's offsets are int32, as conv's)
    fail(op, "windows above 2^24 are not supported, got [", g.kh, ",", g.kw, "]");
  int64_t sh, sw;  // the padded lengths (paddings < window, each >= 0)
  if (__builtin_add_overflow(g.h, g.pt, &sh) || __builtin_add_overflow(sh, g.pb, &sh) ||
      __builtin_add_overflow(g.w, g.pl, &sw) || __builtin_add_overflow(sw, g.pr, &sw))
    fail(op, "padded input size overflows int64 (input ", x.shape_str(), ", paddings ", g.pt, ",",
         g.pb, ",", g.pl, ",", g.pr, ")");
  g.oh = sh >= g.kh ? (sh - g.kh) / g.sh + 1 : 0;
  g.ow = sw >= g.kw ? (sw - g.kw) / g.sw + 1 : 0;
  if (g.oh > 0 && g.ow > 0 && (g.h == 0 || g.w == 0))
    fail(op, "windows over an empty input ", x.shape_str());
  if (y.shape[0] != g.n || y.shape[1] != g.oh || y.shape[2] != g.ow || y.shape[3] != g.c)
    fail(op, "output shape ", y.shape_str(), " should be [", g.n, ",", g.oh, ",", g.ow, ",", g.c,
         "] for input ", x.shape_str());
  check_same_dtype(op, x, y);
  if (x.dtype != DType::kFloat32 && x.dtype != DType::kFloat64)
    fail(op, "unsupported dtype ", dtype_name(x.dtype));
  return g;
}

bool use_onednn(const TensorView& t) {
  return t.dtype == DType::kFloat32 && conv_backend_now() == ConvBackend::kOneDNN;
}

template <bool kMax>
void pool_kernel(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = kMax ? "MaxPool" : "AvgPool";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  const PoolGeom g = pool_geom(op, in[0], out[0], a);
  if (out[0].size() == 0) return;
  if (use_onednn(in[0])) {
    (kMax ? dnnl_max_pool : dnnl_avg_pool)(g, in[0].ptr<float>(), out[0].ptr<float>());
    return;
  }
  TFL_FLOAT_CASES(in[0].dtype, op, {
    if (kMax) ref_max_pool(g, in[0].ptr<T>(), out[0].ptr<T>());
    else ref_avg_pool(g, in[0].ptr<T>(), out[0].ptr<T>());
  });
}

void k_max_pool_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "MaxPoolGrad";
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  const PoolGeom g = pool_geom(op, in[0], in[1], a);
  check_same_shape(op, in[1], in[2]);
  check_same_shape(op, in[0], out[0]);
  check_same_dtype(op, in[0], in[2]);
  check_same_dtype(op, in[0], out[0]);
  if (out[0].size() == 0) return;
  if (in[2].size() == 0) {
    std::memset(out[0].data, 0, size_t(out[0].size() * dtype_size(out[0].dtype)));
    return;
  }
  if (use_onednn(in[0])) {
    dnnl_max_pool_grad(g, in[0].ptr<float>(), in[2].ptr<float>(), out[0].ptr<float>());
    return;
  }
  TFL_FLOAT_CASES(in[0].dtype, op,
                  ref_max_pool_grad(g, in[0].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>()));
}

void k_max_pool_grad_grad(const TensorView* in, int nin, TensorView* out, int nout,
                          const Attrs& a) {
  const char* op = "MaxPoolGradGrad";
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  const PoolGeom g = pool_geom(op, in[0], in[1], a);
  check_same_shape(op, in[0], in[2]);
  check_same_shape(op, in[1], out[0]);
  check_same_dtype(op, in[0], in[2]);
  check_same_dtype(op, in[0], out[0]);
  if (out[0].size() == 0) return;
  TFL_FLOAT_CASES(in[0].dtype, op,
                  ref_max_pool_grad_grad(g, in[0].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>()));
}

void k_avg_pool_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "AvgPoolGrad";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  const PoolGeom g = pool_geom(op, out[0], in[0], a);
  if (out[0].size() == 0) return;
  if (in[0].size() == 0) {  // no window: nothing flows back
    std::memset(out[0].data, 0, size_t(out[0].size() * dtype_size(out[0].dtype)));
    return;
  }
  if (use_onednn(in[0])) {
    dnnl_avg_pool_grad(g, in[0].ptr<float>(), out[0].ptr<float>());
    return;
  }
  TFL_FLOAT_CASES(in[0].dtype, op, ref_avg_pool_grad(g, in[0].ptr<T>(), out[0].ptr<T>()));
}

}  // namespace

void register_pool(Registry& r) {
  r["max_pool"] = pool_kernel<true>;
  r["avg_pool"] = pool_kernel<false>;
  r["max_pool_grad"] = k_max_pool_grad;
  r["max_pool_grad_grad"] = k_max_pool_grad_grad;
  r["avg_pool_grad"] = k_avg_pool_grad;
}

}  // namespace tfl
