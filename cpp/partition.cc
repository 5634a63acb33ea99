// partition.cc: kernels whose output sizes depend on their inputs' values (the plan is compiled
// for those values, counted by the ops' shape functions): where (the coordinates of true
// elements), unique, unique_with_counts, list_diff, dynamic_partition and dynamic_stitch.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dtypes.h"
#include "kernels.h"

namespace tfl {
namespace {

// Element k of an index output (int32 or int64) set to v.
inline void set_index(TensorView& t, int64_t k, int64_t v) {
  if (t.dtype == DType::kInt32) t.ptr<int32_t>()[k] = int32_t(v);
  else t.ptr<int64_t>()[k] = v;
}

// A hash for values of T that treats -0.0 and 0.0 alike (they compare equal), as TF's maps.
template <typename T>
struct ValueHash {
  size_t operator()(T v) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (v == T(0)) return 0;
    }
    return std::hash<T>()(v);
  }
};

// Whether x is not zero (complex: either part; 16-bit floats: their value, so -0 is zero).
template <typename T>
bool nonzero(T x) {
  if constexpr (is_half_v<T>) {
    return to_f32(x) != 0.0f;
  } else {
    return x != T(0);
  }
}

// out = np.argwhere(x) (int64 [count, rank]): the coordinates of the true (nonzero) elements in
// row-major order.
void k_where(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Where";
  check_count(op, nin, 1, nout, 1);
  const TensorView& x = in[0];
  check_dtype(op, out[0], DType::kInt64, "output");
  const int nd = x.ndim;
  int64_t* r = out[0].ptr<int64_t>();
  int64_t count = 0;
  const int64_t n = x.size(), want = nd ? out[0].size() / nd : out[0].shape[0];
  TFL_EVERY_CASES(x.dtype, op, {
    const T* v = x.ptr<T>();
    for (int64_t k = 0; k < n; ++k) {
      if (!nonzero(v[k])) continue;
      if (count >= want) fail(op, "more true elements than the output holds (", want, ")");
      int64_t q = k;
      for (int d = nd - 1; d >= 0; --d) {
        r[count * nd + d] = q % x.shape[d];
        q /= x.shape[d];
      }
      ++count;
    }
  });
  if (count != want) fail(op, "the output holds ", want, " coordinates, found ", count);
}

// y = the distinct values of the 1-D x in order of first appearance, idx[i] = where x[i] is in
// y, and (with a third output) count[j] = how often y[j] occurs.
void k_unique(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = nout == 3 ? "UniqueWithCounts" : "Unique";
  if (nin != 1 || (nout != 2 && nout != 3))
    fail(op, "expects 1 input and 2 or 3 outputs, got ", nin, " and ", nout);
  const TensorView& x = in[0];
  if (x.ndim != 1) fail(op, "unique expects a 1D vector.");
  check_same_dtype(op, x, out[0]);
  check_index_dtype(op, out[1], "idx");
  if (nout == 3) check_index_dtype(op, out[2], "count");
  const int64_t n = x.size();
  if (out[1].size() != n) fail(op, "idx must have ", n, " elements");
  TFL_ALL_CASES(x.dtype, op, {
    const T* v = x.ptr<T>();
    std::unordered_map<T, int64_t, ValueHash<T>> seen;
    std::vector<int64_t> counts;
    T* y = out[0].ptr<T>();
    const int64_t cap = out[0].size();
    for (int64_t i = 0; i < n; ++i) {
      auto it = seen.find(v[i]);
      int64_t j;
      if (it == seen.end()) {
        j = int64_t(counts.size());
        if (j >= cap) fail(op, "more distinct values than the output holds (", cap, ")");
        if (v[i] == v[i]) seen.emplace(v[i], j);  // NaN never equals itself: each is distinct
        y[j] = v[i];
        counts.push_back(0);
      } else {
        j = it->second;
      }
      ++counts[size_t(j)];
      set_index(out[1], i, j);
    }
    if (int64_t(counts.size()) != cap)
      fail(op, "the output holds ", cap, " values, found ", counts.size());
    if (nout == 3) {
      if (out[2].size() != cap) fail(op, "count must have ", cap, " elements");
      for (int64_t j = 0; j < cap; ++j) set_index(out[2], j, counts[size_t(j)]);
    }
  });
}

