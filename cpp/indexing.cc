// indexing.cc: select (np.where), gather, unsorted_segment_sum, pad (constant) and range.
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "broadcast.h"
#include "dtypes.h"
#include "kernels.h"

namespace tfl {
namespace {

// Index value k of an int32/int64 index tensor.
// out = np.where(cond, x, y) with broadcasting of all three to out's shape.
void k_select(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Select";
  check_count(op, nin, 3, nout, 1);
  check_dtype(op, in[0], DType::kBool, "condition");
  check_same_dtype(op, in[1], in[2]);
  check_same_dtype(op, in[1], out[0]);
  const TensorView& o = out[0];
  int64_t sc[kMaxDims], sx[kMaxDims], sy[kMaxDims];
  broadcast_strides(op, in[0], o, sc);
  broadcast_strides(op, in[1], o, sx);
  broadcast_strides(op, in[2], o, sy);
  const int64_t n = o.size();
  const int nd = o.ndim;
  const bool* c = in[0].ptr<bool>();
  TFL_BYTES_CASES(o.dtype, op, {
    const T* x = in[1].ptr<T>();
    const T* y = in[2].ptr<T>();
    T* r = o.ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        int64_t q = k, oc = 0, ox = 0, oy = 0;
        for (int d = nd - 1; d >= 0; --d) {
          const int64_t i = q % o.shape[d];
          q /= o.shape[d];
          oc += i * sc[d];
          ox += i * sx[d];
          oy += i * sy[d];
        }
        r[k] = c[oc] ? x[ox] : y[oy];
      }
    });
  });
}

// out[o, i..., in] = params[o, ids[i...], in] along ints[0] = axis. Every id is checked first.
void k_gather(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "GatherV2";
  check_count(op, nin, 2, nout, 1);
  const TensorView &params = in[0], &ids = in[1];
  check_index_dtype(op, ids, "indices");
  check_same_dtype(op, params, out[0]);
  const int64_t axis = a.i(0, op);
  if (axis < 0 || axis >= params.ndim)
    fail(op, "axis ", axis, " out of range for ", params.shape_str());
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= params.shape[d];
  for (int d = int(axis) + 1; d < params.ndim; ++d) inner *= params.shape[d];
  const int64_t limit = params.shape[axis], nids = ids.size();
  if (out[0].size() != outer * nids * inner)
    fail(op, "output ", out[0].shape_str(), " does not match params ", params.shape_str(),
         " and indices ", ids.shape_str());
  std::vector<int64_t> at(static_cast<size_t>(nids), 0);
  for (int64_t k = 0; k < nids; ++k) {
    const int64_t v = index_at(ids, k);
    if (v < 0 || v >= limit) fail(op, "indices[", k, "] = ", v, " is not in [0, ", limit, ")");
    at[size_t(k)] = v;
  }
  const int64_t isz = dtype_size(params.dtype), row = inner * isz;
  const char* src = static_cast<const char*>(params.data);
  char* dst = static_cast<char*>(out[0].data);
  parallel_for(outer * nids, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(inner, 1)),
               [&](int64_t b, int64_t e) {
                 int64_t o = b / nids, k = b % nids;
                 for (int64_t r = b; r < e; ++r) {
                   const char* from = src + (o * limit + at[size_t(k)]) * row;
                   char* to = dst + r * row;
                   if (row <= 16) {  // (a pixel: a call to memcpy costs more than the copy)
                     for (int64_t c = 0; c < row; ++c) to[c] = from[c];
                   } else {
                     std::memcpy(to, from, size_t(row));
                   }
                   if (++k == nids) {
                     k = 0;
                     ++o;
                   }
                 }
               });
}

// out[s, ...] = sum of data[i..., ...] over ids[i...] == s; out's first dim is num_segments.
// As TF, negative ids drop their rows; an id >= num_segments is an error naming it.
void k_unsorted_segment_sum(const TensorView* in, int nin, TensorView* out, int nout,
                            const Attrs&) {
  const char* op = "UnsortedSegmentSum";
  const SegmentShape g = check_segments(op, in, nin, out, nout);
  const int64_t nseg = g.nseg, n = g.n, inner = g.inner;
  const TensorView &data = in[0], &ids = in[1];
  for (int64_t k = 0; k < n; ++k) {
    const int64_t v = index_at(ids, k);
    if (v >= nseg) {  // TF's message: the id's position as a multi-index, "[i,j]"
      std::string at;
      int64_t rest = k;
      std::string parts[kMaxDims];
      for (int d = ids.ndim - 1; d >= 0; --d) {
        parts[d] = std::to_string(rest % ids.shape[d]);
        rest /= ids.shape[d];
      }
      for (int d = 0; d < ids.ndim; ++d) at += (d ? "," : "") + parts[d];
      fail(op, "segment_ids[", at, "] = ", v, " is out of range [0, ", nseg, ")");
    }
  }
  TFL_NUMERIC_CASES(data.dtype, op, {
    const T* x = data.ptr<T>();
    T* r = out[0].ptr<T>();
    std::fill(r, r + nseg * inner, T(0));
    // in id order, so sums do not depend on the thread count; columns split across threads
    parallel_for(inner, kCheapGrain, [&](int64_t c0, int64_t c1) {
      for (int64_t k = 0; k < n; ++k) {
        const int64_t v = index_at(ids, k);
        if (v < 0) continue;  // dropped, as TF
        T* dst = r + v * inner;
        const T* src = x + k * inner;
        for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
      }
    });
  });
}

