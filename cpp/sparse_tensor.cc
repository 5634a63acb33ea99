// sparse_tensor.cc: the kernels of TF's SparseTensor ops. A SparseTensor is three buffers:
// indices [N, rank] (int64), values [N], dense_shape [rank] (int64). Output sizes that depend on
// values (the segments of SparseSegmentSum, a dense output's shape) are computed by
// Python before the plan runs; the kernels check them against the inputs.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "kernels.h"

namespace tfl {
namespace {

// An index matrix [N, rank] (a vector [N] is rank 1, a scalar one index of rank 1).
struct Indices {
  const TensorView& t;
  int64_t n, rank;
  Indices(const char* op, const TensorView& v, const char* what) : t(v) {
    check_index_dtype(op, v, what);
    if (v.ndim > 2) fail(op, what, " must be at most rank 2, got ", v.shape_str());
    n = v.ndim == 0 ? 1 : v.shape[0];
    rank = v.ndim == 2 ? v.shape[1] : 1;
  }
  int64_t at(int64_t i, int64_t d) const { return index_at(t, i * rank + d); }
  std::string row(int64_t i) const {
    std::string s = "[";
    for (int64_t d = 0; d < rank; ++d) s += (d ? "," : "") + std::to_string(at(i, d));
    return s + "]";
  }
  // -1, 0 or 1: row i against row j in row-major order.
  int cmp(int64_t i, int64_t j) const {
    for (int64_t d = 0; d < rank; ++d) {
      const int64_t a = at(i, d), b = at(j, d);
      if (a != b) return a < b ? -1 : 1;
    }
    return 0;
  }
};

std::vector<int64_t> shape_values(const char* op, const TensorView& s, const char* what) {
  check_index_dtype(op, s, what);
  if (s.ndim > 1) fail(op, what, " must be a vector, got ", s.shape_str());
  std::vector<int64_t> v(size_t(s.size()));
  for (int64_t d = 0; d < s.size(); ++d) v[size_t(d)] = index_at(s, d);
  return v;
}

std::string shape_list(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t d = 0; d < v.size(); ++d) s += (d ? "," : "") + std::to_string(v[d]);
  return s + "]";
}

// The row-major position of each index row in a dense tensor of `shape` (checked in range).
template <typename Msg>
std::vector<int64_t> flat_positions(const char* op, const Indices& ix,
                                    const std::vector<int64_t>& shape, Msg&& out_of_bounds) {
  if (int64_t(shape.size()) != ix.rank)
    fail(op, "indices have rank ", ix.rank, " but the shape has ", shape.size(), " dims");
  std::vector<int64_t> pos(size_t(ix.n));
  for (int64_t i = 0; i < ix.n; ++i) {
    int64_t p = 0;
    for (int64_t d = 0; d < ix.rank; ++d) {
      const int64_t v = ix.at(i, d);
      if (v < 0 || v >= shape[size_t(d)]) out_of_bounds(i, d);
      p = p * shape[size_t(d)] + v;
    }
    pos[size_t(i)] = p;
  }
  return pos;
}

// ---- SparseToDense: default everywhere, then values at indices (checked, optionally ordered) --
void k_sparse_to_dense(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "SparseToDense";
  check_count(op, nin, 4, nout, 1);
  const Indices ix(op, in[0], "sparse_indices");
  const std::vector<int64_t> shape = shape_values(op, in[1], "output_shape");
  const TensorView &values = in[2], &dflt = in[3], &o = out[0];
  check_same_dtype(op, values, o);
  check_same_dtype(op, dflt, o);
  if (dflt.size() != 1) fail(op, "default_value should be a scalar, got ", dflt.shape_str());
  if (values.ndim > 1 || (values.ndim == 1 && values.shape[0] != ix.n))
    fail(op, "sparse_values has incorrect shape ", values.shape_str(), ", should be [] or [", ix.n,
         "]");
  if (o.size() != checked_num_elements(op, shape.data(), int(shape.size())))
    fail(op, "output ", o.shape_str(), " does not match output_shape ", shape_list(shape));
  const std::vector<int64_t> pos = flat_positions(op, ix, shape, [&](int64_t i, int64_t) {
    fail(op, "indices[", i, "] = ", ix.row(i), " is out of bounds: need 0 <= index < ",
         shape_list(shape));
  });
  if (a.i(0, op))
    for (int64_t i = 1; i < ix.n; ++i) {
      if (pos[size_t(i)] < pos[size_t(i - 1)])
        fail(op, "indices[", i, "] = ", ix.row(i),
             " is out of order. Many sparse ops require sorted indices.\n"
             "    Use `tf.sparse.reorder` to create a correctly ordered copy.\n\n");
      if (pos[size_t(i)] == pos[size_t(i - 1)])
        fail(op, "indices[", i, "] = ", ix.row(i), " is repeated");
    }
  TFL_ALL_CASES(o.dtype, op, {
    T* dst = o.ptr<T>();
    std::fill(dst, dst + o.size(), dflt.ptr<T>()[0]);
    const T* v = values.ptr<T>();
    const bool scalar = values.ndim == 0;
    for (int64_t i = 0; i < ix.n; ++i) dst[pos[size_t(i)]] = scalar ? v[0] : v[i];
  });
}

// ---- SparseTensorDenseMatMul: op(A) @ op(B), A sparse [rows, cols] -------------------------
void k_sparse_dense_matmul(const TensorView* in, int nin, TensorView* out, int nout,
                           const Attrs& a) {
  const char* op = "SparseTensorDenseMatMul";
  check_count(op, nin, 4, nout, 1);
  const Indices ix(op, in[0], "a_indices");
  const TensorView &vals = in[1], &b = in[3], &o = out[0];
  const std::vector<int64_t> shape = shape_values(op, in[2], "a_shape");
  if (in[0].ndim != 2 || ix.rank != 2 || shape.size() != 2)
    fail(op, "Tensor 'a_indices' is not a matrix, or a_shape is not of length 2");
  if (vals.ndim != 1 || vals.shape[0] != ix.n)
    fail(op, "Number of rows of a_indices does not match number of entries in a_values");
  if (b.ndim != 2) fail(op, "Tensor 'b' is not a matrix");
  check_same_dtype(op, vals, b);
  check_same_dtype(op, b, o);
  const bool adj_a = a.i(0, op) != 0, adj_b = a.i(1, op) != 0;
  const int64_t out_rows = adj_a ? shape[1] : shape[0], inner = adj_a ? shape[0] : shape[1];
  const int64_t b_inner = adj_b ? b.shape[1] : b.shape[0], m = adj_b ? b.shape[0] : b.shape[1];
  if (inner != b_inner)
    fail(op, "Cannot multiply A and B because inner dimension does not match: ", inner, " vs. ",
         b_inner, ".  Did you forget a transpose?  Dimensions of A: [", shape[0], ", ", shape[1],
         ").  Dimensions of B: ", b.shape_str());
  if (o.ndim != 2 || o.shape[0] != out_rows || o.shape[1] != m)
    fail(op, "output ", o.shape_str(), " should be [", out_rows, ",", m, "]");
  for (int64_t i = 0; i < ix.n; ++i) {
    const int64_t r = ix.at(i, adj_a ? 1 : 0), k = ix.at(i, adj_a ? 0 : 1);
    if (k < 0 || k >= inner)
      fail(op, "k (", k, ") from index[", i, ",", adj_a ? 0 : 1, "] out of bounds (>=", inner, ")");
    if (r < 0 || r >= out_rows)
      fail(op, "m (", r, ") from index[", i, ",", adj_a ? 1 : 0, "] out of bounds (>=", out_rows,
           ")");
  }
  // entries grouped by output row (stable: each row adds its entries in input order, so the
  // result does not depend on the thread count); rows split across threads
  std::vector<int64_t> order(size_t(ix.n));
  std::iota(order.begin(), order.end(), int64_t(0));
  const int rc = adj_a ? 1 : 0;
  bool grouped = true;  // row-major input (the usual case) needs no sort
  for (int64_t i = 1; i < ix.n && grouped; ++i) grouped = ix.at(i - 1, rc) <= ix.at(i, rc);
  if (!grouped)
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t i, int64_t j) { return ix.at(i, rc) < ix.at(j, rc); });
  std::vector<int64_t> starts;
  for (int64_t k = 0; k < ix.n; ++k)
    if (k == 0 || ix.at(order[size_t(k)], rc) != ix.at(order[size_t(k - 1)], rc))
      starts.push_back(k);
  const int64_t groups = int64_t(starts.size());
  starts.push_back(ix.n);
  const int64_t bs0 = b.shape[1];
  const int64_t per_group = std::max<int64_t>(1, m * (ix.n / std::max<int64_t>(groups, 1)));
  TFL_NUMERIC_CASES(o.dtype, op, {
    T* dst = o.ptr<T>();
    const T* v = vals.ptr<T>();
    const T* bp = b.ptr<T>();
    std::fill(dst, dst + o.size(), T(0));
    parallel_for(groups, std::max<int64_t>(1, kCheapGrain / per_group),
                 [&](int64_t g0, int64_t g1) {
                   for (int64_t g = g0; g < g1; ++g) {
                     T* row = dst + ix.at(order[size_t(starts[size_t(g)])], rc) * m;
                     for (int64_t e = starts[size_t(g)]; e < starts[size_t(g + 1)]; ++e) {
                       const int64_t i = order[size_t(e)], k = ix.at(i, 1 - rc);
                       const T w = v[i];
                       if (adj_b)
                         for (int64_t c = 0; c < m; ++c) row[c] += w * bp[c * bs0 + k];
                       else
                         for (int64_t c = 0; c < m; ++c) row[c] += w * bp[k * bs0 + c];
                     }
                   }
                 });
  });
}

