// gemm_bf16.cc: gemm_bf16.h. The operands are converted into dense bfloat16 copies (per thread,
// kept between calls) in the orientation they are stored, and oneDNN's matmul primitive, described
// with the matching strides (its brgemm kernels take either), multiplies them into C; beta is its
// sum post-op. Primitives are cached per shape, strides, beta and thread count (oneDNN fixes its
// thread partitioning when a primitive is created).
#include "gemm_bf16.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

#include "dtypes.h"
#include "onednn_context.h"
#include "tensor.h"

namespace tfl {
namespace blas {
namespace {

using dnnl::memory;
using dt = memory::data_type;

dnnl::engine& engine() { return onednn_engine(); }
dnnl::stream& stream() { return onednn_stream(); }

struct Prim {
  std::mutex m;  // one execution at a time: the scratchpad is the primitive's
  dnnl::matmul prim;
  memory::desc a, b, c;
  memory scratch;  // a user-mode scratchpad (oneDNN's own would be allocated, and its pages
                   // faulted in, on every call: as long as the product itself at MLP sizes)
};

std::mutex g_mutex;
std::map<std::vector<int64_t>, std::shared_ptr<Prim>> g_cache;

std::shared_ptr<Prim> primitive(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float beta,
                                int64_t ldc, int nt) {
  int32_t beta_bits;
  std::memcpy(&beta_bits, &beta, sizeof beta_bits);
  std::vector<int64_t> key{ta, tb, m, n, k, ldc, beta_bits, nt};
  {
    std::lock_guard<std::mutex> lk(g_mutex);
    auto it = g_cache.find(key);
    if (it != g_cache.end()) return it->second;
  }
  auto p = std::make_shared<Prim>();
  // the copies are dense in the orientation of the caller's buffers
  p->a = memory::desc({m, k}, dt::bf16, ta ? memory::dims{1, m} : memory::dims{k, 1});
  p->b = memory::desc({k, n}, dt::bf16, tb ? memory::dims{1, k} : memory::dims{n, 1});
  p->c = memory::desc({m, n}, dt::f32, memory::dims{ldc, 1});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (beta != 0.0f) {
    dnnl::post_ops po;
    po.append_sum(beta);
    attr.set_post_ops(po);
  }
  const dnnl::matmul::primitive_desc pd(engine(), p->a, p->b, p->c, attr);
  p->prim = dnnl::matmul(pd);
  p->scratch = memory(pd.scratchpad_desc(), engine());
  std::lock_guard<std::mutex> lk(g_mutex);
  if (g_cache.size() >= 256) g_cache.clear();  // shapes that keep changing: start over
  return g_cache.emplace(std::move(key), p).first->second;
}

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
  try {
    auto p = primitive(ta, tb, m, n, k, beta, ldc, nt);
    memory am(p->a, engine(), a16), bm(p->b, engine(), b16), cm(p->c, engine(), c);
    auto& s = stream();
    std::lock_guard<std::mutex> lk(p->m);
    p->prim.execute(s, {{DNNL_ARG_SRC, am},
                        {DNNL_ARG_WEIGHTS, bm},
                        {DNNL_ARG_DST, cm},
                        {DNNL_ARG_SCRATCHPAD, p->scratch}});
    s.wait();
  } catch (const dnnl::error& err) {
    if (err.status == dnnl_out_of_memory)
      throw ResourceError(std::string("[") + op +
                          "] [oneDNN] OOM in the bf16 matmul: " + err.what());
    fail(op, "[oneDNN] bf16 matmul failed: ", err.what());
  }
}

}  // namespace blas
}  // namespace tfl