// Constant padding: ints = [before_0, after_0, ...], floats = [value].
// PadV2's constant as element type T (a complex constant: its real and imaginary parts).
template <typename T>
T fill_value(double value, double imag) {
  if constexpr (is_complex_v<T>) return T(value, imag);
  else return from_double<T>(value);
}

void k_pad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "Pad";
  check_count(op, nin, 1, nout, 1);
  const TensorView &x = in[0], &o = out[0];
  check_same_dtype(op, x, o);
  if (int64_t(a.ints.size()) != 2 * int64_t(x.ndim) || o.ndim != x.ndim)
    fail(op, "paddings must have shape [", x.ndim, ", 2]");
  for (int d = 0; d < x.ndim; ++d) {
    if (a.ints[2 * d] < 0 || a.ints[2 * d + 1] < 0) fail(op, "paddings must be non-negative");
    if (o.shape[d] != x.shape[d] + a.ints[2 * d] + a.ints[2 * d + 1])
      fail(op, "output ", o.shape_str(), " does not match input ", x.shape_str(), " + paddings");
  }
  const double value = a.floats.empty() ? 0.0 : a.floats[0];
  const double imag = a.floats.size() > 1 ? a.floats[1] : 0.0;  // a complex constant's
  // dims after the last padded one are copied with it: rows of x.shape[t] * inner elements
  int t = x.ndim - 1;
  while (t > 0 && a.ints[2 * t] == 0 && a.ints[2 * t + 1] == 0) --t;
  int64_t inner = 1;
  for (int d = t + 1; d < x.ndim; ++d) inner *= x.shape[d];
  const int nd = x.ndim ? t + 1 : 0;
  int64_t xs[kMaxDims], os[kMaxDims], before[kMaxDims];
  for (int d = 0; d < nd; ++d) {
    const int64_t w = d == t ? inner : 1;
    xs[d] = x.shape[d] * w;
    os[d] = o.shape[d] * w;
    before[d] = a.ints[2 * d] * w;
  }
  TFL_EVERY_CASES(x.dtype, op, {
    T* r = o.ptr<T>();
    const T* src = x.ptr<T>();
    const T fillv = fill_value<T>(value, imag);
    std::fill(r, r + o.size(), fillv);
    const int64_t n = x.size();
    if (n == 0) return;
    const int64_t last = nd ? xs[nd - 1] : 1;
    parallel_for(n / last, std::max<int64_t>(1, kCheapGrain / last), [&](int64_t b, int64_t e) {
      for (int64_t row = b; row < e; ++row) {
        int64_t q = row, off = nd ? before[nd - 1] : 0, mult = nd ? os[nd - 1] : 1;
        for (int d = nd - 2; d >= 0; --d) {
          off += (q % xs[d] + before[d]) * mult;
          q /= xs[d];
          mult *= os[d];
        }
        std::copy(src + row * last, src + (row + 1) * last, r + off);
      }
    });
  });
}

// out[i] = start + i * delta (out's length was computed from the values when the plan was built).
void k_range(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Range";
  check_count(op, nin, 3, nout, 1);
  for (int i = 0; i < 3; ++i) {
    check_same_dtype(op, in[i], out[0]);
    if (in[i].size() != 1) fail(op, "start, limit and delta must be scalars");
  }
  TFL_NUMERIC_CASES(out[0].dtype, op, {
    const T start = in[0].ptr<T>()[0], limit = in[1].ptr<T>()[0], delta = in[2].ptr<T>()[0];
    if (delta == T(0)) fail(op, "Requires delta != 0: ", double(delta));
    if ((delta > 0 && start > limit) || (delta < 0 && start < limit))
      fail(op, "Requires start <= limit when delta > 0 (start >= limit when delta < 0): ",
           double(start), "/", double(limit));
    // counted in T, as TensorFlow does (float32 ranges in float32)
    int64_t count;
    T* r = out[0].ptr<T>();
    if constexpr (std::is_integral_v<T>) {
      // in uint64_t, modulo 2^64: limit - start and -delta overflow T at its extremes, and so can
      // i * delta; start + i * delta itself lies between start and limit, so it fits T
      const uint64_t span = uint64_t(int64_t(limit)) - uint64_t(int64_t(start)),
                     step = uint64_t(int64_t(delta));
      const uint64_t len = delta > 0 ? span : 0 - span, by = delta > 0 ? step : 0 - step;
      const uint64_t n = len / by + (len % by != 0);
      if (n > uint64_t(out[0].size()))
        fail(op, "output has ", out[0].size(), " elements, need ", n);
      count = int64_t(n);
      if (out[0].size() != count) fail(op, "output has ", out[0].size(), " elements, need ", count);
      for (int64_t i = 0; i < count; ++i)
        r[i] = T(int64_t(uint64_t(int64_t(start)) + uint64_t(i) * step));
    } else {
      const T n = std::ceil(std::fabs((limit - start) / delta));
      if (!(n < T(9.2e18)))  // inf or NaN: no output can hold it (and int64_t(n) is undefined)
        fail(op, "Requires the number of elements to fit int64: ", double(start), "/",
             double(limit), "/", double(delta));
      count = int64_t(n);
      if (out[0].size() != count) fail(op, "output has ", out[0].size(), " elements, need ", count);
      for (int64_t i = 0; i < count; ++i) r[i] = T(start + T(i) * delta);
    }
  });
}

}  // namespace

void register_indexing(Registry& r) {
  r["select"] = k_select;
  r["gather"] = k_gather;
  r["unsorted_segment_sum"] = k_unsorted_segment_sum;
  r["pad"] = k_pad;
  r["range"] = k_range;
}

}  // namespace tfl
