// nn.cc: softmax and log-softmax over the last axis, and the fused softmax cross-entropy
// (loss and its gradient in one pass), all numerically stable (max subtracted first).
#include <cmath>

#include "kernels.h"

namespace tfl {
namespace {

void rows_cols(const char* op, const TensorView& x, int64_t& rows, int64_t& cols) {
  if (x.ndim < 1) fail(op, "input must have rank >= 1, got a scalar");
  cols = x.shape[x.ndim - 1];
  rows = cols ? x.size() / cols : 0;
  for (int i = 0; i + 1 < x.ndim; ++i)
    if (x.shape[i] == 0) rows = 0;
}

template <bool kLog>
void softmax_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  int64_t rows, cols;
  rows_cols(op, in[0], rows, cols);
  if (cols == 0) return;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* y = out[0].ptr<T>();
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / cols), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = x + r * cols;
        T* yr = y + r * cols;
        T mx = xr[0];
        for (int64_t j = 1; j < cols; ++j) mx = (xr[j] > mx || xr[j] != xr[j]) ? xr[j] : mx;
        T sum = 0;
        for (int64_t j = 0; j < cols; ++j) {
          const T e = std::exp(xr[j] - mx);
          if (!kLog) yr[j] = e;
          sum += e;
        }
        if (kLog) {
          const T ls = std::log(sum);
          for (int64_t j = 0; j < cols; ++j) yr[j] = xr[j] - mx - ls;
        } else {
          const T inv = T(1) / sum;
          for (int64_t j = 0; j < cols; ++j) yr[j] *= inv;
        }
      }
    });
  });
}

void k_softmax(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  softmax_kernel<false>("Softmax", in, nin, out, nout);
}
void k_log_softmax(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  softmax_kernel<true>("LogSoftmax", in, nin, out, nout);
}

// loss[r] = -sum_j labels[r,j] * log_softmax(logits)[r,j]; backprop = softmax(logits) - labels.
void k_softmax_xent(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SoftmaxCrossEntropyWithLogits";
  check_count(op, nin, 2, nout, 2);
  const TensorView &logits = in[0], &labels = in[1];
  check_same_dtype(op, logits, labels);
  check_same_shape(op, logits, labels);
  check_same_dtype(op, logits, out[0]);
  check_same_dtype(op, logits, out[1]);
  check_same_shape(op, logits, out[1]);
  if (logits.ndim != 2) fail(op, "logits must be 2-D, got ", logits.shape_str());
  const int64_t rows = logits.shape[0], cols = logits.shape[1];
  if (out[0].size() != rows) fail(op, "loss output must have ", rows, " elements");
  if (cols == 0) {
    std::memset(out[0].data, 0, size_t(rows * dtype_size(logits.dtype)));
    return;
  }
  TFL_FLOAT_CASES(logits.dtype, op, {
    const T* x = logits.ptr<T>();
    const T* lab = labels.ptr<T>();
    T* loss = out[0].ptr<T>();
    T* bp = out[1].ptr<T>();
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / cols), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = x + r * cols;
        const T* lr = lab + r * cols;
        T* br = bp + r * cols;
        T mx = xr[0];
        for (int64_t j = 1; j < cols; ++j) mx = (xr[j] > mx || xr[j] != xr[j]) ? xr[j] : mx;
        T sum = 0;
        for (int64_t j = 0; j < cols; ++j) {
          br[j] = std::exp(xr[j] - mx);
          sum += br[j];
        }
        const T ls = std::log(sum), inv = T(1) / sum;
        T l = 0;
        for (int64_t j = 0; j < cols; ++j) {
          l -= lr[j] * (xr[j] - mx - ls);
          br[j] = br[j] * inv - lr[j];
        }
        loss[r] = l;
      }
    });
  });
}

}  // namespace

void register_nn(Registry& r) {
  r["softmax"] = k_softmax;
  r["log_softmax"] = k_log_softmax;
  r["softmax_xent"] = k_softmax_xent;
}

}  // namespace tfl
