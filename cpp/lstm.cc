// lstm.cc: the fused LSTM step (TF's LSTMBlockCell design, without peepholes or clipping).
// The one matmul [x, h] @ kernel + bias stays a matmul; these kernels do the elementwise rest.
//
//   lstm_step      (gates [B,4H] pre-activations in i, j, f, o order, c_prev [B,H];
//                   floats = [forget_bias]) -> new_c [B,H], new_h [B,H], act [B,4H] (sigmoid(i),
//                   tanh(j), sigmoid(f + forget_bias), sigmoid(o)), tanh_c [B,H] = tanh(new_c)
//   lstm_step_grad (act, c_prev, tanh_c, d_new_c, d_new_h) -> d_gates [B,4H], d_c_prev [B,H]
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

#include "blas.h"
#include "cpu.h"
#include "kernels.h"
#include "lstm_cell.h"

namespace tfl {
namespace {

void check_2d(const char* op, const TensorView& t, int64_t rows, int64_t cols, const char* what) {
  if (t.ndim != 2 || t.shape[0] != rows || t.shape[1] != cols)
    fail(op, what, " must be [", rows, ",", cols, "], got ", t.shape_str());
}

// The backward of one row: dc = d_new_c (+ dc_more) + dh * o * (1 - tanh_c^2) with dh = d_new_h
// (+ dh_more); d_i = dc * j * i (1 - i); d_j = dc * i (1 - j^2); d_f = dc * c_prev * f (1 - f);
// d_o = dh * tanh_c * o (1 - o) (each + extra when given); d_c_prev = dc * f. dcp may be dc_more.
template <typename T>
__attribute__((always_inline)) inline void cell_grad_row(const T* ar, const T* cp, const T* tc,
                                                         const T* dnc, const T* dc_more,
                                                         const T* dnh, const T* dh_more,
                                                         const T* extra, T* gr, T* dcp, int64_t h) {
  for (int64_t u = 0; u < h; ++u) {
    const T i = ar[u], j = ar[h + u], f = ar[2 * h + u], o = ar[3 * h + u];
    const T t = tc[u];
    const T dh = dh_more != nullptr ? dnh[u] + dh_more[u] : dnh[u];
    const T dcn = dc_more != nullptr ? dnc[u] + dc_more[u] : dnc[u];
    const T dc = dcn + dh * o * (T(1) - t * t);
    gr[u] = dc * j * i * (T(1) - i);
    gr[h + u] = dc * i * (T(1) - j * j);
    gr[2 * h + u] = dc * cp[u] * f * (T(1) - f);
    gr[3 * h + u] = dh * t * o * (T(1) - o);
    dcp[u] = dc * f;
  }
  if (extra != nullptr)
    for (int64_t u = 0; u < 4 * h; ++u) gr[u] += extra[u];
}

// Rows r0..r1 of a step (row stride 4h for act, h for the rest; dh_more rows dh_ld apart; null
// dc_more / dh_more / extra: none).
template <typename T>
__attribute__((always_inline)) inline void rows_fwd(const T* bias, T fb, const T* cp, T* act, T* nc,
                                                    T* tc, T* nh, int64_t h, int64_t r0,
                                                    int64_t r1) {
  for (int64_t r = r0; r < r1; ++r)
    cell_row<T>(bias, fb, cp + r * h, act + r * 4 * h, nc + r * h, tc + r * h, nh + r * h, h, h);
}

template <typename T>
__attribute__((always_inline)) inline void rows_bwd(const T* act, const T* cp, const T* tc,
                                                    const T* dnc, const T* dc_more, const T* dnh,
                                                    const T* dh_more, int64_t dh_ld, const T* extra,
                                                    T* dg, T* dcp, int64_t h, int64_t r0,
                                                    int64_t r1) {
  for (int64_t r = r0; r < r1; ++r)
    cell_grad_row<T>(act + r * 4 * h, cp + r * h, tc + r * h, dnc + r * h,
                     dc_more != nullptr ? dc_more + r * h : nullptr, dnh + r * h,
                     dh_more != nullptr ? dh_more + r * dh_ld : nullptr,
                     extra != nullptr ? extra + r * 4 * h : nullptr, dg + r * 4 * h, dcp + r * h,
                     h);
}

template <typename T>
void cell_rows(const T* bias, T fb, const T* cp, T* act, T* nc, T* tc, T* nh, int64_t h, int64_t r0,
               int64_t r1) {
  rows_fwd<T>(bias, fb, cp, act, nc, tc, nh, h, r0, r1);
}

template <typename T>
void cell_grad_rows(const T* act, const T* cp, const T* tc, const T* dnc, const T* dc_more,
                    const T* dnh, const T* dh_more, int64_t dh_ld, const T* extra, T* dg, T* dcp,
                    int64_t h, int64_t r0, int64_t r1) {
  rows_bwd<T>(act, cp, tc, dnc, dc_more, dnh, dh_more, dh_ld, extra, dg, dcp, h, r0, r1);
}

// float32 also has an AVX2+FMA build of the same loops, used where the CPU has them (cpu.h): the
// library targets baseline x86-64, whose 4-lane SSE without FMA made the forward step on
// [64, 2048] take 240 us instead of 87.
TFL_TARGET_AVX2_FMA void cell_rows_avx2(const float* bias, float fb, const float* cp, float* act,
                                        float* nc, float* tc, float* nh, int64_t h, int64_t r0,
                                        int64_t r1) {
  rows_fwd<float>(bias, fb, cp, act, nc, tc, nh, h, r0, r1);
}

TFL_TARGET_AVX2_FMA void cell_grad_rows_avx2(const float* act, const float* cp, const float* tc,
                                             const float* dnc, const float* dc_more,
                                             const float* dnh, const float* dh_more, int64_t dh_ld,
                                             const float* extra, float* dg, float* dcp, int64_t h,
                                             int64_t r0, int64_t r1) {
  rows_bwd<float>(act, cp, tc, dnc, dc_more, dnh, dh_more, dh_ld, extra, dg, dcp, h, r0, r1);
}

template <>
void cell_rows<float>(const float* bias, float fb, const float* cp, float* act, float* nc,
                      float* tc, float* nh, int64_t h, int64_t r0, int64_t r1) {
  if (cpu::has_avx2_fma()) return cell_rows_avx2(bias, fb, cp, act, nc, tc, nh, h, r0, r1);
  rows_fwd<float>(bias, fb, cp, act, nc, tc, nh, h, r0, r1);
}

template <>
void cell_grad_rows<float>(const float* act, const float* cp, const float* tc, const float* dnc,
                           const float* dc_more, const float* dnh, const float* dh_more,
                           int64_t dh_ld, const float* extra, float* dg, float* dcp, int64_t h,
                           int64_t r0, int64_t r1) {
  if (cpu::has_avx2_fma())
    return cell_grad_rows_avx2(act, cp, tc, dnc, dc_more, dnh, dh_more, dh_ld, extra, dg, dcp, h,
                               r0, r1);
  rows_bwd<float>(act, cp, tc, dnc, dc_more, dnh, dh_more, dh_ld, extra, dg, dcp, h, r0, r1);
}

int64_t row_grain(int64_t h) {
  return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(4 * h, 1));
}

void k_lstm_step(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "LSTMBlockStep";
  check_count(op, nin, 2, nout, 4);
  const TensorView &gates = in[0], &c_prev = in[1];
  if (gates.ndim != 2 || gates.shape[1] % 4 != 0)
    fail(op, "gates must be [batch, 4*units], got ", gates.shape_str());
  const int64_t b = gates.shape[0], h = gates.shape[1] / 4;
  check_2d(op, c_prev, b, h, "c_prev");
  check_2d(op, out[0], b, h, "new_c");
  check_2d(op, out[1], b, h, "new_h");
  check_2d(op, out[2], b, 4 * h, "act");
  check_2d(op, out[3], b, h, "tanh_c");
  for (int k = 0; k < 4; ++k) check_same_dtype(op, gates, out[k]);
  check_same_dtype(op, gates, c_prev);
  const double fb = a.f(0, op);
  if (h == 0) return;
  TFL_FLOAT_CASES(gates.dtype, op, {
    const T* g = gates.ptr<T>();
    const T* cp = c_prev.ptr<T>();
    T *nc = out[0].ptr<T>(), *nh = out[1].ptr<T>(), *act = out[2].ptr<T>();
    T* tc = out[3].ptr<T>();
    parallel_for(b, row_grain(h), [&](int64_t r0, int64_t r1) {
      std::memcpy(act + r0 * 4 * h, g + r0 * 4 * h, size_t((r1 - r0) * 4 * h) * sizeof(T));
      cell_rows<T>(nullptr, T(fb), cp, act, nc, tc, nh, h, r0, r1);
    });
  });
}

void k_lstm_step_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "LSTMBlockStepGrad";
  check_count(op, nin, 5, nout, 2);
  const TensorView& act = in[0];
  if (act.ndim != 2 || act.shape[1] % 4 != 0)
    fail(op, "act must be [batch, 4*units], got ", act.shape_str());
  const int64_t b = act.shape[0], h = act.shape[1] / 4;
  const char* names[] = {"act", "c_prev", "tanh_c", "d_new_c", "d_new_h"};
  for (int k = 1; k < 5; ++k) {
    check_2d(op, in[k], b, h, names[k]);
    check_same_dtype(op, act, in[k]);
  }
  check_2d(op, out[0], b, 4 * h, "d_gates");
  check_2d(op, out[1], b, h, "d_c_prev");
  check_same_dtype(op, act, out[0]);
  check_same_dtype(op, act, out[1]);
  if (h == 0) return;
  TFL_FLOAT_CASES(act.dtype, op, {
    const T *ac = act.ptr<T>(), *cp = in[1].ptr<T>(), *tc = in[2].ptr<T>();
    const T *dnc = in[3].ptr<T>(), *dnh = in[4].ptr<T>();
    T *dg = out[0].ptr<T>(), *dcp = out[1].ptr<T>();
    parallel_for(b, row_grain(h), [&](int64_t r0, int64_t r1) {
      cell_grad_rows<T>(ac, cp, tc, dnc, nullptr, dnh, nullptr, h, nullptr, dg, dcp, h, r0, r1);
    });
  });
}