// ---- SparseReorder: entries sorted into row-major order (stable) ---------------------------
void k_sparse_reorder(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseReorder";
  check_count(op, nin, 3, nout, 2);
  const Indices ix(op, in[0], "input_indices");
  const TensorView& vals = in[1];
  if (in[0].ndim != 2)
    fail(op, "Input indices should be a matrix but received shape ", in[0].shape_str());
  if (vals.ndim != 1 || vals.shape[0] != ix.n)
    fail(op, "Input values should be a vector of ", ix.n, " entries, got ", vals.shape_str());
  if (in[2].size() != ix.rank)
    fail(op, "Input shape ", in[2].shape_str(), " does not match indices of rank ", ix.rank);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  check_same_dtype(op, vals, out[1]);
  check_same_shape(op, vals, out[1]);
  std::vector<int64_t> order(size_t(ix.n));
  std::iota(order.begin(), order.end(), int64_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t i, int64_t j) { return ix.cmp(i, j) < 0; });
  const int64_t rank = ix.rank;
  TFL_ALL_CASES(vals.dtype, op, {
    const T* v = vals.ptr<T>();
    T* ov = out[1].ptr<T>();
    for (int64_t k = 0; k < ix.n; ++k) ov[k] = v[order[size_t(k)]];
  });
  const int64_t w = dtype_size(in[0].dtype) * rank;
  const char* src = static_cast<const char*>(in[0].data);
  char* dst = static_cast<char*>(out[0].data);
  for (int64_t k = 0; k < ix.n; ++k)
    if (w) std::memcpy(dst + k * w, src + order[size_t(k)] * w, size_t(w));
}

