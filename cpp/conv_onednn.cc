// conv_onednn.cc: conv and pool kernels on oneDNN primitives (float32, NHWC activations).
// Activations stay in the caller's NHWC buffers (no reorders: measured here, oneDNN's brgconv:avx2
// on nhwc is as fast as its blocked layouts); filters are HWIO in memory and reordered into the
// layout the primitive picks (format_tag::any), a small copy. In fpmath bf16 mode (fpmath.h) a
// convolution (not a depthwise one) reads bfloat16 copies of its float32 activations, made by a
// reorder into buffers the cached entry owns, and a bfloat16 filter; it writes float32. Each
// primitive, its reorders, memory objects and a user-mode scratchpad are cached per (kind, shape,
// thread count): oneDNN fixes its thread partitioning when a primitive is created, so a different
// thread count needs another one.
#include <omp.h>

#include <map>
#include <memory>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>
#include <vector>

#include "conv.h"
#include "fpmath.h"
#include "onednn_context.h"

namespace tfl {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& engine() { return onednn_engine(); }
dnnl::stream& stream() { return onednn_stream(); }

// One cached computation: the primitive(s), filter reorders and reusable memory objects.
struct Entry {
  std::mutex m;  // a memory object's data handle is per entry: one execution at a time
  dnnl::primitive prim, prim2;   // the main primitive; prim2: max pooling's forward (workspace)
  dnnl::reorder w_reorder;       // filter user <-> primitive layout
  bool reorder_w = false;
  bool w_constant = false, w_ready = false;  // a constant filter's reordered copy, made once
  memory src, wei, dst;          // primitive-side memories (wei is the reordered filter if any)
  memory bias;                   // fused convolutions' bias [oc] (empty otherwise)
  memory user_w;                 // the caller's filter (HWIO) when a reorder is needed
  memory scratch, scratch2;      // scratchpads of prim and prim2
  memory ws, tmp;                // max pooling's workspace and forward output (for its gradient)
  // bf16 maths: the caller's float32 activations (cvt_user[i], no data) are converted into the
  // bfloat16 memories the primitive reads (src, and dst for the filter gradient's dy)
  memory cvt_user[2];
  dnnl::reorder cvt[2];
  int ncvt = 0;
};

// Adds a float32 -> bfloat16 conversion of an activation into `prim` (owned by the entry).
void add_cvt(Entry& e, const memory::desc& f32, const memory::desc& bf16, memory& prim) {
  prim = memory(bf16, engine());
  e.cvt_user[e.ncvt] = memory(f32, engine(), nullptr);
  e.cvt[e.ncvt] = dnnl::reorder(e.cvt_user[e.ncvt], prim);
  ++e.ncvt;
}

// Points `prim` at the caller's buffer, or converts the buffer into it (conversion i).
void bind_input(Entry& e, int i, memory& prim, const void* data, dnnl::stream& s) {
  if (i < e.ncvt) {
    e.cvt_user[i].set_data_handle(const_cast<void*>(data));
    e.cvt[i].execute(s, e.cvt_user[i], prim);
  } else {
    prim.set_data_handle(const_cast<void*>(data));
  }
}

using Key = std::vector<int64_t>;
std::mutex g_cache_mutex;
std::map<Key, std::shared_ptr<Entry>> g_cache;

int set_threads() {
  const int nt = get_num_threads();
  if (omp_get_max_threads() != nt) omp_set_num_threads(nt);  // oneDNN reads the caller's ICV
  return nt;
}

template <typename Build>
std::shared_ptr<Entry> cached(Key key, Build&& build) {
  {
    std::lock_guard<std::mutex> lk(g_cache_mutex);
    auto it = g_cache.find(key);
    if (it != g_cache.end()) return it->second;
  }
  auto e = std::make_shared<Entry>();
  try {  // creates the primitives and allocates their scratchpads, workspaces, reordered filters
    build(*e);
  } catch (const dnnl::error& err) {  // as the plan reports the reference backend's failures
    if (err.status == dnnl_out_of_memory)
      throw ResourceError(std::string("[oneDNN] OOM when allocating a work buffer: ") + err.what());
    throw KernelError(std::string("[oneDNN] cannot create the primitive: ") + err.what());
  }
  std::lock_guard<std::mutex> lk(g_cache_mutex);
  if (g_cache.size() >= 512) g_cache.clear();  // shapes that keep changing: start over
  return g_cache.emplace(std::move(key), e).first->second;
}

dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr a;
  a.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return a;
}

