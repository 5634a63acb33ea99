// onednn_context.h: the one oneDNN CPU engine of the process and each thread's stream, shared by
// the files that run oneDNN primitives (conv_onednn.cc, gemm_primitive.cc; oneDNN builds only).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

namespace tfl {

inline dnnl::engine& onednn_engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

inline dnnl::stream& onednn_stream() {
  thread_local dnnl::stream s(onednn_engine());
  return s;
}

}  // namespace tfl
