// nn.cc: softmax and log-softmax over the last axis, the fused softmax cross-entropy (dense and
// sparse labels: loss and its gradient in one pass, max subtracted first), top_k and in_top_k.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "elementwise_math.h"
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

// The largest of a row's values (NaN where one is NaN), as TF's softmax kernels subtract it.
template <typename T>
T row_max(const T* x, int64_t cols) {
  T mx = x[0];
  for (int64_t j = 1; j < cols; ++j) mx = (x[j] > mx || x[j] != x[j]) ? x[j] : mx;
  return mx;
}

// y[j] = exp(x[j] - mx) for a row, and their sum (added in order). float32 rows go through
// exp_f32 (fast_math.h: vectorised, about 1 ulp, as TF's Eigen exp); double through libm.
template <typename T>
T exp_shifted(const T* x, T mx, T* y, int64_t cols) {
  T sum = 0;
  if constexpr (std::is_same_v<T, float>) {
    for (int64_t j = 0; j < cols; ++j) y[j] = x[j] - mx;
    ew::fast_run<ew::Un::kExp>(y, y, cols);
    for (int64_t j = 0; j < cols; ++j) sum += y[j];
  } else {
    for (int64_t j = 0; j < cols; ++j) sum += (y[j] = std::exp(x[j] - mx));
  }
  return sum;
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
        const T mx = row_max(xr, cols);
        const T sum = exp_shifted(xr, mx, yr, cols);
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
        const T mx = row_max(xr, cols);
        const T sum = exp_shifted(xr, mx, br, cols);
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

// Sparse labels: loss[r] = logsumexp(logits[r]) - logits[r, labels[r]];
// backprop = softmax(logits) - onehot(labels). A label outside [0, C) is an error.
void k_sparse_softmax_xent(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseSoftmaxCrossEntropyWithLogits";
  check_count(op, nin, 2, nout, 2);
  const TensorView &logits = in[0], &labels = in[1];
  if (labels.dtype != DType::kInt32 && labels.dtype != DType::kInt64)
    fail(op, "labels must be int32 or int64, got ", dtype_name(labels.dtype));
  if (logits.ndim != 2) fail(op, "logits must be 2-D, got ", logits.shape_str());
  const int64_t rows = logits.shape[0], cols = logits.shape[1];
  if (labels.ndim != 1 || labels.shape[0] != rows)
    fail(op, "labels ", labels.shape_str(), " must be 1-D with ", rows, " elements (logits ",
         logits.shape_str(), ")");
  check_same_dtype(op, logits, out[0]);
  check_same_dtype(op, logits, out[1]);
  check_same_shape(op, logits, out[1]);
  if (out[0].size() != rows) fail(op, "loss output must have ", rows, " elements");
  auto label = [&](int64_t r) {
    return labels.dtype == DType::kInt32 ? int64_t(labels.ptr<int32_t>()[r])
                                         : labels.ptr<int64_t>()[r];
  };
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t l = label(r);
    if (l < 0 || l >= cols)
      fail(op, "Received a label value of ", l, " which is outside the valid range of [0, ", cols,
           ").  Label values: index ", r);
  }
  TFL_FLOAT_CASES(logits.dtype, op, {
    const T* x = logits.ptr<T>();
    T* loss = out[0].ptr<T>();
    T* bp = out[1].ptr<T>();
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(cols, 1)),
                 [&](int64_t r0, int64_t r1) {
                   for (int64_t r = r0; r < r1; ++r) {
                     const T* xr = x + r * cols;
                     T* br = bp + r * cols;
                     const T mx = row_max(xr, cols);
                     const T sum = exp_shifted(xr, mx, br, cols);
                     const T inv = T(1) / sum;
                     for (int64_t j = 0; j < cols; ++j) br[j] *= inv;
                     const int64_t l = label(r);
                     loss[r] = std::log(sum) - (xr[l] - mx);
                     br[l] -= T(1);
                   }
                 });
  });
}

