// gemm_primitive.h: C = op(A) @ op(B) + beta * C on oneDNN's matmul primitive (oneDNN builds
// only), for blas_onednn.cc's float32 products that dnnl_sgemm runs slowly and gemm_bf16.cc's
// bfloat16 copies. The primitive is described with the caller's strides (its brgemm kernels take
// either orientation of each operand) and cached per description and thread count.
#pragma once

#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>

namespace tfl {
namespace blas {

struct GemmShape {
  dnnl::memory::data_type type;  // of A and B (f32 or bf16); C is float32
  bool ta, tb;
  int64_t m, n, k, lda, ldb, ldc;
  float beta;
  int nt;  // threads (oneDNN fixes its partitioning when a primitive is created)
};

// Runs the product; throws KernelError "[op] [oneDNN] ..." where oneDNN fails, ResourceError
// where it runs out of memory.
void gemm_primitive(const char* op, const GemmShape& s, const void* a, const void* b, float* c);

}  // namespace blas
}  // namespace tfl