void check_3d(const char* op, const TensorView& t, int64_t d0, int64_t d1, int64_t d2,
              const char* what) {
  if (t.ndim != 3 || t.shape[0] != d0 || t.shape[1] != d1 || t.shape[2] != d2)
    fail(op, what, " must be [", d0, ",", d1, ",", d2, "], got ", t.shape_str());
}

// Sizes of a sequence op from x [T,B,D] and w [D+H,4H], with the state shapes checked.
struct SeqShape {
  int64_t t, b, d, h;
};

SeqShape check_seq(const char* op, const TensorView* in) {
  const TensorView &x = in[0], &w = in[3];
  if (x.ndim != 3) fail(op, "x must be [time, batch, depth], got ", x.shape_str());
  if (w.ndim != 2 || w.shape[1] % 4 != 0 || w.shape[0] < x.shape[2] ||
      w.shape[0] - x.shape[2] != w.shape[1] / 4)
    fail(op, "w must be [depth + units, 4*units] with depth ", x.shape[2], ", got ", w.shape_str());
  SeqShape s{x.shape[0], x.shape[1], x.shape[2], w.shape[1] / 4};
  check_2d(op, in[1], s.b, s.h, "c0");
  check_2d(op, in[2], s.b, s.h, "h0");
  for (int k = 1; k < 4; ++k) check_same_dtype(op, x, in[k]);
  return s;
}