// ---- SparseSegmentSum / Mean / SqrtN: out[s] combines data[indices[k]] over segment_ids[k] == s
// ints = [mode (0 sum, 1 mean, 2 sqrt_n), with_num_segments]
void k_sparse_segment(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const int mode = int(a.i(0, "SparseSegmentReduction"));
  const bool with_n = a.i(1, "SparseSegmentReduction") != 0;
  static const char* names[2][3] = {
      {"SparseSegmentSum", "SparseSegmentMean", "SparseSegmentSqrtN"},
      {"SparseSegmentSumWithNumSegments", "SparseSegmentMeanWithNumSegments",
       "SparseSegmentSqrtNWithNumSegments"}};
  if (mode < 0 || mode > 2) fail("SparseSegmentReduction", "bad mode ", mode);
  const char* op = names[with_n][mode];
  check_count(op, nin, 3, nout, 1);
  const TensorView &data = in[0], &ids = in[1], &seg = in[2], &o = out[0];
  check_index_dtype(op, ids, "indices");
  check_index_dtype(op, seg, "segment_ids");
  check_same_dtype(op, data, o);
  if (ids.ndim != 1) fail(op, "indices should be a vector, got ", ids.shape_str());
  if (seg.ndim != 1) fail(op, "segment_ids should be a vector, got ", seg.shape_str());
  const int64_t n = ids.shape[0];
  if (seg.shape[0] != n) fail(op, "segment_ids and indices should have same size.");
  if (data.ndim < 1) fail(op, "data must be at least rank 1");
  if (o.ndim != data.ndim) fail(op, "output ", o.shape_str(), " does not match data");
  int64_t inner = 1;
  for (int d = 1; d < data.ndim; ++d) {
    if (o.shape[d] != data.shape[d]) fail(op, "output ", o.shape_str(), " does not match data");
    inner *= data.shape[d];
  }
  const int64_t rows = data.shape[0], nseg = o.shape[0];
  for (int64_t k = 1; k < n; ++k)
    if (index_at(seg, k) < index_at(seg, k - 1)) fail(op, "segment ids are not increasing");
  for (int64_t k = 0; k < n; ++k) {
    const int64_t s = index_at(seg, k), i = index_at(ids, k);
    if (s < 0 || s >= nseg)
      fail(op, with_n ? "segment ids must be < num_segments" : "segment ids must be >= 0");
    if (i < 0 || i >= rows)
      fail(op, "Bad: indices[", k, "] == ", i, " out of range [0, ", rows, ")");
  }
  std::vector<int64_t> count(size_t(nseg), 0);
  for (int64_t k = 0; k < n; ++k) ++count[size_t(index_at(seg, k))];
  TFL_FLOAT_CASES(o.dtype, op, {
    const T* x = data.ptr<T>();
    T* r = o.ptr<T>();
    std::fill(r, r + o.size(), T(0));
    parallel_for(inner, kCheapGrain, [&](int64_t c0, int64_t c1) {
      for (int64_t k = 0; k < n; ++k) {
        T* dst = r + index_at(seg, k) * inner;
        const T* src = x + index_at(ids, k) * inner;
        for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
      }
    });
    if (mode != 0)
      for (int64_t s = 0; s < nseg; ++s) {
        const int64_t c = count[size_t(s)];
        if (c <= 1) continue;
        const T div = mode == 1 ? T(c) : std::sqrt(T(c));
        for (int64_t j = 0; j < inner; ++j) r[s * inner + j] /= div;
      }
  });
}

// ---- SparseTensorDenseAdd: b + A, A sparse of b's shape (duplicates add up) -----------------
void k_sparse_dense_add(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseTensorDenseAdd";
  check_count(op, nin, 4, nout, 1);
  const Indices ix(op, in[0], "a_indices");
  const TensorView &vals = in[1], &b = in[3], &o = out[0];
  const std::vector<int64_t> shape = shape_values(op, in[2], "a_shape");
  check_same_dtype(op, vals, b);
  check_same_dtype(op, b, o);
  check_same_shape(op, b, o);
  if (vals.ndim != 1 || vals.shape[0] != ix.n)
    fail(op, "Expected ", ix.n, " non-empty input values, got ", vals.shape_str());
  if (int64_t(shape.size()) != b.ndim)
    fail(op, "Dimension of a_shape ", shape.size(), " does not equal the rank of b ", b.ndim);
  for (int d = 0; d < b.ndim; ++d)
    if (shape[size_t(d)] != b.shape[d])
      fail(op, "Dimension ", d, " does not equal (no broadcasting is supported): sparse side ",
           shape[size_t(d)], " vs dense side ", b.shape[d]);
  const std::vector<int64_t> pos = flat_positions(op, ix, shape, [&](int64_t i, int64_t d) {
    std::string dims;
    for (int64_t s : shape) dims += (dims.empty() ? "" : " ") + std::to_string(s);
    fail(op, "Sparse tensor has an invalid index on dimension ", d, ": a_indices(", i, ",", d,
         ") = ", ix.at(i, d), ", dense tensor shape: ", dims);
  });
  TFL_NUMERIC_CASES(o.dtype, op, {
    T* dst = o.ptr<T>();
    const T* src = b.ptr<T>();
    if (dst != src) std::copy(src, src + b.size(), dst);
    const T* v = vals.ptr<T>();
    for (int64_t i = 0; i < ix.n; ++i) dst[pos[size_t(i)]] += v[i];
  });
}

