// conv.cc: the conv2d and depthwise conv2d kernels (forward, input gradient, filter gradient):
// argument checks, then the oneDNN backend (float32, when built and selected) or the reference
// one (conv_reference.cc). Also the runtime backend switch shared with the pool kernels.
//
// Layouts as TensorFlow's NHWC: x [n,h,w,c]; conv2d filter [kh,kw,c,oc] (HWIO); depthwise filter
// [kh,kw,c,mult] with output channel c * mult + m; y [n,oh,ow,oc]. ints = [stride_h, stride_w,
// dilation_h, dilation_w, pad_top, pad_bottom, pad_left, pad_right] (Python turns TF's SAME/VALID
// into explicit paddings), and oh = (h + pad_top + pad_bottom - ((kh - 1) * dilation_h + 1)) /
// stride_h + 1 (0 when the padded input is shorter than the window), likewise ow.
// conv2d_bias_act / depthwise_conv2d_bias_act add a bias [oc] and an activation (fused steps).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>

#include "conv.h"
#include "conv_1x1.h"
#include "cpu.h"
#include "depthwise_f32.h"
#include "fpmath.h"
#include "kernels.h"

namespace tfl {
namespace {

std::atomic<int> g_backend{-1};  // -1: not chosen yet (oneDNN where built)
std::atomic<int> g_filter_grad_path{int(FilterGradPath::kAuto)};
std::atomic<bool> g_direct{true};
std::atomic<int64_t> g_direct_calls{0};

// Runs a direct float32 convolution where one takes g (counted): false where none does. (In
// fpmath bf16 mode the 1x1 convolutions are oneDNN's bf16 primitives; depthwise ones stay float32
// there.)
bool direct(const ConvGeom& g, const float* x, const float* f, const float* bias, float* y,
            int act) {
  const bool one_by_one = !fpmath_bf16() && conv1x1_takes(g);
  if (!one_by_one && !depthwise_f32_takes(g)) return false;
  g_direct_calls.fetch_add(1, std::memory_order_relaxed);
  if (one_by_one) conv1x1_f32(g, x, f, bias, y, act);
  else depthwise_f32(g, x, f, bias, y, act);
  return true;
}

// Output length along one dim, from the input length, window, stride, dilation and paddings
// (all checked >= 0 or >= 1 before); the padded length and the dilated window must fit int64.
int64_t out_len(const char* op, int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0,
                int64_t p1) {
  int64_t span, ek;
  if (__builtin_add_overflow(in, p0, &span) || __builtin_add_overflow(span, p1, &span) ||
      __builtin_mul_overflow(k - 1, d, &ek) || __builtin_add_overflow(ek, 1, &ek))
    fail(op, "padded input or dilated filter size overflows int64 (input ", in, ", filter ", k,
         ", dilation ", d, ", paddings ", p0, ",", p1, ")");
  return span >= ek ? (span - ek) / s + 1 : 0;
}

// Checks x, filter and y against each other and the attributes; returns the geometry.
ConvGeom conv_geom(const char* op, const TensorView& x, const TensorView& f, const TensorView& y,
                   const Attrs& a, bool depthwise) {
  if (x.ndim != 4 || f.ndim != 4 || y.ndim != 4)
    fail(op, "input, filter and output must be 4-D, got ", x.shape_str(), ", ", f.shape_str(),
         " and ", y.shape_str());
  if (a.ints.size() != 8)
    fail(op, "expects 8 integer attributes (strides, dilations, paddings), got ", a.ints.size());
  ConvGeom g;
  g.n = x.shape[0], g.h = x.shape[1], g.w = x.shape[2], g.c = x.shape[3];
  g.kh = f.shape[0], g.kw = f.shape[1];
  g.mult = depthwise ? f.shape[3] : 0;
  g.oc = depthwise ? g.c * f.shape[3] : f.shape[3];
  g.sh = a.ints[0], g.sw = a.ints[1], g.dh = a.ints[2], g.dw = a.ints[3];
  g.pt = a.ints[4], g.pb = a.ints[5], g.pl = a.ints[6], g.pr = a.ints[7];
  if (g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1)
    fail(op, "strides and dilations must be >= 1, got strides [", g.sh, ",", g.sw, "], dilations [",
         g.dh, ",", g.dw, "]");
  if (g.pt < 0 || g.pb < 0 || g.pl < 0 || g.pr < 0) fail(op, "paddings must be >= 0");
  if (g.kh < 1 || g.kw < 1) fail(op, "filter height and width must be >= 1, got ", f.shape_str());
  // oneDNN computes offsets from paddings and dilated extents in int32: a dilation of 10^9 (a
  // corrupt model's) read outside the input. Far beyond any real network's; refused.
  constexpr int64_t kMaxExtent = int64_t(1) << 24;
  if (std::max({g.pt, g.pb, g.pl, g.pr, g.dh, g.dw}) > kMaxExtent ||
      (g.kh - 1) > kMaxExtent / g.dh || (g.kw - 1) > kMaxExtent / g.dw)
    fail(op, "paddings [", g.pt, ",", g.pb, ",", g.pl, ",", g.pr, "] and dilated filter extents ",
         "(dilations [", g.dh, ",", g.dw, "]) must be at most 2^24");
  if (f.shape[2] != g.c)
    fail(op, "input depth must equal the filter's input depth, but are ", g.c, " and ", f.shape[2],
         " (input ", x.shape_str(), ", filter ", f.shape_str(), ")");
  g.oh = out_len(op, g.h, g.kh, g.sh, g.dh, g.pt, g.pb);
  g.ow = out_len(op, g.w, g.kw, g.sw, g.dw, g.pl, g.pr);
  if (y.shape[0] != g.n || y.shape[1] != g.oh || y.shape[2] != g.ow || y.shape[3] != g.oc)
    fail(op, "output shape ", y.shape_str(), " should be [", g.n, ",", g.oh, ",", g.ow, ",", g.oc,
         "] for input ", x.shape_str(), " and filter ", f.shape_str());
  check_same_dtype(op, x, f);
  check_same_dtype(op, x, y);
  if (x.dtype != DType::kFloat32 && x.dtype != DType::kFloat64)
    fail(op, "unsupported dtype ", dtype_name(x.dtype));
  return g;
}

enum class Pass { kForward, kInput, kFilter };

// in/out of each pass: forward (x, f) -> y; input (f, dy) -> dx; filter (x, dy) -> df.
void conv_kernel(const char* op, Pass pass, bool depthwise, const TensorView* in, int nin,
                 TensorView* out, int nout, const Attrs& a) {
  check_count(op, size_t(nin), 2, size_t(nout), 1);
  const TensorView& x = pass == Pass::kInput ? out[0] : in[0];
  const TensorView& f = pass == Pass::kForward ? in[1] : pass == Pass::kInput ? in[0] : out[0];
  const TensorView& y = pass == Pass::kForward ? out[0] : in[1];
  const ConvGeom g = conv_geom(op, x, f, y, a, depthwise);
  TensorView& o = out[0];
  if (o.size() == 0) return;
  if (in[0].size() == 0 || in[1].size() == 0) {  // a sum over nothing
    std::memset(o.data, 0, size_t(o.size() * dtype_size(o.dtype)));
    return;
  }
  const void* i0 = in[0].data;
  const void* i1 = in[1].data;
  if (x.dtype == DType::kFloat32 && conv_backend_now() == ConvBackend::kOneDNN) {
    const float *a0 = static_cast<const float*>(i0), *a1 = static_cast<const float*>(i1);
    float* r = o.ptr<float>();
    if (pass == Pass::kForward) {
      if (!direct(g, a0, a1, nullptr, r, 0)) dnnl_conv2d(g, a0, a1, r);
    }
    if (pass == Pass::kInput) dnnl_conv2d_bwd_input(g, a0, a1, r);
    if (pass == Pass::kFilter) {
      // oneDNN 3.2's jit_1x1:avx2 backward-weights for strided 1x1 filters writes out of bounds
      // and computes wrong sums (seen with 1-5 input channels, and depthwise with one channel;
      // reproduced with oneDNN alone): such filter gradients never use the primitive.
      const bool strided_1x1 = g.kh == 1 && g.kw == 1 && (g.sh > 1 || g.sw > 1);
      const auto path = FilterGradPath(g_filter_grad_path.load(std::memory_order_relaxed));
      const bool gemm = path == FilterGradPath::kGemm ||
                        (path == FilterGradPath::kAuto && dnnl_filter_grad_by_gemm(g));
      if (depthwise && strided_1x1) ref_depthwise_bwd_filter(g, a0, a1, r);
      else if (!depthwise && (strided_1x1 || gemm)) ref_conv2d_bwd_filter(g, a0, a1, r);
      else dnnl_conv2d_bwd_filter(g, a0, a1, r);
    }
    return;
  }
  TFL_FLOAT_CASES(x.dtype, op, {
    const T *a0 = static_cast<const T*>(i0), *a1 = static_cast<const T*>(i1);
    T* r = o.ptr<T>();
    if (!depthwise) {
      if (pass == Pass::kForward) ref_conv2d(g, a0, a1, r);
      if (pass == Pass::kInput) ref_conv2d_bwd_input(g, a0, a1, r);
      if (pass == Pass::kFilter) ref_conv2d_bwd_filter(g, a0, a1, r);
    } else {
      if (pass == Pass::kForward) ref_depthwise(g, a0, a1, r);
      if (pass == Pass::kInput) ref_depthwise_bwd_input(g, a0, a1, r);
      if (pass == Pass::kFilter) ref_depthwise_bwd_filter(g, a0, a1, r);
    }
  });
}

// y += bias in place, bias over the last dim.
template <typename T>
void add_bias(T* y, const T* bias, int64_t rows, int64_t oc) {
  parallel_for(rows, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(oc, 1)),
               [&](int64_t r0, int64_t r1) {
                 for (int64_t r = r0; r < r1; ++r)
                   for (int64_t c = 0; c < oc; ++c) y[r * oc + c] += bias[c];
               });
}

// relu (hi = inf) or relu6 (hi = 6) of one value, NaN kept: blends that vectorise (with
// -fno-trapping-math).
template <typename T>
inline T activation(T v, T hi) {
  return v != v ? v : std::min(std::max(v, T(0)), hi);
}

// float32 also has an AVX2+FMA build, which runs where the CPU has it (cpu.h).
TFL_TARGET_AVX2_FMA void activate_run_avx2(float* y, int64_t n, float hi) {
  for (int64_t k = 0; k < n; ++k) y[k] = activation(y[k], hi);
}
void activate_run(float* y, int64_t n, float hi) {
  if (cpu::has_avx2_fma()) return activate_run_avx2(y, n, hi);
  for (int64_t k = 0; k < n; ++k) y[k] = activation(y[k], hi);
}
void activate_run(double* y, int64_t n, double hi) {
  for (int64_t k = 0; k < n; ++k) y[k] = activation(y[k], hi);
}

// y = act(y) in place: act 0 none, 1 relu, 2 relu6.
template <typename T>
void activate(T* y, int64_t n, int act) {
  if (act == 0) return;
  const T hi = act == 2 ? T(6) : std::numeric_limits<T>::infinity();
  parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) { activate_run(y + b, e - b, hi); });
}

