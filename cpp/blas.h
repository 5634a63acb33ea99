// blas.h: the one BLAS glue. float32 products go to oneDNN (a build with TFLITE_CORE_ONEDNN, the
// default on Linux x86-64: blas_onednn.cc, which sends the shapes dnnl_sgemm runs slowly and the
// bf16 mode's products to its matmul primitive, gemm_primitive.h) or to scipy-openblas32's
// cblas_sgemm (blas_openblas.cc); CMake compiles one of the two, and no other file includes
// either library's gemm header. (conv_onednn.cc's oneDNN primitives are not a gemm and stay
// there.) Row-major, leading dimensions as BLAS, sizes below 2^31.
#pragma once

#include <cstdint>
#include <string>

namespace tfl {
namespace blas {

// The library behind sgemm: "onednn" or "openblas".
const char* backend();

// "" where the library can run float32 products with bf16 maths (fpmath.h); else why not.
std::string bf16_unavailable();

// C[m,n] = alpha * op(A) @ op(B) + beta * C (beta 0: C is only written) on the library's threads:
// get_num_threads() of them, one below ~0.25 MFLOP. In fpmath bf16 mode (fpmath.h) products of at
// least kBf16MinMacs multiply-adds round alpha * A and B to bfloat16 first. Throws KernelError
// "[op] oneDNN sgemm failed with status N" when oneDNN reports an error.
void sgemm(const char* op, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
           const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
           int64_t ldc);

// The same on the calling thread only, for callers that run their own threads: inside an OpenMP
// region it must run under a SerialScope opened before the region. Never throws (it runs inside
// OpenMP regions); returns false where the library reported an error.
bool sgemm_serial(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                  int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// While it lives, the library's own thread pool (OpenBLAS's, which must not be woken from inside
// an OpenMP region) is kept at one thread; oneDNN needs nothing.
class SerialScope {
 public:
  SerialScope();
  ~SerialScope();
  SerialScope(const SerialScope&) = delete;
  SerialScope& operator=(const SerialScope&) = delete;

 private:
  int saved_ = 1;
};

}  // namespace blas

// C = op(A) @ op(B) + beta * C (beta 0: C is only written), for kernels that multiply inside
// (lstm.cc): float32 by blas::sgemm above a few thousand multiply-adds, float64 and smaller
// products by matmul.cc's loops. k = 0 gives beta * C.
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
          const float* b, int64_t ldb, float* c, int64_t ldc, float beta);
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda,
          const double* b, int64_t ldb, double* c, int64_t ldc, double beta);

}  // namespace tfl