// ---- SparseReduceSum / SparseReduceMax to a dense tensor ------------------------------------
// ints = [max?, reduced? per dim...]; out holds the kept dims (any 1s kept_dims inserts).
// An output element no entry reaches is 0, as TF's.
void k_sparse_reduce(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const bool is_max = a.i(0, "SparseReduceSum") != 0;
  const char* op = is_max ? "SparseReduceMax" : "SparseReduceSum";
  check_count(op, nin, 3, nout, 1);
  const Indices ix(op, in[0], "input_indices");
  const TensorView &vals = in[1], &o = out[0];
  const std::vector<int64_t> shape = shape_values(op, in[2], "input_shape");
  check_same_dtype(op, vals, o);
  if (int64_t(a.ints.size()) != 1 + int64_t(shape.size()) || ix.rank != int64_t(shape.size()))
    fail(op, "indices of rank ", ix.rank, " do not match input_shape ", shape_list(shape));
  if (vals.ndim != 1 || vals.shape[0] != ix.n)
    fail(op, "Expected ", ix.n, " input values, got ", vals.shape_str());
  int64_t kept = 1;
  for (size_t d = 0; d < shape.size(); ++d)
    if (!a.ints[d + 1]) kept = checked_mul(op, kept, shape[d]);
  if (o.size() != kept) fail(op, "output ", o.shape_str(), " has the wrong size");
  std::vector<int64_t> pos(size_t(ix.n));
  for (int64_t i = 0; i < ix.n; ++i) {
    int64_t p = 0;
    for (int64_t d = 0; d < ix.rank; ++d) {
      const int64_t v = ix.at(i, d);
      if (v < 0 || v >= shape[size_t(d)])
        fail(op, "indices[", i, "] = ", ix.row(i), " is out of bounds: need 0 <= index < ",
             shape_list(shape));
      if (!a.ints[size_t(d) + 1]) p = p * shape[size_t(d)] + v;
    }
    pos[size_t(i)] = p;
  }
  TFL_NUMERIC_CASES(o.dtype, op, {
    T* dst = o.ptr<T>();
    const T* v = vals.ptr<T>();
    if (!is_max) {
      std::fill(dst, dst + kept, T(0));
      for (int64_t i = 0; i < ix.n; ++i) dst[pos[size_t(i)]] += v[i];
    } else {
      std::vector<char> seen(size_t(kept), 0);
      std::fill(dst, dst + kept, T(0));
      for (int64_t i = 0; i < ix.n; ++i) {
        const size_t p = size_t(pos[size_t(i)]);
        const T x = v[i];
        if (!seen[p]) dst[p] = x;
        else if (dst[p] == dst[p] && (x > dst[p] || x != x))  // NaN sticks
          dst[p] = x;
        seen[p] = 1;
      }
    }
  });
}

// ---- SparseSoftmax: softmax over the entries that share all but the last coordinate ----------
void k_sparse_softmax(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseSoftmax";
  check_count(op, nin, 3, nout, 1);
  const Indices ix(op, in[0], "sp_indices");
  const TensorView &vals = in[1], &o = out[0];
  const std::vector<int64_t> shape = shape_values(op, in[2], "sp_shape");
  if (shape.size() < 2)
    fail(op, "Input should have rank >= 2, but received shape: ", shape_list(shape));
  if (vals.ndim != 1 || vals.shape[0] != ix.n || in[0].ndim != 2 ||
      ix.rank != int64_t(shape.size()))
    fail(op, "sp_indices ", in[0].shape_str(), " and sp_values ", vals.shape_str(),
         " do not match sp_shape ", shape_list(shape));
  check_same_dtype(op, vals, o);
  check_same_shape(op, vals, o);
  std::vector<int64_t> order(size_t(ix.n));
  std::iota(order.begin(), order.end(), int64_t(0));
  auto prefix_cmp = [&](int64_t i, int64_t j) {
    for (int64_t d = 0; d + 1 < ix.rank; ++d) {
      const int64_t a = ix.at(i, d), b = ix.at(j, d);
      if (a != b) return a < b;
    }
    return false;
  };
  std::stable_sort(order.begin(), order.end(), prefix_cmp);
  TFL_FLOAT_CASES(o.dtype, op, {
    const T* v = vals.ptr<T>();
    T* r = o.ptr<T>();
    for (int64_t s = 0; s < ix.n;) {
      int64_t e = s + 1;
      while (e < ix.n && !prefix_cmp(order[size_t(s)], order[size_t(e)])) ++e;
      T mx = -std::numeric_limits<T>::infinity();
      for (int64_t k = s; k < e; ++k) mx = std::max(mx, v[order[size_t(k)]]);
      double sum = 0;
      for (int64_t k = s; k < e; ++k) {
        const T ex = std::exp(v[order[size_t(k)]] - mx);
        r[order[size_t(k)]] = ex;
        sum += double(ex);
      }
      for (int64_t k = s; k < e; ++k) r[order[size_t(k)]] = T(double(r[order[size_t(k)]]) / sum);
      s = e;
    }
  });
}