// A convolution, its bias and activation in one step (the plan fuses Conv2D or
// DepthwiseConv2dNative -> BiasAdd [-> Relu [-> Relu6's Minimum]] into it): in = (x, filter,
// bias [oc]); ints = the convolution's 8, act (0 none, 1 relu, 2 relu6), and filter_id: 0, or a
// number the caller never reuses for another filter, promising that this filter's contents never
// change (a graph constant), so that oneDNN's reordered copy of it is made once and kept.
void fused_kernel(const char* op, bool depthwise, const TensorView* in, int nin, TensorView* out,
                  int nout, const Attrs& a) {
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  if (a.ints.size() != 10)
    fail(op, "expects 10 integer attributes (convolution, activation, filter id), got ",
         a.ints.size());
  const Attrs conv_a{std::vector<int64_t>(a.ints.begin(), a.ints.begin() + 8), {}};
  const ConvGeom g = conv_geom(op, in[0], in[1], out[0], conv_a, depthwise);
  const TensorView& b = in[2];
  check_same_dtype(op, in[0], b);
  if (b.ndim != 1 || b.shape[0] != g.oc)
    fail(op, "bias must be [", g.oc, "] (the output channels), got ", b.shape_str());
  const int act = int(a.ints[8]);
  if (act < 0 || act > 2) fail(op, "activation must be 0, 1 or 2, got ", act);
  const int64_t filter_id = a.ints[9];
  if (filter_id < 0) fail(op, "filter id must be >= 0, got ", filter_id);
  TensorView& y = out[0];
  if (y.size() == 0) return;
  const int64_t rows = g.n * g.oh * g.ow;
  if (in[0].size() == 0 || in[1].size() == 0) {  // the convolution sums nothing
    std::memset(y.data, 0, size_t(y.size() * dtype_size(y.dtype)));
    TFL_FLOAT_CASES(y.dtype, op, {
      add_bias(y.ptr<T>(), b.ptr<T>(), rows, g.oc);
      activate(y.ptr<T>(), y.size(), act);
    });
    return;
  }
  if (y.dtype == DType::kFloat32 && conv_backend_now() == ConvBackend::kOneDNN) {
    // our own kernels apply the bias and activation to the sums in registers
    if (direct(g, in[0].ptr<float>(), in[1].ptr<float>(), b.ptr<float>(), y.ptr<float>(), act))
      return;
    // oneDNN adds the bias; its relu/clip post-ops would turn NaN into 0, so the activation
    // runs here, on the output while it is still warm
    dnnl_conv2d(g, in[0].ptr<float>(), in[1].ptr<float>(), y.ptr<float>(), b.ptr<float>(),
                filter_id);
    activate(y.ptr<float>(), y.size(), act);
    return;
  }
  TFL_FLOAT_CASES(y.dtype, op, {
    if (depthwise) ref_depthwise(g, in[0].ptr<T>(), in[1].ptr<T>(), y.ptr<T>());
    else ref_conv2d(g, in[0].ptr<T>(), in[1].ptr<T>(), y.ptr<T>());
    add_bias(y.ptr<T>(), b.ptr<T>(), rows, g.oc);
    activate(y.ptr<T>(), y.size(), act);
  });
}