void* mut(const void* p) { return const_cast<void*>(p); }

// ---- convolution --------------------------------------------------------------------------------
enum Kind : int64_t { kFwd = 1, kBwdData, kBwdWeights, kMaxFwd, kAvgFwd, kMaxBwd, kAvgBwd, kQFwd };

Key conv_key(Kind kind, const ConvGeom& g, int nt) {
  return {kind, nt,   g.n,  g.h,  g.w,  g.c,  g.kh, g.kw, g.oc, g.mult,
          g.oh, g.ow, g.sh, g.sw, g.dh, g.dw, g.pt, g.pb, g.pl, g.pr};
}

struct ConvDescs {
  memory::desc src, dst, user_w, any_w;
  memory::desc src16, dst16;  // bfloat16 activations (bf16 maths)
  memory::dims strides, dilates, pad_l, pad_r;
};

// bf16: the filter the primitive reads (any_w) is bfloat16; user_w is the caller's float32.
ConvDescs conv_descs(const ConvGeom& g, bool bf16 = false) {
  ConvDescs d;
  d.src = memory::desc({g.n, g.c, g.h, g.w}, dt::f32, tag::nhwc);
  d.dst = memory::desc({g.n, g.oc, g.oh, g.ow}, dt::f32, tag::nhwc);
  d.src16 = memory::desc({g.n, g.c, g.h, g.w}, dt::bf16, tag::nhwc);
  d.dst16 = memory::desc({g.n, g.oc, g.oh, g.ow}, dt::bf16, tag::nhwc);
  if (g.depthwise()) {
    // groups = channels: weights [g, mult, 1, kh, kw] over TF's [kh, kw, c, mult] buffer
    const memory::dims dims{g.c, g.mult, 1, g.kh, g.kw};
    d.user_w =
        memory::desc(dims, dt::f32, memory::dims{g.mult, 1, 1, g.kw * g.c * g.mult, g.c * g.mult});
    d.any_w = memory::desc(dims, dt::f32, tag::any);
  } else {
    const memory::dims dims{g.oc, g.c, g.kh, g.kw};
    d.user_w = memory::desc(dims, dt::f32, tag::hwio);
    d.any_w = memory::desc(dims, bf16 ? dt::bf16 : dt::f32, tag::any);
  }
  d.strides = {g.sh, g.sw};
  d.dilates = {g.dh - 1, g.dw - 1};  // oneDNN counts dilation from 0
  d.pad_l = {g.pt, g.pl};
  d.pad_r = {g.pb, g.pr};
  return d;
}

// The forward convolution reading `src` and writing `dst` (d's float32 or bfloat16 activations;
// the backward primitives' hint uses the activations of their own dtype).
dnnl::convolution_forward::primitive_desc conv_fwd_pd(const ConvDescs& d, const memory::desc& src,
                                                      const memory::desc& dst,
                                                      const dnnl::primitive_attr& attr) {
  return dnnl::convolution_forward::primitive_desc(engine(), prop_kind::forward_training,
                                                   algorithm::convolution_direct, src, d.any_w, dst,
                                                   d.strides, d.dilates, d.pad_l, d.pad_r, attr);
}

// Sets up the filter memory: the primitive's own layout plus a reorder when it is not HWIO.
// to_user: the reorder goes from the primitive's layout to the caller's (weight gradients).
void setup_weights(Entry& e, const ConvDescs& d, const memory::desc& prim_w, bool to_user) {
  e.reorder_w = prim_w != d.user_w;
  if (e.reorder_w) {
    e.wei = memory(prim_w, engine());
    e.user_w = memory(d.user_w, engine(), nullptr);
    e.w_reorder = to_user ? dnnl::reorder(e.wei, e.user_w) : dnnl::reorder(e.user_w, e.wei);
  } else {
    e.wei = memory(d.user_w, engine(), nullptr);
  }
}

