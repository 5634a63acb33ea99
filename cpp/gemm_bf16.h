// gemm_bf16.h: float32 products with bf16 maths on oneDNN's matmul primitive (fpmath.h's bf16
// mode; oneDNN builds only): blas::sgemm's arguments, nt the thread count it chose.
#pragma once

#include <cstdint>

namespace tfl {
namespace blas {

// C = alpha * op(A) @ op(B) + beta * C with alpha * A and B rounded to bfloat16 (nearest even)
// and the sums in float32. Throws KernelError "[op] ..." where oneDNN fails, ResourceError where
// the bfloat16 copies cannot be allocated.
void sgemm_bf16(const char* op, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
                const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                int64_t ldc, int nt);

}  // namespace blas
}  // namespace tfl