// out = the values of x not in y (order and repeats kept), idx = their positions in x.
void k_list_diff(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ListDiff";
  check_count(op, nin, 2, nout, 2);
  const TensorView &x = in[0], &y = in[1];
  if (x.ndim != 1) fail(op, "x should be a 1D vector.");
  if (y.ndim != 1) fail(op, "y should be a 1D vector.");
  check_same_dtype(op, x, y);
  check_same_dtype(op, x, out[0]);
  check_index_dtype(op, out[1], "idx");
  const int64_t cap = out[0].size();
  if (out[1].size() != cap) fail(op, "out and idx must have one size");
  TFL_ALL_CASES(x.dtype, op, {
    const T* xv = x.ptr<T>();
    const T* yv = y.ptr<T>();
    std::unordered_set<T, ValueHash<T>> drop(yv, yv + y.size());
    T* r = out[0].ptr<T>();
    int64_t k = 0;
    for (int64_t i = 0; i < x.size(); ++i) {
      if (drop.count(xv[i])) continue;
      if (k >= cap) fail(op, "more kept values than the output holds (", cap, ")");
      r[k] = xv[i];
      set_index(out[1], k, i);
      ++k;
    }
    if (k != cap) fail(op, "the output holds ", cap, " values, found ", k);
  });
}

// out[p] = the rows data[i...] (rows: the prefix of data's shape that partitions has) with
// partitions[i...] == p, in order; nout = num_partitions.
void k_dynamic_partition(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "DynamicPartition";
  if (nin != 2) fail(op, "expects 2 inputs, got ", nin);
  const TensorView &data = in[0], &parts = in[1];
  check_dtype(op, parts, DType::kInt32, "partitions");
  if (parts.ndim > data.ndim) fail(op, "partitions must be a prefix of data's shape");
  for (int d = 0; d < parts.ndim; ++d)
    if (parts.shape[d] != data.shape[d])
      fail(op, "data.shape must start with partitions.shape, got data.shape = ", data.shape_str(),
           ", partitions.shape = ", parts.shape_str());
  const int64_t n = parts.size();
  int64_t row = 1;
  for (int d = parts.ndim; d < data.ndim; ++d) row *= data.shape[d];
  const int32_t* p = parts.ptr<int32_t>();
  for (int64_t i = 0; i < n; ++i)
    if (p[i] < 0 || p[i] >= nout)
      fail(op, "partitions[", i, "] = ", p[i], " is not in [0, ", nout, ")");
  std::vector<int64_t> filled(size_t(nout), 0);
  const int64_t isz = dtype_size(data.dtype), bytes = row * isz;
  for (int o = 0; o < nout; ++o) check_same_dtype(op, data, out[o]);
  const char* src = static_cast<const char*>(data.data);
  for (int64_t i = 0; i < n; ++i) {
    TensorView& o = out[p[i]];
    int64_t& k = filled[size_t(p[i])];
    if ((k + 1) * row > o.size()) fail(op, "output ", p[i], " is too small");
    std::memcpy(static_cast<char*>(o.data) + k * bytes, src + i * bytes, size_t(bytes));
    ++k;
  }
  for (int o = 0; o < nout; ++o)
    if (filled[size_t(o)] * row != out[o].size()) fail(op, "output ", o, " has the wrong size");
}

// merged[indices[m][i...], ...] = data[m][i..., ...] for m in order (a later one wins); in =
// [indices_0..n-1, data_0..n-1]. Rows no index names are zero.
void k_dynamic_stitch(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "DynamicStitch";
  if (nin < 2 || nin % 2 || nout != 1) fail(op, "expects 2n inputs and 1 output");
  const int n = nin / 2;
  TensorView& o = out[0];
  if (o.ndim < 1) fail(op, "output must have rank >= 1");
  const int64_t first = o.shape[0], row = first ? o.size() / first : 0;
  const int64_t isz = dtype_size(o.dtype), bytes = row * isz;
  for (int m = 0; m < n; ++m) {
    const TensorView &ids = in[m], &d = in[n + m];
    check_dtype(op, ids, DType::kInt32, "indices");
    check_same_dtype(op, d, o);
    if (d.size() != ids.size() * row)
      fail(op, "data[", m, "] ", d.shape_str(), " must have shape indices[", m, "] ",
           ids.shape_str(), " + the output's ", o.shape_str(), " row");
    for (int64_t i = 0; i < ids.size(); ++i) {
      const int64_t v = ids.ptr<int32_t>()[i];
      if (v < 0 || v >= first)
        fail(op, "indices[", m, "][", i, "] = ", v, " is not in [0, ", first, ")");
    }
  }
  std::memset(o.data, 0, checked_bytes(op, o.size(), isz));
  char* dst = static_cast<char*>(o.data);
  for (int m = 0; m < n; ++m) {
    const char* src = static_cast<const char*>(in[n + m].data);
    const int32_t* ids = in[m].ptr<int32_t>();
    for (int64_t i = 0; i < in[m].size(); ++i)
      std::memcpy(dst + ids[i] * bytes, src + i * bytes, size_t(bytes));
  }
}

}  // namespace

void register_partition(Registry& r) {
  r["where"] = k_where;
  r["unique"] = k_unique;
  r["list_diff"] = k_list_diff;
  r["dynamic_partition"] = k_dynamic_partition;
  r["dynamic_stitch"] = k_dynamic_stitch;
}

}  // namespace tfl