// Runs a forward or backward-data convolution: reads `src` and the filter `w` (and the bias of a
// fused forward convolution), writes `dst`.
void conv_exec(Entry& e, int src_arg, const void* src, int dst_arg, void* dst, const void* w,
               const void* bias = nullptr) {
  std::lock_guard<std::mutex> lk(e.m);
  auto& s = stream();
  bind_input(e, 0, e.src, src, s);
  e.dst.set_data_handle(dst);
  if (e.reorder_w) {
    if (!e.w_ready) {
      e.user_w.set_data_handle(mut(w));
      e.w_reorder.execute(s, e.user_w, e.wei);
      e.w_ready = e.w_constant;
    }
  } else {
    e.wei.set_data_handle(mut(w));
  }
  std::unordered_map<int, memory> args{{src_arg, e.src},
                                       {dst_arg, e.dst},
                                       {DNNL_ARG_WEIGHTS, e.wei},
                                       {DNNL_ARG_SCRATCHPAD, e.scratch}};
  if (bias) {
    e.bias.set_data_handle(mut(bias));
    args.emplace(DNNL_ARG_BIAS, e.bias);
  }
  e.prim.execute(s, args);
  s.wait();
}

}  // namespace

bool onednn_conv_available() { return true; }

bool dnnl_filter_grad_by_gemm(const ConvGeom& g) {
  static const bool avx512 = [] {
    const int isa = int(dnnl::get_effective_cpu_isa()), want = int(dnnl::cpu_isa::avx512_core);
    return (isa & want) == want;
  }();
  return !avx512 && g.kh * g.kw * g.c >= 64 && g.oc >= 16;
}

void dnnl_conv2d(const ConvGeom& g, const float* x, const float* f, float* y, const float* bias,
                 int64_t filter_id) {
  const int nt = set_threads();
  const bool bf16 = fpmath_bf16() && !g.depthwise();
  Key key = conv_key(kFwd, g, nt);
  key.push_back(bias ? 1 : 0);
  key.push_back(filter_id);
  key.push_back(bf16);
  auto e = cached(std::move(key), [&](Entry& e) {
    e.w_constant = filter_id != 0;
    const ConvDescs d = conv_descs(g, bf16);
    const memory::desc& src = bf16 ? d.src16 : d.src;
    const dnnl::primitive_attr attr = user_scratchpad();
    dnnl::convolution_forward::primitive_desc pd;
    if (bias) {
      const memory::desc b({g.oc}, dt::f32, tag::x);
      pd = dnnl::convolution_forward::primitive_desc(
          engine(), prop_kind::forward_inference, algorithm::convolution_direct, src, d.any_w, b,
          d.dst, d.strides, d.dilates, d.pad_l, d.pad_r, attr);
      e.bias = memory(b, engine(), nullptr);
    } else {
      pd = conv_fwd_pd(d, src, d.dst, attr);  // bfloat16 in, float32 out in bf16 maths
    }
    e.prim = dnnl::convolution_forward(pd);
    if (bf16) add_cvt(e, d.src, d.src16, e.src);
    else e.src = memory(d.src, engine(), nullptr);
    e.dst = memory(d.dst, engine(), nullptr);
    setup_weights(e, d, pd.weights_desc(), false);
    e.scratch = memory(pd.scratchpad_desc(), engine());
  });
  conv_exec(*e, DNNL_ARG_SRC, x, DNNL_ARG_DST, y, f, bias);
}