// ---- SparseCross (hashed): per row, the fingerprint of every combination of its features ----
// in = indices..., values..., shapes... of the sparse inputs, then the dense inputs [batch, k]
// (int64 features); ints = [num sparse, num_buckets, hash_key]; out = indices [nnz, 2], values
// [nnz], shape [2]. Combinations run with the last input fastest; a row with an input of no
// features has none (TF's ProductIterator). Entries of a sparse input are read row by row in
// order, as TF's kernel reads them.
uint64_t shift_mix(uint64_t v) { return v ^ (v >> 47); }
uint64_t fingerprint_cat64(uint64_t fp1, uint64_t fp2) {
  const uint64_t kMul = 0xc6a4a7935bd1e995ULL;
  uint64_t r = fp1 ^ kMul;
  r ^= shift_mix(fp2 * kMul) * kMul;
  r *= kMul;
  r = shift_mix(r) * kMul;
  return shift_mix(r);
}

void k_sparse_cross(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "SparseCross";
  const int64_t ns = a.i(0, op), buckets = a.i(1, op);
  const uint64_t key = uint64_t(a.i(2, op));
  if (ns < 0 || 3 * ns > nin || nout != 3) fail(op, "bad inputs: ", nin, " for ", ns, " sparse");
  const int64_t nd = nin - 3 * ns;
  int64_t batch = -1;
  for (int64_t i = 0; i < ns; ++i) {
    const TensorView &ind = in[i], &val = in[ns + i], &shp = in[2 * ns + i];
    check_dtype(op, ind, DType::kInt64, "indices");
    check_dtype(op, val, DType::kInt64, "values");
    check_dtype(op, shp, DType::kInt64, "shapes");
    if (ind.ndim != 2 || ind.shape[1] != 2 || shp.size() != 2)
      fail(op, "Expected D2 of index to be 2 got ", ind.ndim == 2 ? ind.shape[1] : -1,
           " at position ", i);
    if (val.ndim != 1 || val.shape[0] != ind.shape[0])
      fail(op, "Expected size of values to be ", ind.shape[0], " got ", val.size(), " at position ",
           i);
    const int64_t b = shp.ptr<int64_t>()[0];
    if (batch >= 0 && b != batch)
      fail(op, "Expected batch size ", batch, " got ", b, " at position ", i);
    batch = b;
  }
  for (int64_t j = 0; j < nd; ++j) {
    const TensorView& d = in[3 * ns + j];
    check_dtype(op, d, DType::kInt64, "dense_inputs");
    if (d.ndim != 2)
      fail(op, "Dense inputs should be a matrix but received shape ", d.shape_str(),
           " at position ", j);
    if (batch >= 0 && d.shape[0] != batch)
      fail(op, "Expected batch size ", batch, " got ", d.shape[0], " at dense tensor ", j);
    batch = d.shape[0];
  }
  if (batch < 0) batch = 0;
  // per sparse input: the first entry and the number of entries of each row
  std::vector<std::vector<int64_t>> start(static_cast<size_t>(ns)), count(static_cast<size_t>(ns));
  for (int64_t i = 0; i < ns; ++i) {
    const TensorView& ind = in[i];
    auto& c = count[size_t(i)];
    c.assign(size_t(batch), 0);
    for (int64_t k = 0; k < ind.shape[0]; ++k) {
      const int64_t r = ind.ptr<int64_t>()[2 * k];
      if (r < 0 || r >= batch) fail(op, "Invalid batch index ", r, " at position ", i);
      ++c[size_t(r)];
    }
    auto& s = start[size_t(i)];
    s.assign(size_t(batch), 0);
    for (int64_t r = 1; r < batch; ++r) s[size_t(r)] = s[size_t(r - 1)] + c[size_t(r - 1)];
  }
  const int64_t ncols = ns + nd;
  std::vector<int64_t> n(static_cast<size_t>(ncols));
  auto counts_of = [&](int64_t r) {
    int64_t total = 1;
    for (int64_t i = 0; i < ncols; ++i) {
      n[size_t(i)] = i < ns ? count[size_t(i)][size_t(r)] : in[3 * ns + i - ns].shape[1];
      total = n[size_t(i)] == 0 ? 0 : total * n[size_t(i)];
    }
    return ncols ? total : 0;
  };
  int64_t nnz = 0, width = 0;
  for (int64_t r = 0; r < batch; ++r) {
    const int64_t t = counts_of(r);
    nnz = checked_add(op, nnz, t);
    width = std::max(width, t);
  }
  if (out[0].ndim != 2 || out[0].shape[0] != nnz || out[0].shape[1] != 2 || out[1].size() != nnz ||
      out[2].size() != 2)
    fail(op, "outputs ", out[0].shape_str(), ", ", out[1].shape_str(), " should hold ", nnz,
         " entries");
  int64_t* oi = out[0].ptr<int64_t>();
  int64_t* ov = out[1].ptr<int64_t>();
  out[2].ptr<int64_t>()[0] = batch;
  out[2].ptr<int64_t>()[1] = width;
  std::vector<int64_t> perm(static_cast<size_t>(ncols));
  int64_t e = 0;
  for (int64_t r = 0; r < batch; ++r) {
    const int64_t t = counts_of(r);
    std::fill(perm.begin(), perm.end(), 0);
    for (int64_t k = 0; k < t; ++k, ++e) {
      uint64_t h = key;
      for (int64_t i = 0; i < ncols; ++i) {
        const int64_t f =
            i < ns ? in[ns + i].ptr<int64_t>()[start[size_t(i)][size_t(r)] + perm[size_t(i)]]
                   : in[3 * ns + i - ns].ptr<int64_t>()[r * n[size_t(i)] + perm[size_t(i)]];
        h = fingerprint_cat64(h, uint64_t(f));
      }
      oi[2 * e] = r;
      oi[2 * e + 1] = k;
      ov[e] = int64_t(buckets > 0 ? h % uint64_t(buckets)
                                  : h % uint64_t(std::numeric_limits<int64_t>::max()));
      for (int64_t i = ncols - 1; i >= 0; --i) {  // the next combination, last input fastest
        if (++perm[size_t(i)] < n[size_t(i)]) break;
        perm[size_t(i)] = 0;
      }
    }
  }
}