void k_conv2d_bias_act(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  fused_kernel("Conv2D+BiasAdd", false, in, nin, out, nout, a);
}
void k_depthwise_bias_act(const TensorView* in, int nin, TensorView* out, int nout,
                          const Attrs& a) {
  fused_kernel("DepthwiseConv2dNative+BiasAdd", true, in, nin, out, nout, a);
}

#define TFL_CONV_KERNEL(NAME, OP, PASS, DW)                                             \
  void NAME(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) { \
    conv_kernel(OP, PASS, DW, in, nin, out, nout, a);                                   \
  }
TFL_CONV_KERNEL(k_conv2d, "Conv2D", Pass::kForward, false)
TFL_CONV_KERNEL(k_conv2d_bwd_input, "Conv2DBackpropInput", Pass::kInput, false)
TFL_CONV_KERNEL(k_conv2d_bwd_filter, "Conv2DBackpropFilter", Pass::kFilter, false)
TFL_CONV_KERNEL(k_depthwise, "DepthwiseConv2dNative", Pass::kForward, true)
TFL_CONV_KERNEL(k_depthwise_bwd_input, "DepthwiseConv2dNativeBackpropInput", Pass::kInput, true)
TFL_CONV_KERNEL(k_depthwise_bwd_filter, "DepthwiseConv2dNativeBackpropFilter", Pass::kFilter, true)
#undef TFL_CONV_KERNEL

}  // namespace