// The k largest entries of each row (last axis), as TF's TopKV2: values descending, ties broken
// by the lower index; ints = [k, sorted] (unsorted output is also in this order).
void k_top_k(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "TopKV2";
  check_count(op, nin, 1, nout, 2);
  const TensorView& x = in[0];
  if (x.ndim < 1) fail(op, "input must be at least 1-D, got ", x.shape_str());
  const int64_t k = a.i(0, op), cols = x.shape[x.ndim - 1];
  if (k < 0 || k > cols) fail(op, "input must have at least k=", k, " columns, got ", cols);
  check_same_dtype(op, x, out[0]);
  check_dtype(op, out[1], DType::kInt32, "indices");
  const int64_t rows = cols ? x.size() / cols : 0;
  if (out[0].size() != rows * k || out[1].size() != rows * k)
    fail(op, "outputs have the wrong size");
  TFL_NUMERIC_CASES(x.dtype, op, {
    const T* src = x.ptr<T>();
    T* vals = out[0].ptr<T>();
    int32_t* idx = out[1].ptr<int32_t>();
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(cols, 1)),
                 [&](int64_t r0, int64_t r1) {
                   std::vector<int32_t> order(static_cast<size_t>(cols));
                   for (int64_t r = r0; r < r1; ++r) {
                     const T* row = src + r * cols;
                     for (int64_t j = 0; j < cols; ++j) order[size_t(j)] = int32_t(j);
                     auto greater = [&](int32_t p, int32_t q) {
                       const bool pn = row[p] != row[p], qn = row[q] != row[q];
                       if (pn != qn) return pn;  // NaN ranks first, as TF's CPU kernel
                       if (row[p] != row[q] && !pn) return row[p] > row[q];
                       return p < q;
                     };
                     std::partial_sort(order.begin(), order.begin() + k, order.end(), greater);
                     for (int64_t j = 0; j < k; ++j) {
                       idx[r * k + j] = order[size_t(j)];
                       vals[r * k + j] = row[order[size_t(j)]];
                     }
                   }
                 });
  });
}

// out[b] = targets[b] is among the k largest predictions[b]: fewer than k classes score strictly
// higher (ties count in its favour); as TF's kernel, any non-finite score in the row or a target
// outside [0, C) gives false. ints = [k].
void k_in_top_k(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "InTopKV2";
  check_count(op, nin, 2, nout, 1);
  const TensorView &pred = in[0], &tgt = in[1];
  if (pred.ndim != 2) fail(op, "predictions must be 2-D, got ", pred.shape_str());
  if (tgt.dtype != DType::kInt32 && tgt.dtype != DType::kInt64)
    fail(op, "targets must be int32 or int64, got ", dtype_name(tgt.dtype));
  const int64_t rows = pred.shape[0], cols = pred.shape[1], k = a.i(0, op);
  if (tgt.ndim != 1 || tgt.shape[0] != rows)
    fail(op, "targets ", tgt.shape_str(), " must be 1-D with ", rows, " elements");
  check_dtype(op, out[0], DType::kBool, "output");
  if (out[0].size() != rows) fail(op, "output must have ", rows, " elements");
  bool* r = out[0].ptr<bool>();
  TFL_FLOAT_CASES(pred.dtype, op, {
    const T* p = pred.ptr<T>();
    for (int64_t b = 0; b < rows; ++b) {
      const int64_t t =
          tgt.dtype == DType::kInt32 ? int64_t(tgt.ptr<int32_t>()[b]) : tgt.ptr<int64_t>()[b];
      if (t < 0 || t >= cols) {
        r[b] = false;
        continue;
      }
      const T target = p[b * cols + t];
      bool cannot_say = !std::isfinite(double(target));
      int64_t more = 0;
      for (int64_t j = 0; j < cols && !cannot_say; ++j) {
        cannot_say = !std::isfinite(double(p[b * cols + j]));
        more += p[b * cols + j] > target;
      }
      r[b] = !cannot_say && more < k;
    }
  });
}

}  // namespace

void register_nn(Registry& r) {
  r["softmax"] = k_softmax;
  r["log_softmax"] = k_log_softmax;
  r["sparse_softmax_xent"] = k_sparse_softmax_xent;
  r["top_k"] = k_top_k;
  r["in_top_k"] = k_in_top_k;
  r["softmax_xent"] = k_softmax_xent;
}

}  // namespace tfl