// ---- SparseAdd: the merge of two row-major SparseTensors of one shape -----------------------
// in = a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh; out = indices, values,
// shape. Entries at one index add up, and such a sum is dropped when |sum| < thresh (TF's rule);
// the output's size (computed by Python) is checked before anything is written.
template <typename T>
double magnitude(T v) {
  return std::abs(double(v));
}

void k_sparse_add(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseAdd";
  check_count(op, nin, 7, nout, 3);
  const Indices a(op, in[0], "a_indices"), b(op, in[3], "b_indices");
  const TensorView &av = in[1], &bv = in[4], &th = in[6];
  const std::vector<int64_t> as = shape_values(op, in[2], "a_shape");
  const std::vector<int64_t> bs = shape_values(op, in[5], "b_shape");
  if (as.size() != bs.size())
    fail(op, "Operands do not have the same ranks; got shapes: ", shape_list(as), " and ",
         shape_list(bs));
  if (as != bs)
    fail(op, "Operands' shapes do not match: got ", shape_list(as), " and ", shape_list(bs));
  if (in[0].ndim != 2 || in[3].ndim != 2 || a.rank != int64_t(as.size()) || b.rank != a.rank)
    fail(op, "Input indices should be matrices of rank ", as.size(),
         " but received shapes: ", in[0].shape_str(), " and ", in[3].shape_str());
  if (av.ndim != 1 || av.shape[0] != a.n || bv.ndim != 1 || bv.shape[0] != b.n)
    fail(op, "The numbers of values and indices do not match: ", av.shape_str(), " vs ",
         in[0].shape_str(), ", ", bv.shape_str(), " vs ", in[3].shape_str());
  check_same_dtype(op, av, bv);
  check_same_dtype(op, av, out[1]);
  if (th.size() != 1) fail(op, "The magnitude threshold must be a scalar: got ", th.shape_str());
  auto cmp = [&](int64_t i, int64_t j) {
    for (int64_t d = 0; d < a.rank; ++d) {
      const int64_t x = a.at(i, d), y = b.at(j, d);
      if (x != y) return x < y ? -1 : 1;
    }
    return 0;
  };
  TFL_NUMERIC_CASES(av.dtype, op, {
    const T* x = av.ptr<T>();
    const T* y = bv.ptr<T>();
    double thresh = 0;
    TFL_NUMERIC_CASES(th.dtype, op, { thresh = double(th.ptr<T>()[0]); });
    // (src: 0 a, 1 b, 2 both; i, j) of each output entry, in order
    std::vector<std::array<int64_t, 3>> entries;
    int64_t i = 0, j = 0;
    while (i < a.n || j < b.n) {
      const int c = i == a.n ? 1 : j == b.n ? -1 : cmp(i, j);
      if (c < 0) {
        entries.push_back({0, i++, 0});
      } else if (c > 0) {
        entries.push_back({1, 0, j++});
      } else {
        if (thresh <= magnitude(T(x[i] + y[j]))) entries.push_back({2, i, j});
        ++i, ++j;
      }
    }
    if (out[0].ndim != 2 || out[0].shape[0] != int64_t(entries.size()) ||
        out[0].shape[1] != a.rank || out[1].size() != int64_t(entries.size()) ||
        out[2].size() != a.rank)
      fail(op, "the sum has ", entries.size(), " entries, not ", out[0].shape_str(),
           ": are the indices of both operands in row-major order?");
    check_dtype(op, out[0], DType::kInt64, "sum_indices");
    int64_t* oi = out[0].ptr<int64_t>();
    T* ov = out[1].ptr<T>();
    for (size_t k = 0; k < entries.size(); ++k) {
      const auto& e = entries[k];
      for (int64_t d = 0; d < a.rank; ++d)
        oi[int64_t(k) * a.rank + d] = e[0] == 1 ? b.at(e[2], d) : a.at(e[1], d);
      ov[k] = e[0] == 0 ? x[e[1]] : e[0] == 1 ? y[e[2]] : T(x[e[1]] + y[e[2]]);
    }
    for (size_t d = 0; d < as.size(); ++d) out[2].ptr<int64_t>()[d] = as[d];
  });
}