ConvBackend conv_backend_now() {
  int b = g_backend.load(std::memory_order_relaxed);
  if (b < 0) {
    b = int(onednn_conv_available() ? ConvBackend::kOneDNN : ConvBackend::kReference);
    g_backend.store(b, std::memory_order_relaxed);
  }
  return ConvBackend(b);
}

bool set_conv_direct(bool on) { return g_direct.exchange(on); }
bool conv_direct() { return g_direct.load(std::memory_order_relaxed); }
int64_t conv_direct_calls() { return g_direct_calls.load(); }

void set_filter_grad_path(FilterGradPath p) { g_filter_grad_path.store(int(p)); }

void set_conv_backend(const std::string& name) {
  if (name == "onednn") {
    if (!onednn_conv_available())
      throw KernelError(
          "[set_conv_backend] this build has no oneDNN backend (TFLITE_CORE_ONEDNN=OFF)");
    g_backend.store(int(ConvBackend::kOneDNN));
  } else if (name == "reference") {
    g_backend.store(int(ConvBackend::kReference));
  } else {
    throw KernelError("[set_conv_backend] unknown backend '" + name +
                      "'; expected 'onednn' or 'reference'");
  }
}

int64_t new_constant_id() {
  static std::atomic<int64_t> next{1};
  return next.fetch_add(1);
}

const char* conv_backend() {
  return conv_backend_now() == ConvBackend::kOneDNN ? "onednn" : "reference";
}

void register_conv(Registry& r) {
  r["conv2d"] = k_conv2d;
  r["conv2d_backprop_input"] = k_conv2d_bwd_input;
  r["conv2d_backprop_filter"] = k_conv2d_bwd_filter;
  r["depthwise_conv2d"] = k_depthwise;
  r["depthwise_conv2d_backprop_input"] = k_depthwise_bwd_input;
  r["depthwise_conv2d_backprop_filter"] = k_depthwise_bwd_filter;
  r["conv2d_bias_act"] = k_conv2d_bias_act;
  r["depthwise_conv2d_bias_act"] = k_depthwise_bias_act;
}

}  // namespace tfl
