// conv.h: geometry of 2-D convolutions and pooling (NHWC) and the two backends behind the conv and
// pool kernels: oneDNN primitives (conv_onednn.cc, float32; no_onednn.cc when not built) and a
// portable reference (conv_reference.cc: im2col + sgemm for conv, direct loops for depthwise and
// pooling; float32 and float64). conv.cc and pool.cc check the kernels' arguments and dispatch.
#pragma once

#include <cstdint>

#include "tensor.h"

namespace tfl {

// A 2-D convolution: x [n,h,w,c], filter [kh,kw,c,oc] (conv2d) or [kh,kw,c,mult] (depthwise,
// oc = c * mult), y [n,oh,ow,oc]. Strides, dilations and explicit paddings per spatial dim.
struct ConvGeom {
  int64_t n, h, w, c;
  int64_t kh, kw, oc, mult;  // mult: 0 for conv2d, the channel multiplier for depthwise
  int64_t oh, ow;
  int64_t sh, sw, dh, dw;
  int64_t pt, pb, pl, pr;
  bool depthwise() const { return mult > 0; }
  int64_t x_size() const { return n * h * w * c; }
  int64_t y_size() const { return n * oh * ow * oc; }
  int64_t f_size() const { return kh * kw * c * (depthwise() ? mult : oc); }
};

// Pooling: x [n,h,w,c] -> y [n,oh,ow,c], window kh x kw, strides, explicit paddings (each window
// holds at least one input element; padded elements are left out of max and mean).
struct PoolGeom {
  int64_t n, h, w, c;
  int64_t kh, kw, oh, ow;
  int64_t sh, sw;
  int64_t pt, pb, pl, pr;
};

// Whether set_conv_direct (kernels.h) is on.
bool conv_direct();
// The backend the conv and pool kernels use now (float32; float64 always uses the reference).
enum class ConvBackend : int { kOneDNN = 0, kReference = 1 };
ConvBackend conv_backend_now();

// Reference backend (conv_reference.cc), T = float or double. Outputs are fully written.
template <typename T> void ref_conv2d(const ConvGeom& g, const T* x, const T* f, T* y);
template <typename T> void ref_conv2d_bwd_input(const ConvGeom& g, const T* f, const T* dy, T* dx);
template <typename T> void ref_conv2d_bwd_filter(const ConvGeom& g, const T* x, const T* dy, T* df);
template <typename T> void ref_depthwise(const ConvGeom& g, const T* x, const T* f, T* y);
template <typename T>
void ref_depthwise_bwd_input(const ConvGeom& g, const T* f, const T* dy, T* dx);
template <typename T>
void ref_depthwise_bwd_filter(const ConvGeom& g, const T* x, const T* dy, T* df);
template <typename T> void ref_max_pool(const PoolGeom& g, const T* x, T* y);
template <typename T> void ref_avg_pool(const PoolGeom& g, const T* x, T* y);
// dx: dy of each window goes to the window's first maximum (row-major scan), as TF's CPU kernel.
template <typename T> void ref_max_pool_grad(const PoolGeom& g, const T* x, const T* dy, T* dx);
// y[window] = gx at the window's first maximum (the gradient of max_pool_grad with respect to dy).
template <typename T> void ref_max_pool_grad_grad(const PoolGeom& g, const T* x, const T* gx, T* y);
template <typename T> void ref_avg_pool_grad(const PoolGeom& g, const T* dy, T* dx);

// oneDNN backend (conv_onednn.cc), float32, primitives cached per shape and thread count.
// conv2d's filter gradient is the exception: on CPUs without AVX-512, im2col + oneDNN's sgemm
// (ref_conv2d_bwd_filter) measured 1.2-1.6x faster than oneDNN 3.2's jit:avx2 backward-weights
// primitive for filters of 64 or more taps x input channels (slower below);
// dnnl_filter_grad_by_gemm says whether that path is taken, set_filter_grad_path overrides the
// rule (tests).
enum class FilterGradPath : int { kAuto = 0, kPrimitive = 1, kGemm = 2 };
void set_filter_grad_path(FilterGradPath p);
bool dnnl_filter_grad_by_gemm(const ConvGeom& g);
bool onednn_conv_available();
// bias (optional, [oc]) is added inside the primitive (the fused kernels apply their activation
// themselves: oneDNN's relu and clip post-ops turn NaN into 0). filter_id != 0: the filter is a
// constant with that never-reused id; its reordered copy is made on the first call and kept
// with the cached primitive.
void dnnl_conv2d(const ConvGeom& g, const float* x, const float* f, float* y,
                 const float* bias = nullptr, int64_t filter_id = 0);
void dnnl_conv2d_bwd_input(const ConvGeom& g, const float* f, const float* dy, float* dx);
// int8 x (NHWC) and filter (TFLite's OHWI; depthwise [1, kh, kw, c * mult]) -> the exact int32
// sums of (x - x_zp) * f (padding holds x_zp, as TFLite pads), for the caller to requantize;
// false where oneDNN has no such primitive (or the build has no oneDNN). filter_id != 0: a
// constant filter, reordered once.
bool dnnl_qconv2d_s32(const ConvGeom& g, const int8_t* x, const int8_t* f, int32_t* acc,
                      int32_t x_zp, int64_t filter_id);
void dnnl_conv2d_bwd_filter(const ConvGeom& g, const float* x, const float* dy, float* df);
void dnnl_max_pool(const PoolGeom& g, const float* x, float* y);
void dnnl_avg_pool(const PoolGeom& g, const float* x, float* y);
void dnnl_max_pool_grad(const PoolGeom& g, const float* x, const float* dy, float* dx);
void dnnl_avg_pool_grad(const PoolGeom& g, const float* dy, float* dx);
// Drops every cached primitive (tests; the cache also clears itself when it grows large).
void dnnl_clear_cache();
int64_t dnnl_cache_size();

}  // namespace tfl