bool dnnl_qconv2d_s32(const ConvGeom& g, const int8_t* x, const int8_t* f, int32_t* acc,
                      int32_t x_zp, int64_t filter_id) {
  const int nt = set_threads();
  Key key = conv_key(kQFwd, g, nt);
  key.push_back(filter_id);
  std::shared_ptr<Entry> e;
  try {
    e = cached(std::move(key), [&](Entry& e) {
      e.w_constant = filter_id != 0;
      ConvDescs d;
      d.src = memory::desc({g.n, g.c, g.h, g.w}, dt::s8, tag::nhwc);
      d.dst = memory::desc({g.n, g.oc, g.oh, g.ow}, dt::s32, tag::nhwc);
      if (g.depthwise()) {  // TFLite's [1, kh, kw, c * mult] as [c, mult, 1, kh, kw]
        const memory::dims dims{g.c, g.mult, 1, g.kh, g.kw};
        d.user_w = memory::desc(dims, dt::s8,
                                memory::dims{g.mult, 1, 1, g.kw * g.c * g.mult, g.c * g.mult});
        d.any_w = memory::desc(dims, dt::s8, tag::any);
      } else {  // TFLite's OHWI
        const memory::dims dims{g.oc, g.c, g.kh, g.kw};
        d.user_w = memory::desc(dims, dt::s8, tag::ohwi);
        d.any_w = memory::desc(dims, dt::s8, tag::any);
      }
      d.strides = {g.sh, g.sw};
      d.dilates = {g.dh - 1, g.dw - 1};
      d.pad_l = {g.pt, g.pl};
      d.pad_r = {g.pb, g.pr};
      dnnl::primitive_attr attr = user_scratchpad();
      attr.set_zero_points_mask(DNNL_ARG_SRC, 0);  // one zero point, given at each run
      auto pd = dnnl::convolution_forward::primitive_desc(
          engine(), prop_kind::forward_inference, algorithm::convolution_direct, d.src, d.any_w,
          d.dst, d.strides, d.dilates, d.pad_l, d.pad_r, attr);
      e.prim = dnnl::convolution_forward(pd);
      e.src = memory(d.src, engine(), nullptr);
      e.dst = memory(d.dst, engine(), nullptr);
      e.bias = memory(memory::desc({1}, dt::s32, tag::x), engine());  // (the zero point)
      setup_weights(e, d, pd.weights_desc(), false);
      e.scratch = memory(pd.scratchpad_desc(), engine());
    });
  } catch (const KernelError&) {
    return false;  // (no int8 primitive for this shape here: the caller's loop computes it)
  }
  std::lock_guard<std::mutex> lk(e->m);
  auto& s = stream();
  e->src.set_data_handle(mut(x));
  e->dst.set_data_handle(acc);
  if (e->reorder_w) {
    if (!e->w_ready) {
      e->user_w.set_data_handle(mut(f));
      e->w_reorder.execute(s, e->user_w, e->wei);
      e->w_ready = e->w_constant;
    }
  } else {
    e->wei.set_data_handle(mut(f));
  }
  *static_cast<int32_t*>(e->bias.get_data_handle()) = x_zp;
  e->prim.execute(s, {{DNNL_ARG_SRC, e->src},
                      {DNNL_ARG_DST, e->dst},
                      {DNNL_ARG_WEIGHTS, e->wei},
                      {DNNL_ARG_SCRATCHPAD, e->scratch},
                      {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, e->bias}});
  s.wait();
  return true;
}

void dnnl_conv2d_bwd_input(const ConvGeom& g, const float* f, const float* dy, float* dx) {
  const int nt = set_threads();
  const bool bf16 = fpmath_bf16() && !g.depthwise();
  Key key = conv_key(kBwdData, g, nt);
  key.push_back(bf16);
  auto e = cached(std::move(key), [&](Entry& e) {
    const ConvDescs d = conv_descs(g, bf16);
    auto hint = bf16 ? conv_fwd_pd(d, d.src16, d.dst16, {}) : conv_fwd_pd(d, d.src, d.dst, {});
    auto pd = dnnl::convolution_backward_data::primitive_desc(
        engine(), algorithm::convolution_direct, d.src, d.any_w, bf16 ? d.dst16 : d.dst, d.strides,
        d.dilates, d.pad_l, d.pad_r, hint, user_scratchpad());
    e.prim = dnnl::convolution_backward_data(pd);
    if (bf16) add_cvt(e, d.dst, d.dst16, e.src);  // read: dy
    else e.src = memory(d.dst, engine(), nullptr);
    e.dst = memory(d.src, engine(), nullptr);  // written: dx
    setup_weights(e, d, pd.weights_desc(), false);
    e.scratch = memory(pd.scratchpad_desc(), engine());
  });
  conv_exec(*e, DNNL_ARG_DIFF_DST, dy, DNNL_ARG_DIFF_SRC, dx, f);
}