// SparseAddGrad: in = grad [N], a_indices, b_indices, sum_indices (all row-major); out = the
// gradient of a's and of b's values: the sum's gradient where their index is in the sum, else 0.
void k_sparse_add_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseAddGrad";
  check_count(op, nin, 4, nout, 2);
  const TensorView& g = in[0];
  const Indices a(op, in[1], "a_indices"), b(op, in[2], "b_indices"), s(op, in[3], "sum_indices");
  if (g.ndim != 1 || g.shape[0] != s.n)
    fail(op, "backprop_val_grad ", g.shape_str(), " does not match sum_indices ",
         in[3].shape_str());
  if (a.rank != s.rank || b.rank != s.rank) fail(op, "indices of different ranks");
  if (out[0].size() != a.n || out[1].size() != b.n)
    fail(op, "outputs ", out[0].shape_str(), ", ", out[1].shape_str(), " do not match the inputs");
  check_same_dtype(op, g, out[0]);
  check_same_dtype(op, g, out[1]);
  auto find = [&](const Indices& x, int64_t i) {  // the sum's entry at x's index i, or -1
    int64_t lo = 0, hi = s.n;
    while (lo < hi) {
      const int64_t mid = (lo + hi) / 2;
      int c = 0;
      for (int64_t d = 0; d < s.rank && c == 0; ++d) {
        const int64_t p = s.at(mid, d), q = x.at(i, d);
        c = p < q ? -1 : p > q ? 1 : 0;
      }
      if (c == 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return int64_t(-1);
  };
  TFL_NUMERIC_CASES(g.dtype, op, {
    const T* gp = g.ptr<T>();
    for (int side = 0; side < 2; ++side) {
      const Indices& x = side ? b : a;
      T* o = out[side].ptr<T>();
      for (int64_t i = 0; i < x.n; ++i) {
        const int64_t k = find(x, i);
        o[i] = k < 0 ? T(0) : gp[k];
      }
    }
  });
}

// ---- SparseReshape: the same entries in a dense shape of the same size ----------------------
// in = input_indices [N, R], input_shape [R], new_shape [R'] (one -1 inferred); out =
// output_indices [N, R'], output_shape [R'] (TF's checks and messages).
void k_sparse_reshape(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseReshape";
  check_count(op, nin, 3, nout, 2);
  const Indices ix(op, in[0], "input_indices");
  const std::vector<int64_t> from = shape_values(op, in[1], "input_shape");
  std::vector<int64_t> to = shape_values(op, in[2], "new_shape");
  if (in[0].ndim != 2 || ix.rank != int64_t(from.size()))
    fail(op, "Input indices ", in[0].shape_str(), " do not match the input shape ",
         shape_list(from));
  const int64_t dense = checked_num_elements(op, from.data(), int(from.size()));
  int64_t product = 1, unknown = -1;
  for (size_t d = 0; d < to.size(); ++d) {
    if (to[d] == -1) {
      if (unknown != -1)
        fail(op, "only one output dimension may be -1, not both ", unknown, " and ", d);
      unknown = int64_t(d);
    } else if (to[d] < 0) {
      fail(op, "size ", d, " must be non-negative, not ", to[d]);
    } else {
      product = checked_mul(op, product, to[d]);
    }
  }
  if (unknown != -1) {
    if (product == 0 || dense % product != 0)
      fail(op, "Input to reshape is a SparseTensor with ", dense,
           " dense values, but the requested shape requires a multiple of ", product,
           ". input_shape=", shape_list(from), " output_shape=", shape_list(to));
    to[size_t(unknown)] = dense / product;
  } else if (product != dense) {
    fail(op, "Input to reshape is a tensor with ", dense,
         " dense values, but the requested shape has ", product, ". input_shape=", shape_list(from),
         " output_shape=", shape_list(to));
  }
  const int64_t r = int64_t(to.size());
  if (out[0].ndim != 2 || out[0].shape[0] != ix.n || out[0].shape[1] != r || out[1].size() != r)
    fail(op, "outputs ", out[0].shape_str(), ", ", out[1].shape_str(), " should be [", ix.n, ",", r,
         "], [", r, "]");
  check_dtype(op, out[0], DType::kInt64, "output_indices");
  check_dtype(op, out[1], DType::kInt64, "output_shape");
  int64_t* oi = out[0].ptr<int64_t>();
  for (int64_t i = 0; i < ix.n; ++i) {
    int64_t p = 0;
    for (int64_t d = 0; d < ix.rank; ++d) p = p * from[size_t(d)] + ix.at(i, d);
    for (int64_t d = r - 1; d >= 0; --d) {
      oi[i * r + d] = to[size_t(d)] ? p % to[size_t(d)] : 0;
      p = to[size_t(d)] ? p / to[size_t(d)] : 0;
    }
  }
  std::copy(to.begin(), to.end(), out[1].ptr<int64_t>());
}

// ---- SparseConcat: SparseTensors of one shape but along concat_dim, joined along it ----------
// in = indices..., values..., shapes... (N each); ints = [N, concat_dim]; out = indices, values,
// shape. The entries are shifted along concat_dim and put in row-major order (stable), which is
// TF's order for row-major inputs.
void k_sparse_concat(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "SparseConcat";
  const int64_t n = a.i(0, op);
  if (n < 1 || 3 * n != nin || nout != 3) fail(op, "expects 3 x N inputs and 3 outputs");
  const std::vector<int64_t> first = shape_values(op, in[2 * n], "shapes");
  const int64_t rank = int64_t(first.size());
  int64_t cd = a.i(1, op);
  if (cd < -rank || cd >= rank)
    fail(op, "Concat dimension must be in range [", -rank, ", ", rank, "), got ", cd);
  if (cd < 0) cd += rank;
  std::vector<int64_t> dims = first, offsets(static_cast<size_t>(n), 0);
  dims[size_t(cd)] = 0;
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> s = shape_values(op, in[2 * n + i], "shapes");
    if (int64_t(s.size()) != rank)
      fail(op, "Ranks of all input tensors must match: expected ", rank, " but got ", s.size(),
           " at position ", i);
    for (int64_t d = 0; d < rank; ++d)
      if (d != cd && s[size_t(d)] != first[size_t(d)])
        fail(op, "Input shapes must match: expected ", first[size_t(d)], " for dimension ", d,
             " but got ", s[size_t(d)], " at position ", i);
    offsets[size_t(i)] = dims[size_t(cd)];
    dims[size_t(cd)] += s[size_t(cd)];
    const TensorView &ind = in[i], &val = in[n + i];
    check_dtype(op, ind, DType::kInt64, "indices");
    if (ind.ndim != 2 || ind.shape[1] != rank || val.ndim != 1 || val.shape[0] != ind.shape[0])
      fail(op, "Input ", i, ": indices ", ind.shape_str(), " and values ", val.shape_str(),
           " do not match a SparseTensor of rank ", rank);
    check_same_dtype(op, val, out[1]);
    total = checked_add(op, total, ind.shape[0]);
  }
  if (out[0].ndim != 2 || out[0].shape[0] != total || out[0].shape[1] != rank ||
      out[1].size() != total || out[2].size() != rank)
    fail(op, "outputs ", out[0].shape_str(), ", ", out[1].shape_str(), " should hold ", total,
         " entries of rank ", rank);
  // (input, entry) of each output entry, sorted by its shifted index
  std::vector<std::pair<int64_t, int64_t>> order;
  order.reserve(size_t(total));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < in[i].shape[0]; ++k) order.emplace_back(i, k);
  auto at = [&](const std::pair<int64_t, int64_t>& e, int64_t d) {
    const int64_t v = in[e.first].ptr<int64_t>()[e.second * rank + d];
    return d == cd ? v + offsets[size_t(e.first)] : v;
  };
  std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
    for (int64_t d = 0; d < rank; ++d) {
      const int64_t p = at(x, d), q = at(y, d);
      if (p != q) return p < q;
    }
    return false;
  });
  int64_t* oi = out[0].ptr<int64_t>();
  const int64_t w = dtype_size(out[1].dtype);
  char* ov = static_cast<char*>(out[1].data);
  for (int64_t k = 0; k < total; ++k) {
    const auto& e = order[size_t(k)];
    for (int64_t d = 0; d < rank; ++d) oi[k * rank + d] = at(e, d);
    std::memcpy(ov + k * w, static_cast<const char*>(in[n + e.first].data) + e.second * w,
                size_t(w));
  }
  std::copy(dims.begin(), dims.end(), out[2].ptr<int64_t>());
}

