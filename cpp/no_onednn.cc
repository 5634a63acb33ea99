// no_onednn.cc: the oneDNN conv backend's entry points in a build without oneDNN
// (TFLITE_CORE_ONEDNN=OFF). The reference backend is the only one; these are never reached
// because set_conv_backend("onednn") is refused, but fail loudly if they were.
#include "conv.h"

namespace tfl {

bool onednn_conv_available() { return false; }
bool dnnl_filter_grad_by_gemm(const ConvGeom&) { return false; }

namespace {
[[noreturn]] void unavailable(const char* op) { fail(op, "this build has no oneDNN backend"); }
}  // namespace

void dnnl_conv2d(const ConvGeom&, const float*, const float*, float*, const float*, int64_t) {
  unavailable("Conv2D");
}
bool dnnl_qconv2d_s32(const ConvGeom&, const int8_t*, const int8_t*, int32_t*, int32_t, int64_t) {
  return false;  // (the int8 kernel's own loop)
}
void dnnl_conv2d_bwd_input(const ConvGeom&, const float*, const float*, float*) {
  unavailable("Conv2DBackpropInput");
}
void dnnl_conv2d_bwd_filter(const ConvGeom&, const float*, const float*, float*) {
  unavailable("Conv2DBackpropFilter");
}
void dnnl_max_pool(const PoolGeom&, const float*, float*) { unavailable("MaxPool"); }
void dnnl_avg_pool(const PoolGeom&, const float*, float*) { unavailable("AvgPool"); }
void dnnl_max_pool_grad(const PoolGeom&, const float*, const float*, float*) {
  unavailable("MaxPoolGrad");
}
void dnnl_avg_pool_grad(const PoolGeom&, const float*, float*) { unavailable("AvgPoolGrad"); }
void dnnl_clear_cache() {}
int64_t dnnl_cache_size() { return 0; }

}  // namespace tfl
