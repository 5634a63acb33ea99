// lstm.cc: the fused LSTM step (TF's LSTMBlockCell design, without peepholes or clipping).
// The one matmul [x, h] @ kernel + bias stays a matmul; these kernels do the elementwise rest.
//
//   lstm_step      (gates [B,4H] pre-activations in i, j, f, o order, c_prev [B,H];
//                   floats = [forget_bias]) -> new_c [B,H], new_h [B,H], act [B,4H] (sigmoid(i),
//                   tanh(j), sigmoid(f + forget_bias), sigmoid(o)), tanh_c [B,H] = tanh(new_c)
//   lstm_step_grad (act, c_prev, tanh_c, d_new_c, d_new_h) -> d_gates [B,4H], d_c_prev [B,H]
#include <algorithm>
#include <cmath>
#include <cstring>

#include "fast_math.h"
#include "kernels.h"

namespace tfl {
namespace {

void check_2d(const char* op, const TensorView& t, int64_t rows, int64_t cols, const char* what) {
  if (t.ndim != 2 || t.shape[0] != rows || t.shape[1] != cols)
    fail(op, what, " must be [", rows, ",", cols, "], got ", t.shape_str());
}

// float32 uses the vectorisable exp_f32 (libm's expf/tanhf made the step 10x slower); float64
// uses libm.
inline float sigmoid(float x) { return 1.0f / (1.0f + exp_f32(-x)); }
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
// tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)): no cancellation near 0 matters at float32's atol.
inline float tanh_act(float x) {
  const float a = 1.0f - 2.0f / (exp_f32(2.0f * std::fabs(x)) + 1.0f);
  return std::copysign(a, x);
}
inline double tanh_act(double x) { return std::tanh(x); }

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
    const T forget_bias = T(fb);
    parallel_for(b, std::max<int64_t>(1, kParallelGrain / (4 * h)), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        // Contiguous passes over restrict pointers, so that each loop vectorises.
        const T* __restrict gr = g + r * 4 * h;
        T* __restrict ar = act + r * 4 * h;
        for (int64_t u = 0; u < h; ++u) ar[u] = sigmoid(gr[u]);
        for (int64_t u = h; u < 2 * h; ++u) ar[u] = tanh_act(gr[u]);
        for (int64_t u = 2 * h; u < 3 * h; ++u) ar[u] = sigmoid(gr[u] + forget_bias);
        for (int64_t u = 3 * h; u < 4 * h; ++u) ar[u] = sigmoid(gr[u]);
        const T* __restrict cr = cp + r * h;
        T* __restrict ncr = nc + r * h;
        T* __restrict tcr = tc + r * h;
        T* __restrict nhr = nh + r * h;
        for (int64_t u = 0; u < h; ++u) ncr[u] = cr[u] * ar[2 * h + u] + ar[u] * ar[h + u];
        for (int64_t u = 0; u < h; ++u) tcr[u] = tanh_act(ncr[u]);
        for (int64_t u = 0; u < h; ++u) nhr[u] = tcr[u] * ar[3 * h + u];
      }
    });
  });
}

// dc = d_new_c + d_new_h * o * (1 - tanh_c^2); d_i = dc * j * i (1 - i); d_j = dc * i (1 - j^2);
// d_f = dc * c_prev * f (1 - f); d_o = d_new_h * tanh_c * o (1 - o); d_c_prev = dc * f.
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
    parallel_for(b, std::max<int64_t>(1, kParallelGrain / (4 * h)), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* ar = ac + r * 4 * h;
        T* gr = dg + r * 4 * h;
        for (int64_t u = 0; u < h; ++u) {
          const int64_t k = r * h + u;
          const T i = ar[u], j = ar[h + u], f = ar[2 * h + u], o = ar[3 * h + u];
          const T t = tc[k], dh = dnh[k];
          const T dc = dnc[k] + dh * o * (T(1) - t * t);
          gr[u] = dc * j * i * (T(1) - i);
          gr[h + u] = dc * i * (T(1) - j * j);
          gr[2 * h + u] = dc * cp[k] * f * (T(1) - f);
          gr[3 * h + u] = dh * t * o * (T(1) - o);
          dcp[k] = dc * f;
        }
      }
    });
  });
}

}  // namespace

void register_lstm(Registry& r) {
  r["lstm_step"] = k_lstm_step;
  r["lstm_step_grad"] = k_lstm_step_grad;
}

}  // namespace tfl