void dnnl_conv2d_bwd_filter(const ConvGeom& g, const float* x, const float* dy, float* df) {
  const int nt = set_threads();
  const bool bf16 = fpmath_bf16() && !g.depthwise();
  Key key = conv_key(kBwdWeights, g, nt);
  key.push_back(bf16);
  auto e = cached(std::move(key), [&](Entry& e) {
    const ConvDescs d = conv_descs(g, bf16);
    auto hint = bf16 ? conv_fwd_pd(d, d.src16, d.dst16, {}) : conv_fwd_pd(d, d.src, d.dst, {});
    // the filter gradient stays float32 (any layout, reordered to HWIO)
    const memory::desc dw(d.any_w.get_dims(), dt::f32, tag::any);
    auto pd = dnnl::convolution_backward_weights::primitive_desc(
        engine(), algorithm::convolution_direct, bf16 ? d.src16 : d.src, dw, bf16 ? d.dst16 : d.dst,
        d.strides, d.dilates, d.pad_l, d.pad_r, hint, user_scratchpad());
    e.prim = dnnl::convolution_backward_weights(pd);
    if (bf16) {
      add_cvt(e, d.src, d.src16, e.src);  // x
      add_cvt(e, d.dst, d.dst16, e.dst);  // dy (read)
    } else {
      e.src = memory(d.src, engine(), nullptr);
      e.dst = memory(d.dst, engine(), nullptr);
    }
    setup_weights(e, d, pd.diff_weights_desc(), true);
    e.scratch = memory(pd.scratchpad_desc(), engine());
  });
  // src = x, "dst" = dy (both read), weights = df (written)
  std::lock_guard<std::mutex> lk(e->m);
  auto& s = stream();
  bind_input(*e, 0, e->src, x, s);
  bind_input(*e, 1, e->dst, dy, s);
  if (e->reorder_w) e->user_w.set_data_handle(df);
  else e->wei.set_data_handle(df);
  e->prim.execute(s, {{DNNL_ARG_SRC, e->src},
                      {DNNL_ARG_DIFF_DST, e->dst},
                      {DNNL_ARG_DIFF_WEIGHTS, e->wei},
                      {DNNL_ARG_SCRATCHPAD, e->scratch}});
  if (e->reorder_w) e->w_reorder.execute(s, e->wei, e->user_w);
  s.wait();
}

// ---- pooling ------------------------------------------------------------------------------------
namespace {

Key pool_key(Kind kind, const PoolGeom& g, int nt) {
  return {kind, nt, g.n, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.pt, g.pb, g.pl, g.pr};
}

dnnl::pooling_forward::primitive_desc pool_fwd_pd(const PoolGeom& g, algorithm alg, prop_kind pk,
                                                  const dnnl::primitive_attr& attr) {
  return dnnl::pooling_forward::primitive_desc(
      engine(), pk, alg, memory::desc({g.n, g.c, g.h, g.w}, dt::f32, tag::nhwc),
      memory::desc({g.n, g.c, g.oh, g.ow}, dt::f32, tag::nhwc), {g.sh, g.sw}, {g.kh, g.kw}, {0, 0},
      {g.pt, g.pl}, {g.pb, g.pr}, attr);
}

void pool_forward(Kind kind, const PoolGeom& g, const float* x, float* y) {
  const int nt = set_threads();
  const algorithm alg =
      kind == kMaxFwd ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding;
  auto e = cached(pool_key(kind, g, nt), [&](Entry& e) {
    auto pd = pool_fwd_pd(g, alg, prop_kind::forward_inference, user_scratchpad());
    e.prim = dnnl::pooling_forward(pd);
    e.src = memory(pd.src_desc(), engine(), nullptr);
    e.dst = memory(pd.dst_desc(), engine(), nullptr);
    e.scratch = memory(pd.scratchpad_desc(), engine());
  });
  std::lock_guard<std::mutex> lk(e->m);
  auto& s = stream();
  e->src.set_data_handle(mut(x));
  e->dst.set_data_handle(y);
  e->prim.execute(
      s, {{DNNL_ARG_SRC, e->src}, {DNNL_ARG_DST, e->dst}, {DNNL_ARG_SCRATCHPAD, e->scratch}});
  s.wait();
}

}  // namespace