// The packed time loop where it applies (float32 only); false: run the loop below.
bool recurrence_packed(const float* p, const float* c0, const float* h0, const float* bias,
                       float fb, float* c, float* hs, float* act, float* tc, int64_t t, int64_t b,
                       int64_t h) {
  return lstm_recurrence_packed(p, c0, h0, bias, fb, c, hs, act, tc, t, b, h);
}
bool recurrence_packed(const double*, const double*, const double*, const double*, double, double*,
                       double*, double*, double*, int64_t, int64_t, int64_t) {
  return false;
}

// lstm_seq: x [T,B,D], c0 [B,H], h0 [B,H], w [D+H,4H], b [4H]; floats = [forget_bias]
//   -> c [T,B,H], h [T,B,H], act [T,B,4H], tanh_c [T,B,H] (each step's lstm_step outputs), and
//   w_h_panels [4H*H], a work buffer: w[D:] packed as pack_recurrent_weights describes.
// act first receives x @ w[:D] for every step (one matmul), then each step adds h_prev @ w[D:]
// and the bias and activates in place: from the panels (lstm_recurrence_packed) for float32 on
// AVX2+FMA CPUs with H a multiple of 16, else by sgemm and the row loops.
void k_lstm_seq(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "LSTMBlockSequence";
  check_count(op, nin, 5, nout, 5);
  const SeqShape s = check_seq(op, in);
  const int64_t T_ = s.t, b = s.b, d = s.d, h = s.h;
  if (in[4].ndim != 1 || in[4].shape[0] != 4 * h)
    fail(op, "b must be [", 4 * h, "], got ", in[4].shape_str());
  check_same_dtype(op, in[0], in[4]);
  check_3d(op, out[0], T_, b, h, "c");
  check_3d(op, out[1], T_, b, h, "h");
  check_3d(op, out[2], T_, b, 4 * h, "act");
  check_3d(op, out[3], T_, b, h, "tanh_c");
  if (out[4].ndim != 1 || out[4].shape[0] != 4 * h * h)
    fail(op, "w_h_panels must be [", 4 * h * h, "], got ", out[4].shape_str());
  for (int k = 0; k < 5; ++k) check_same_dtype(op, in[0], out[k]);
  const double fb = a.f(0, op);
  if (h == 0) return;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T *x = in[0].ptr<T>(), *c0 = in[1].ptr<T>(), *h0 = in[2].ptr<T>();
    const T *w = in[3].ptr<T>(), *bias = in[4].ptr<T>();
    T *c = out[0].ptr<T>(), *hs = out[1].ptr<T>(), *act = out[2].ptr<T>();
    T *tc = out[3].ptr<T>(), *panels = out[4].ptr<T>();
    const int64_t g4 = 4 * h, bh = b * h;
    pack_recurrent_weights<T>(w + d * g4, h, panels);
    if (T_ > 0 && b > 0) {
      gemm(false, false, T_ * b, g4, d, x, d, w, g4, act, g4, T(0));
      if (!recurrence_packed(panels, c0, h0, bias, T(fb), c, hs, act, tc, T_, b, h))
        for (int64_t t = 0; t < T_; ++t) {
          const T* hp = t == 0 ? h0 : hs + (t - 1) * bh;
          const T* cp = t == 0 ? c0 : c + (t - 1) * bh;
          T* at = act + t * b * g4;
          gemm(false, false, b, g4, h, hp, h, w + d * g4, g4, at, g4, T(1));
          T *ct = c + t * bh, *tct = tc + t * bh, *ht = hs + t * bh;
          parallel_for(b, row_grain(h), [&](int64_t r0, int64_t r1) {
            cell_rows<T>(bias, T(fb), cp, at, ct, tct, ht, h, r0, r1);
          });
        }
    }
  });
}