// ---- SparseSlice: the entries inside the box [start, start + size), re-based to start ---------
// in = indices, values, shape, start, size; out = indices, values, shape (the box clipped to the
// input's shape); entries keep their order.
void k_sparse_slice(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseSlice";
  check_count(op, nin, 5, nout, 3);
  const Indices ix(op, in[0], "indices");
  const TensorView& vals = in[1];
  const std::vector<int64_t> shape = shape_values(op, in[2], "shape");
  const std::vector<int64_t> start = shape_values(op, in[3], "start");
  const std::vector<int64_t> size = shape_values(op, in[4], "size");
  const int64_t rank = int64_t(shape.size());
  if (in[0].ndim != 2 || ix.rank != rank || vals.ndim != 1 || vals.shape[0] != ix.n)
    fail(op, "indices ", in[0].shape_str(), " and values ", vals.shape_str(),
         " do not match the shape ", shape_list(shape));
  if (int64_t(start.size()) != rank)
    fail(op, "Expected start to be a vector of length ", rank, " but got length ", start.size());
  if (int64_t(size.size()) != rank)
    fail(op, "Expected size to be a vector of length ", rank, " but got length ", size.size());
  check_same_dtype(op, vals, out[1]);
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < ix.n; ++i) {
    bool inside = true;
    for (int64_t d = 0; d < rank && inside; ++d) {
      const int64_t v = ix.at(i, d);
      inside = v >= start[size_t(d)] && v - start[size_t(d)] < size[size_t(d)];
    }
    if (inside) keep.push_back(i);
  }
  const int64_t m = int64_t(keep.size());
  if (out[0].ndim != 2 || out[0].shape[0] != m || out[0].shape[1] != rank || out[1].size() != m ||
      out[2].size() != rank)
    fail(op, "outputs ", out[0].shape_str(), ", ", out[1].shape_str(), " should hold ", m,
         " entries");
  int64_t* oi = out[0].ptr<int64_t>();
  const int64_t w = dtype_size(vals.dtype);
  for (int64_t k = 0; k < m; ++k) {
    const int64_t i = keep[size_t(k)];
    for (int64_t d = 0; d < rank; ++d) oi[k * rank + d] = ix.at(i, d) - start[size_t(d)];
    std::memcpy(static_cast<char*>(out[1].data) + k * w,
                static_cast<const char*>(vals.data) + i * w, size_t(w));
  }
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t end = std::min(start[size_t(d)] + size[size_t(d)], shape[size_t(d)]);
    out[2].ptr<int64_t>()[d] = std::max<int64_t>(end - start[size_t(d)], 0);
  }
}

}  // namespace

void register_sparse_tensor(Registry& r) {
  r["sparse_to_dense"] = k_sparse_to_dense;
  r["sparse_dense_matmul"] = k_sparse_dense_matmul;
  r["sparse_reorder"] = k_sparse_reorder;
  r["sparse_segment"] = k_sparse_segment;
  r["sparse_dense_add"] = k_sparse_dense_add;
  r["sparse_reduce"] = k_sparse_reduce;
  r["sparse_softmax"] = k_sparse_softmax;
  r["sparse_cross"] = k_sparse_cross;
  r["sparse_add"] = k_sparse_add;
  r["sparse_add_grad"] = k_sparse_add_grad;
  r["sparse_reshape"] = k_sparse_reshape;
  r["sparse_concat"] = k_sparse_concat;
  r["sparse_slice"] = k_sparse_slice;
}

}  // namespace tfl
