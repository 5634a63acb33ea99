// gemm_bf16.cc: gemm_bf16.h. The operands are converted into dense bfloat16 copies (per thread,
// kept between calls) in the orientation they are stored, and gemm_primitive.h's oneDNN matmul,
// described with the matching strides, multiplies them into C.
#include "gemm_bf16.h"

#include <new>
#include <vector>

#include "dtypes.h"
#include "gemm_primitive.h"
#include "tensor.h"

namespace tfl {
namespace blas {
namespace {

// dst[r, :cols] = bf16(scale * src[r * ld, :cols]) for rows r, on the library's threads.
void to_bf16(const float* src, int64_t rows, int64_t cols, int64_t ld, float scale,
             bfloat16_t* dst) {
  parallel_for(rows, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(cols, 1)),
               [&](int64_t r0, int64_t r1) {
                 float tmp[256];
                 for (int64_t r = r0; r < r1; ++r) {
                   const float* s = src + r * ld;
                   bfloat16_t* d = dst + r * cols;
                   if (scale == 1.0f) {
                     from_f32_n(s, d, cols);
                     continue;
                   }
                   for (int64_t j = 0; j < cols; j += 256) {
                     const int64_t len = std::min<int64_t>(256, cols - j);
                     for (int64_t q = 0; q < len; ++q) tmp[q] = scale * s[j + q];
                     from_f32_n(tmp, d + j, len);
                   }
                 }
               });
}

bfloat16_t* grow(std::vector<bfloat16_t>& buf, const char* op, int64_t count) {
  if (int64_t(buf.size()) < count) {
    try {
      buf.resize(size_t(count));
    } catch (const std::bad_alloc&) {
      throw ResourceError(std::string("[") + op + "] OOM when allocating the bfloat16 copy of " +
                          std::to_string(count) + " elements");
    }
  }
  return buf.data();
}

}  // namespace

void sgemm_bf16(const char* op, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
                const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                int64_t ldc, int nt) {
  thread_local std::vector<bfloat16_t> abuf, bbuf;
  bfloat16_t* a16 = grow(abuf, op, checked_mul(op, m, k));
  bfloat16_t* b16 = grow(bbuf, op, checked_mul(op, k, n));
  to_bf16(a, ta ? k : m, ta ? m : k, lda, alpha, a16);
  to_bf16(b, tb ? n : k, tb ? k : n, ldb, 1.0f, b16);
  const GemmShape shape{
      dnnl::memory::data_type::bf16, ta, tb, m, n, k, ta ? m : k, tb ? k : n, ldc, beta, nt};
  gemm_primitive(op, shape, a16, b16, c);
}

}  // namespace blas
}  // namespace tfl