// The backward time loop for float32 where lstm_packed_applies(H): per step each thread runs the
// cell gradient for its rows, then (after a barrier, as the product reads every row) dh_prev for
// its unit blocks from w_h^T's panels (lstm_grad_blocks), and a second barrier before the next
// step reads dh_prev. sgemm's product repacked w_h^T on every
// step. Returns false where it does not apply (the caller's loop runs).
bool grad_recurrence_packed(const float* act, const float* c0, const float* c, const float* tc,
                            const float* dc, const float* dh, const float* extra, const float* wh,
                            float* dg, float* dc0, float* dh0, int64_t steps, int64_t b,
                            int64_t h) {
  if (!lstm_packed_applies(h)) return false;
  const int64_t g4 = 4 * h, bh = b * h, nblk = h / kLstmBlock;
  thread_local std::vector<float> packed;
  try {
    if (packed.size() < size_t(g4 * h)) packed.resize(size_t(g4 * h));
  } catch (const std::bad_alloc&) {
    throw ResourceError("[LSTMBlockSequenceGrad] OOM when allocating the packed recurrent weights");
  }
  pack_recurrent_weights_t(wh, h, packed.data());
  const float* p = packed.data();
  // Nothing in the region throws: the cell gradient and the products on checked buffers.
#pragma omp parallel num_threads(get_num_threads())
  {
    const int64_t nth = omp_get_num_threads(), tid = omp_get_thread_num();
    const int64_t r0 = b * tid / nth, r1 = b * (tid + 1) / nth;
    const int64_t blk0 = nblk * tid / nth, blk1 = nblk * (tid + 1) / nth;
    for (int64_t t = steps - 1; t >= 0; --t) {
      const float* cp = t == 0 ? c0 : c + (t - 1) * bh;
      const float* ext = extra != nullptr ? extra + t * b * g4 : nullptr;
      float* dgt = dg + t * b * g4;
      if (r1 > r0)
        cell_grad_rows<float>(act + t * b * g4, cp, tc + t * bh, dc + t * bh, dc0, dh + t * bh, dh0,
                              h, ext, dgt, dc0, h, r0, r1);
#pragma omp barrier
      if (blk1 > blk0) lstm_grad_blocks(p, dgt, dh0, b, h, blk0, blk1);
#pragma omp barrier
    }
  }
  return true;
}
bool grad_recurrence_packed(const double*, const double*, const double*, const double*,
                            const double*, const double*, const double*, const double*, double*,
                            double*, double*, int64_t, int64_t, int64_t) {
  return false;
}

