// gemm_primitive.cc: gemm_primitive.h. beta is the primitive's sum post-op; each primitive keeps a
// user-mode scratchpad (oneDNN's own would be allocated, and its pages faulted in, on every call:
// as long as the product itself at MLP sizes) and runs one call at a time.
#include "gemm_primitive.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "onednn_context.h"
#include "tensor.h"

namespace tfl {
namespace blas {
namespace {

using dnnl::memory;

struct Prim {
  std::mutex m;  // one execution at a time: the scratchpad is the primitive's
  dnnl::matmul prim;
  memory::desc a, b, c;
  memory scratch;
};

std::mutex g_mutex;
std::map<std::vector<int64_t>, std::shared_ptr<Prim>> g_cache;

std::shared_ptr<Prim> primitive(const GemmShape& s) {
  int32_t beta_bits;
  std::memcpy(&beta_bits, &s.beta, sizeof beta_bits);
  std::vector<int64_t> key{int64_t(s.type), s.ta,  s.tb,  s.m,       s.n, s.k,
                           s.lda,           s.ldb, s.ldc, beta_bits, s.nt};
  {
    std::lock_guard<std::mutex> lk(g_mutex);
    auto it = g_cache.find(key);
    if (it != g_cache.end()) return it->second;
  }
  auto p = std::make_shared<Prim>();
  p->a = memory::desc({s.m, s.k}, s.type, s.ta ? memory::dims{1, s.lda} : memory::dims{s.lda, 1});
  p->b = memory::desc({s.k, s.n}, s.type, s.tb ? memory::dims{1, s.ldb} : memory::dims{s.ldb, 1});
  p->c = memory::desc({s.m, s.n}, memory::data_type::f32, memory::dims{s.ldc, 1});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (s.beta != 0.0f) {
    dnnl::post_ops po;
    po.append_sum(s.beta);
    attr.set_post_ops(po);
  }
  const dnnl::matmul::primitive_desc pd(onednn_engine(), p->a, p->b, p->c, attr);
  p->prim = dnnl::matmul(pd);
  p->scratch = memory(pd.scratchpad_desc(), onednn_engine());
  std::lock_guard<std::mutex> lk(g_mutex);
  if (g_cache.size() >= 256) g_cache.clear();  // shapes that keep changing: start over
  return g_cache.emplace(std::move(key), p).first->second;
}

}  // namespace

void gemm_primitive(const char* op, const GemmShape& s, const void* a, const void* b, float* c) {
  try {
    auto p = primitive(s);
    const dnnl::engine& e = onednn_engine();
    memory am(p->a, e, const_cast<void*>(a)), bm(p->b, e, const_cast<void*>(b)), cm(p->c, e, c);
    auto& st = onednn_stream();
    std::lock_guard<std::mutex> lk(p->m);
    p->prim.execute(st, {{DNNL_ARG_SRC, am},
                         {DNNL_ARG_WEIGHTS, bm},
                         {DNNL_ARG_DST, cm},
                         {DNNL_ARG_SCRATCHPAD, p->scratch}});
    st.wait();
  } catch (const dnnl::error& err) {
    if (err.status == dnnl_out_of_memory)
      throw ResourceError(std::string("[") + op + "] [oneDNN] OOM in the matmul: " + err.what());
    fail(op, "[oneDNN] matmul failed: ", err.what());
  }
}

}  // namespace blas
}  // namespace tfl
