// blas_onednn.cc: blas.h over oneDNN's dnnl_sgemm (the build with TFLITE_CORE_ONEDNN; CMake
// compiles blas_openblas.cc instead without it).
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include "blas.h"
#include "fpmath.h"
#include "gemm_bf16.h"
#include "gemm_primitive.h"
#include "tensor.h"

namespace tfl {
namespace blas {

const char* backend() { return "onednn"; }

std::string bf16_unavailable() {
  const int isa = int(dnnl::get_effective_cpu_isa());
  const int bf16 = int(dnnl::cpu_isa::avx512_core_bf16), amx = int(dnnl::cpu_isa::avx512_core_amx);
  if ((isa & bf16) == bf16 || (isa & amx) == amx) return "";
  return "oneDNN may not use this CPU's bf16 instructions (ONEDNN_MAX_CPU_ISA)";
}

namespace {
dnnl_status_t call(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                   int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  return dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// dnnl_sgemm multiplies by a transposed B (A @ B^T: a dense layer's input gradient) at a third of
// its speed when A has 16 to 512 rows (measured on Zen 4 with AVX-512: 66 against 188 GFLOP/s at
// 64 x 2048 x 768), and by A^T @ B^T from 4 rows; oneDNN's matmul primitive, which reads B with
// its strides, runs those at the speed of A @ B. Fewer rows, more rows or a small product stay
// with dnnl_sgemm, as does alpha other than 1 (the primitive would need a scale post-op).
bool use_primitive(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha) {
  return tb && alpha == 1.0f && m >= (ta ? 4 : 16) && m <= 512 && m * n * k >= (int64_t(1) << 21);
}
}  // namespace

void sgemm(const char* op, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
           const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
           int64_t ldc) {
  // Below ~0.25 MFLOP (n < 50 cubed) a second thread costs more than it saves; above, use the
  // free cores (the load monitor lowers that count while other processes keep cores busy).
  const int nt = 2.0 * double(m) * double(n) * double(k) < 2.5e5 ? 1 : get_num_threads();
  if (omp_get_max_threads() != nt) omp_set_num_threads(nt);  // oneDNN reads the caller's ICV
  if (fpmath_bf16() && m * n * k >= kBf16MinMacs && k > 0)
    return sgemm_bf16(op, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nt);
  if (use_primitive(ta, tb, m, n, k, alpha)) {
    const GemmShape shape{dnnl::memory::data_type::f32, ta, tb, m, n, k, lda, ldb, ldc, beta, nt};
    return gemm_primitive(op, shape, a, b, c);
  }
  const dnnl_status_t st = call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (st != dnnl_success) fail(op, "oneDNN sgemm failed with status ", int(st));
}

bool sgemm_serial(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                  int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  // oneDNN runs single-threaded inside a parallel region; outside one, it follows the ICV.
  const bool serial = omp_in_parallel() != 0;
  const int saved = serial ? 1 : omp_get_max_threads();
  if (saved != 1) omp_set_num_threads(1);
  const dnnl_status_t st = call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (saved != 1) omp_set_num_threads(saved);
  return st == dnnl_success;
}

SerialScope::SerialScope() {}
SerialScope::~SerialScope() {}

}  // namespace blas
}  // namespace tfl