void dnnl_max_pool(const PoolGeom& g, const float* x, float* y) { pool_forward(kMaxFwd, g, x, y); }
void dnnl_avg_pool(const PoolGeom& g, const float* x, float* y) { pool_forward(kAvgFwd, g, x, y); }

void dnnl_max_pool_grad(const PoolGeom& g, const float* x, const float* dy, float* dx) {
  // oneDNN's max pooling backward reads the forward's workspace (where each maximum was): the
  // forward runs again here, into a cached buffer, as the graph's MaxPool did not keep one.
  const int nt = set_threads();
  auto e = cached(pool_key(kMaxBwd, g, nt), [&](Entry& e) {
    auto fwd =
        pool_fwd_pd(g, algorithm::pooling_max, prop_kind::forward_training, user_scratchpad());
    auto pd = dnnl::pooling_backward::primitive_desc(
        engine(), algorithm::pooling_max, fwd.src_desc(), fwd.dst_desc(), {g.sh, g.sw},
        {g.kh, g.kw}, {0, 0}, {g.pt, g.pl}, {g.pb, g.pr}, fwd, user_scratchpad());
    e.prim2 = dnnl::pooling_forward(fwd);
    e.prim = dnnl::pooling_backward(pd);
    e.src = memory(fwd.src_desc(), engine(), nullptr);  // x, then dx
    e.dst = memory(fwd.dst_desc(), engine(), nullptr);  // dy
    e.tmp = memory(fwd.dst_desc(), engine());
    e.ws = memory(fwd.workspace_desc(), engine());
    e.scratch = memory(pd.scratchpad_desc(), engine());
    e.scratch2 = memory(fwd.scratchpad_desc(), engine());
  });
  std::lock_guard<std::mutex> lk(e->m);
  auto& s = stream();
  e->src.set_data_handle(mut(x));
  e->prim2.execute(s, {{DNNL_ARG_SRC, e->src},
                       {DNNL_ARG_DST, e->tmp},
                       {DNNL_ARG_WORKSPACE, e->ws},
                       {DNNL_ARG_SCRATCHPAD, e->scratch2}});
  e->src.set_data_handle(dx);
  e->dst.set_data_handle(mut(dy));
  e->prim.execute(s, {{DNNL_ARG_DIFF_DST, e->dst},
                      {DNNL_ARG_DIFF_SRC, e->src},
                      {DNNL_ARG_WORKSPACE, e->ws},
                      {DNNL_ARG_SCRATCHPAD, e->scratch}});
  s.wait();
}

void dnnl_avg_pool_grad(const PoolGeom& g, const float* dy, float* dx) {
  const int nt = set_threads();
  auto e = cached(pool_key(kAvgBwd, g, nt), [&](Entry& e) {
    auto fwd = pool_fwd_pd(g, algorithm::pooling_avg_exclude_padding, prop_kind::forward_training,
                           dnnl::primitive_attr());
    auto pd = dnnl::pooling_backward::primitive_desc(
        engine(), algorithm::pooling_avg_exclude_padding, fwd.src_desc(), fwd.dst_desc(),
        {g.sh, g.sw}, {g.kh, g.kw}, {0, 0}, {g.pt, g.pl}, {g.pb, g.pr}, fwd, user_scratchpad());
    e.prim = dnnl::pooling_backward(pd);
    e.src = memory(pd.diff_src_desc(), engine(), nullptr);
    e.dst = memory(pd.diff_dst_desc(), engine(), nullptr);
    e.scratch = memory(pd.scratchpad_desc(), engine());
  });
  std::lock_guard<std::mutex> lk(e->m);
  auto& s = stream();
  e->src.set_data_handle(dx);
  e->dst.set_data_handle(mut(dy));
  e->prim.execute(s, {{DNNL_ARG_DIFF_DST, e->dst},
                      {DNNL_ARG_DIFF_SRC, e->src},
                      {DNNL_ARG_SCRATCHPAD, e->scratch}});
  s.wait();
}

void dnnl_clear_cache() {
  std::lock_guard<std::mutex> lk(g_cache_mutex);
  g_cache.clear();
}

int64_t dnnl_cache_size() {
  std::lock_guard<std::mutex> lk(g_cache_mutex);
  return int64_t(g_cache.size());
}

}  // namespace tfl