// lstm_seq_grad: x, c0, h0, w, c, h, act, tanh_c (lstm_seq's inputs and outputs), d_c [T,B,H],
// d_h [T,B,H] (gradients reaching each step's c and h from outside), optionally d_act_extra
// [T,B,4H] (added to each step's gate gradient)
//   -> d_x [T,B,D], d_c0 [B,H], d_h0 [B,H], d_w [D+H,4H], d_b [4H], and two work buffers the
//   kernel fills: d_gates [T,B,4H] (each step's gate gradient) and xh [T,B,D+H] (each step's
//   [x, h_prev] rows).
// Backward in time: each step's gate gradient from its state gradients, then
// dh_prev = d_gates @ w[D:]^T; after the loop, one matmul each for d_w = xh^T @ d_gates and
// d_x = d_gates @ w[:D]^T, and d_b = the column sums of d_gates.
void k_lstm_seq_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "LSTMBlockSequenceGrad";
  if (nin != 10 && nin != 11) fail(op, "expects 10 or 11 inputs, got ", nin);
  if (nout != 7) fail(op, "expects 7 outputs, got ", nout);
  const SeqShape s = check_seq(op, in);
  const int64_t T_ = s.t, b = s.b, d = s.d, h = s.h;
  const char* names[] = {"c", "h", "act", "tanh_c", "d_c", "d_h", "d_act_extra"};
  for (int k = 4; k < nin; ++k) {
    check_3d(op, in[k], T_, b, (k == 6 || k == 10) ? 4 * h : h, names[k - 4]);
    check_same_dtype(op, in[0], in[k]);
  }
  check_3d(op, out[0], T_, b, d, "d_x");
  check_2d(op, out[1], b, h, "d_c0");
  check_2d(op, out[2], b, h, "d_h0");
  check_2d(op, out[3], d + h, 4 * h, "d_w");
  if (out[4].ndim != 1 || out[4].shape[0] != 4 * h)
    fail(op, "d_b must be [", 4 * h, "], got ", out[4].shape_str());
  check_3d(op, out[5], T_, b, 4 * h, "d_gates");
  check_3d(op, out[6], T_, b, d + h, "xh");
  for (int k = 0; k < 7; ++k) check_same_dtype(op, in[0], out[k]);
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T *x = in[0].ptr<T>(), *c0 = in[1].ptr<T>(), *h0 = in[2].ptr<T>();
    const T *w = in[3].ptr<T>(), *c = in[4].ptr<T>(), *hs = in[5].ptr<T>();
    const T *act = in[6].ptr<T>(), *tc = in[7].ptr<T>(), *dc = in[8].ptr<T>();
    const T* dh = in[9].ptr<T>();
    const T* extra = nin == 11 ? in[10].ptr<T>() : nullptr;
    T *dx = out[0].ptr<T>(), *dc0 = out[1].ptr<T>(), *dh0 = out[2].ptr<T>();
    T *dw = out[3].ptr<T>(), *db = out[4].ptr<T>(), *dg = out[5].ptr<T>();
    T* xh = out[6].ptr<T>();
    const int64_t g4 = 4 * h, bh = b * h, dh_w = d + h;
    // dc0 and dh0 carry the gradients reaching the previous step's c and h
    std::fill(dc0, dc0 + bh, T(0));
    std::fill(dh0, dh0 + bh, T(0));
    if (!grad_recurrence_packed(act, c0, c, tc, dc, dh, extra, w + d * g4, dg, dc0, dh0, T_, b, h))
      for (int64_t t = T_ - 1; t >= 0 && h > 0; --t) {
        const T* cp = t == 0 ? c0 : c + (t - 1) * bh;
        const T *at = act + t * b * g4, *tct = tc + t * bh, *dct = dc + t * bh, *dht = dh + t * bh;
        const T* ext = extra != nullptr ? extra + t * b * g4 : nullptr;
        T* dgt = dg + t * b * g4;
        parallel_for(b, row_grain(h), [&](int64_t r0, int64_t r1) {
          cell_grad_rows<T>(at, cp, tct, dct, dc0, dht, dh0, h, ext, dgt, dc0, h, r0, r1);
        });
        gemm(false, true, b, h, g4, dgt, g4, w + d * g4, g4, dh0, h, T(0));
      }
    // xh rows: [x_t, h_{t-1}]
    parallel_for(T_ * b, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(dh_w, 1)),
                 [&](int64_t r0, int64_t r1) {
                   for (int64_t r = r0; r < r1; ++r) {
                     const T* hp = r < b ? h0 + r * h : hs + (r - b) * h;
                     std::memcpy(xh + r * dh_w, x + r * d, size_t(d) * sizeof(T));
                     std::memcpy(xh + r * dh_w + d, hp, size_t(h) * sizeof(T));
                   }
                 });
    gemm(true, false, dh_w, g4, T_ * b, xh, dh_w, dg, g4, dw, g4, T(0));
    gemm(false, true, T_ * b, d, g4, dg, g4, w, g4, dx, d, T(0));
    parallel_for(g4, std::max<int64_t>(16, kCheapGrain / std::max<int64_t>(T_ * b, 1)),
                 [&](int64_t u0, int64_t u1) {
                   for (int64_t u = u0; u < u1; ++u) db[u] = T(0);
                   for (int64_t r = 0; r < T_ * b; ++r) {
                     const T* __restrict row = dg + r * g4;
                     T* __restrict acc = db;
                     for (int64_t u = u0; u < u1; ++u) acc[u] += row[u];
                   }
                 });
  });
}

}  // namespace

void register_lstm(Registry& r) {
  r["lstm_step"] = k_lstm_step;
  r["lstm_step_grad"] = k_lstm_step_grad;
  r["lstm_seq"] = k_lstm_seq;
  r["lstm_seq_grad"] = k_lstm_seq_grad;
}

}  // namespace tfl
