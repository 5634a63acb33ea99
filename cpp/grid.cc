// grid.cc: value grids and bins: search_sorted (LowerBound / UpperBound), lin_space,
// unravel_index and histogram_fixed_width.
#include <algorithm>
#include <cmath>
#include <string>

#include "kernels.h"

namespace tfl {
namespace {

inline void set_index(TensorView& t, int64_t k, int64_t v) {
  if (t.dtype == DType::kInt32) t.ptr<int32_t>()[k] = int32_t(v);
  else t.ptr<int64_t>()[k] = v;
}

// out[b, j] = np.searchsorted(sorted[b], values[b, j], side) for 2-D inputs; ints = [upper].
void k_search_sorted(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const bool upper = a.i(0, "LowerBound") != 0;
  const char* op = upper ? "UpperBound" : "LowerBound";
  check_count(op, nin, 2, nout, 1);
  const TensorView &s = in[0], &v = in[1];
  check_same_dtype(op, s, v);
  check_index_dtype(op, out[0], "output");
  if (s.ndim != 2 || v.ndim != 2) fail(op, "sorted_inputs and values must be 2-D");
  if (s.shape[0] != v.shape[0]) fail(op, "Leading dim_size of both tensors must match.");
  if (out[0].size() != v.size()) fail(op, "output must have the shape of values");
  const int64_t rows = s.shape[0], n = s.shape[1], m = v.shape[1];
  TFL_NUMERIC_CASES(s.dtype, op, {
    const T* sp = s.ptr<T>();
    const T* vp = v.ptr<T>();
    parallel_for(rows * m, kParallelGrain / 16, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        const T* row = sp + (k / m) * n;
        const T* at =
            upper ? std::upper_bound(row, row + n, vp[k]) : std::lower_bound(row, row + n, vp[k]);
        set_index(out[0], k, at - row);
      }
    });
  });
}

// out[i] = start + i * (stop - start) / (num - 1), the last one stop (num = out's length).
void k_lin_space(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "LinSpace";
  check_count(op, nin, 2, nout, 1);
  if (in[0].size() != 1 || in[1].size() != 1) fail(op, "start and stop must be scalars");
  check_same_dtype(op, in[0], out[0]);
  check_same_dtype(op, in[1], out[0]);
  const int64_t num = out[0].size();  // (0: empty, as tf.linspace)
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T start = in[0].ptr<T>()[0], stop = in[1].ptr<T>()[0];
    T* r = out[0].ptr<T>();
    if (num == 0) {
    } else if (num == 1) {
      r[0] = start;
    } else {
      const T step = (stop - start) / T(num - 1);
      for (int64_t i = 0; i < num - 1; ++i) r[i] = start + step * T(i);
      r[num - 1] = stop;
    }
  });
}

// out = np.unravel_index(indices, dims) stacked: [len(dims)] for a scalar index, else
// [len(dims), n]. Indices must lie in [0, prod(dims)).
void k_unravel_index(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "UnravelIndex";
  check_count(op, nin, 2, nout, 1);
  const TensorView &idx = in[0], &dims = in[1];
  check_index_dtype(op, idx, "indices");
  check_same_dtype(op, idx, dims);
  check_same_dtype(op, idx, out[0]);
  if (idx.ndim > 1)
    fail(op, "The indices can only be scalar or vector, got \"", idx.shape_str(), "\"");
  if (dims.ndim != 1) fail(op, "The indices can only be 1-D, got \"", dims.shape_str(), "\"");
  const int64_t nd = dims.size(), n = idx.size();
  if (out[0].size() != nd * n) fail(op, "output must have ", nd * n, " elements");
  int64_t total = 1;
  for (int64_t d = 0; d < nd; ++d) {
    const int64_t v = index_at(dims, d);
    if (v <= 0) fail(op, "Input dims must be positive, got ", v);
    total = checked_mul(op, total, v);
  }
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = index_at(idx, i);
    if (v < 0 || v >= total)
      fail(op, "index out of bounds as the index ", v, " is not in [0, ", total, ")");
    int64_t q = v;
    for (int64_t d = nd - 1; d >= 0; --d) {
      const int64_t dim = index_at(dims, d);
      set_index(out[0], d * n + i, q % dim);
      q /= dim;
    }
  }
}

// out[j] = how many values fall in bin j of nbins = len(out) equal bins over [lo, hi)
// (value_range = [lo, hi]); values below lo count in bin 0, at or above hi in the last.
void k_histogram_fixed_width(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs&) {
  const char* op = "HistogramFixedWidth";
  check_count(op, nin, 2, nout, 1);
  const TensorView &v = in[0], &range = in[1];
  check_same_dtype(op, v, range);
  check_index_dtype(op, out[0], "output");
  if (range.ndim != 1 || range.size() != 2)
    fail(op, "value_range should be a vector of 2 elements, but got ", range.shape_str());
  const int64_t nbins = out[0].size();
  if (nbins <= 0) fail(op, "nbins should be a positive number, but got '", nbins, "'");
  std::vector<int64_t> counts(size_t(nbins), 0);
  TFL_NUMERIC_CASES(v.dtype, op, {
    const T lo = range.ptr<T>()[0], hi = range.ptr<T>()[1];
    if (!(lo < hi))
      fail(op, "value_range should satisfy value_range[0] < value_range[1], but got '[", double(lo),
           ", ", double(hi), "]'");
    // as TF's kernel: (max(x, lo) - lo) in T, then in double / step, capped at the last bin
    const double step = double(T(hi - lo)) / double(nbins);
    const T* x = v.ptr<T>();
    for (int64_t i = 0; i < v.size(); ++i) {
      const T above = x[i] > lo ? x[i] : lo;
      double b = double(T(above - lo)) / step;
      b = std::min(b, double(nbins - 1));
      if (!(b >= 0)) b = 0;  // NaN: bin 0
      ++counts[size_t(int64_t(b))];
    }
  });
  for (int64_t j = 0; j < nbins; ++j) set_index(out[0], j, counts[size_t(j)]);
}

}  // namespace

void register_grid(Registry& r) {
  r["search_sorted"] = k_search_sorted;
  r["lin_space"] = k_lin_space;
  r["unravel_index"] = k_unravel_index;
  r["histogram_fixed_width"] = k_histogram_fixed_width;
}

}  // namespace tfl
