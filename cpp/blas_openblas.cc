// blas_openblas.cc: blas.h over scipy-openblas32's cblas_sgemm (the build with
// TFLITE_CORE_ONEDNN=OFF; CMake maps cblas_sgemm to the library's prefixed scipy_cblas_sgemm).
#include <cblas.h>

#include <atomic>

#include "blas.h"
#include "tensor.h"

extern "C" int scipy_openblas_get_num_threads(void);  // scipy-openblas32's own thread pool
extern "C" void scipy_openblas_set_num_threads(int);

namespace tfl {
namespace blas {

const char* backend() { return "openblas"; }

std::string bf16_unavailable() { return "this build has no oneDNN (TFLITE_CORE_ONEDNN=OFF)"; }

namespace {
void call(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(m),
              int(n), int(k), alpha, a, int(lda), b, int(ldb), beta, c, int(ldc));
}
}  // namespace

void sgemm(const char*, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
           const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
           int64_t ldc) {
  // Below ~0.25 MFLOP (n < 50 cubed) a second thread costs more than it saves; above, use the
  // free cores (the load monitor lowers that count while other processes keep cores busy). The
  // count is set in OpenBLAS's own pool, only when it changes.
  const int nt = 2.0 * double(m) * double(n) * double(k) < 2.5e5 ? 1 : get_num_threads();
  static std::atomic<int> pool_threads{0};
  if (pool_threads.exchange(nt) != nt) scipy_openblas_set_num_threads(nt);
  call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

bool sgemm_serial(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                  int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  return true;
}

SerialScope::SerialScope() : saved_(scipy_openblas_get_num_threads()) {
  if (saved_ != 1) scipy_openblas_set_num_threads(1);
}
SerialScope::~SerialScope() {
  if (saved_ != 1) scipy_openblas_set_num_threads(saved_);
}

}  // namespace blas
}  // namespace tfl
