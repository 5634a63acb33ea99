// array.cc: transpose, concat, split and strided slicing (with its gradient) on contiguous buffers.
#include <cstring>
#include <vector>

#include "dtypes.h"
#include "kernels.h"

namespace tfl {
namespace {

inline void contiguous_strides(const TensorView& t, int64_t* s) {
  int64_t acc = 1;
  for (int i = t.ndim - 1; i >= 0; --i) {
    s[i] = acc;
    acc *= t.shape[i];
  }
}

// Copies elements: out (contiguous, shape `out`) from `src` at offset base + sum idx[d]*st[d].
// Adjacent dims that are contiguous in `src` too (st[d] == st[d + 1] * out.shape[d + 1]) are
// taken as one, so rows are as long as they can be (an image's pixels and channels: one row).
template <typename T>
void gather_strided(const TensorView& out, const T* src, int64_t base, const int64_t* st, T* dst,
                    bool scatter) {
  const int64_t total = out.size();
  if (total == 0) return;
  if (out.ndim == 0) {
    if (scatter) const_cast<T*>(src)[base] = dst[0];
    else dst[0] = src[base];
    return;
  }
  int64_t shape[kMaxDims], stride[kMaxDims];
  int nd = 0;
  for (int d = 0; d < out.ndim; ++d) {
    if (out.shape[d] == 1) continue;  // (any stride)
    if (nd > 0 && stride[nd - 1] == st[d] * out.shape[d]) {
      shape[nd - 1] *= out.shape[d];
      stride[nd - 1] = st[d];
      continue;
    }
    shape[nd] = out.shape[d];
    stride[nd] = st[d];
    ++nd;
  }
  if (nd == 0) {  // (every dim 1)
    shape[0] = 1;
    stride[0] = 1;
    nd = 1;
  }
  const int64_t n = shape[nd - 1], sl = stride[nd - 1];
  const int64_t rows = total / n;
  parallel_for(rows, std::max<int64_t>(1, kCheapGrain / n), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t off = base, q = r;
      for (int d = nd - 2; d >= 0; --d) {
        off += (q % shape[d]) * stride[d];
        q /= shape[d];
      }
      T* o = dst + r * n;
      if (scatter) {
        T* s = const_cast<T*>(src) + off;
        if (sl == 1) std::memcpy(static_cast<void*>(s), o, size_t(n) * sizeof(T));
        else
          for (int64_t k = 0; k < n; ++k) s[k * sl] = o[k];
      } else {
        const T* s = src + off;
        if (sl == 1) std::memcpy(static_cast<void*>(o), s, size_t(n) * sizeof(T));
        else
          for (int64_t k = 0; k < n; ++k) o[k] = s[k * sl];
      }
    }
  });
}

void k_transpose(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "Transpose";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const TensorView& x = in[0];
  if (a.ints.size() != size_t(x.ndim) || out[0].ndim != x.ndim)
    fail(op, "perm has ", a.ints.size(), " entries for input of rank ", x.ndim);
  int64_t xs[kMaxDims], st[kMaxDims];
  contiguous_strides(x, xs);
  bool seen[kMaxDims] = {false};
  for (int d = 0; d < x.ndim; ++d) {
    const int64_t p = a.ints[d];
    if (p < 0 || p >= x.ndim || seen[p]) fail(op, "perm is not a permutation of 0..", x.ndim - 1);
    seen[p] = true;
    if (out[0].shape[d] != x.shape[p]) fail(op, "output shape ", out[0].shape_str(), " mismatch");
    st[d] = xs[p];
  }
  TFL_BYTES_CASES(x.dtype, op,
                  gather_strided<T>(out[0], x.ptr<T>(), 0, st, out[0].ptr<T>(), false));
}

// Strided slice: out[idx] = x[begin + idx * stride]; ints = begin[nd] ++ strides[nd] ++ sizes[nd]
// (per input dim); the output holds prod(sizes) elements in any shape (dims shrunk or added).
// `begin`, when given, replaces the attributes' begin (Slice's begin known only when it runs).
TensorView slice_geometry(const char* op, const TensorView& x, const TensorView& y, const Attrs& a,
                          int64_t& base, int64_t* st, const int64_t* begin = nullptr) {
  const int nd = x.ndim;
  if (a.ints.size() != size_t(3 * nd))
    fail(op, "expects begin, strides and sizes for ", nd, " dims");
  int64_t xs[kMaxDims];
  contiguous_strides(x, xs);
  TensorView full = y;
  full.ndim = nd;
  base = 0;
  for (int d = 0; d < nd; ++d) {
    const int64_t b = begin ? begin[d] : a.ints[d], s = a.ints[nd + d], n = a.ints[2 * nd + d];
    if (n < 0) fail(op, "negative size in dim ", d);
    if (n > 0) {
      const int64_t last = b + (n - 1) * s;
      if (b < 0 || b >= x.shape[d] || last < 0 || last >= x.shape[d])
        fail(op, "slice out of bounds in dim ", d, " of ", x.shape_str());
    }
    full.shape[d] = n;
    base += b * xs[d];
    st[d] = s * xs[d];
  }
  if (full.size() != y.size())
    fail(op, "output ", y.shape_str(), " does not hold the slice of ", x.shape_str());
  return full;
}

// Slice's begin from in[1] (int32 or int64, one per dim of in[0]), checked in TF's words.
void runtime_begin(const char* op, const TensorView& x, const TensorView& b, const Attrs& a,
                   int64_t* begin) {
  const int nd = x.ndim;
  if (b.ndim != 1 || b.shape[0] != nd)
    fail(op, "Expected begin and size arguments to be 1-D tensors of size ", nd, ", but got shape ",
         b.shape_str(), " for begin");
  if (a.ints.size() != size_t(3 * nd))
    fail(op, "expects begin, strides and sizes for ", nd, " dims");
  for (int d = 0; d < nd; ++d) {
    if (b.dtype == DType::kInt32) begin[d] = b.ptr<int32_t>()[d];
    else if (b.dtype == DType::kInt64) begin[d] = b.ptr<int64_t>()[d];
    else fail(op, "begin must be int32 or int64, got ", dtype_name(b.dtype));
    const int64_t n = a.ints[2 * nd + d];
    if (begin[d] < 0 || begin[d] > x.shape[d])
      fail(op, "Expected begin[", d, "] in [0, ", x.shape[d], "], but got ", begin[d]);
    if (n > x.shape[d] - begin[d])
      fail(op, "Expected size[", d, "] in [0, ", x.shape[d] - begin[d], "], but got ", n);
  }
}

void k_strided_slice(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = nin == 2 ? "Slice" : "StridedSlice";
  if (nin != 2) check_count(op, nin, 1, nout, 1);
  else check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  int64_t base, st[kMaxDims], begin[kMaxDims];
  if (nin == 2) runtime_begin(op, in[0], in[1], a, begin);
  const TensorView full =
      slice_geometry(op, in[0], out[0], a, base, st, nin == 2 ? begin : nullptr);
  TFL_BYTES_CASES(in[0].dtype, op,
                  gather_strided<T>(full, in[0].ptr<T>(), base, st, out[0].ptr<T>(), false));
}

// dx = zeros(x.shape); dx[begin::stride] = dy. in[0] = dy, out[0] = dx.
void k_strided_slice_grad(const TensorView* in, int nin, TensorView* out, int nout,
                          const Attrs& a) {
  const char* op = "StridedSliceGrad";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  int64_t base, st[kMaxDims];
  const TensorView full = slice_geometry(op, out[0], in[0], a, base, st);
  std::memset(out[0].data, 0, size_t(out[0].size() * dtype_size(out[0].dtype)));
  TFL_BYTES_CASES(in[0].dtype, op,
                  gather_strided<T>(full, out[0].ptr<T>(), base, st, in[0].ptr<T>(), true));
}

// Concat / split along `axis`: each piece is a run of shape[axis]*inner elements per outer index.
void concat_split(const char* op, const TensorView* parts, int nparts, const TensorView& whole,
                  int64_t axis, bool split) {
  if (axis < 0) axis += whole.ndim;
  if (axis < 0 || axis >= whole.ndim) fail(op, "axis out of range for rank ", whole.ndim);
  int64_t outer = 1, inner = 1, total_axis = 0;
  for (int d = 0; d < axis; ++d) outer *= whole.shape[d];
  for (int d = axis + 1; d < whole.ndim; ++d) inner *= whole.shape[d];
  for (int i = 0; i < nparts; ++i) {
    const TensorView& p = parts[i];
    check_same_dtype(op, p, whole);
    if (p.ndim != whole.ndim) fail(op, "rank mismatch: ", p.shape_str(), " vs ", whole.shape_str());
    for (int d = 0; d < whole.ndim; ++d)
      if (d != axis && p.shape[d] != whole.shape[d])
        fail(op, "shape mismatch in dim ", d, ": ", p.shape_str(), " vs ", whole.shape_str());
    total_axis += p.shape[axis];
  }
  if (total_axis != whole.shape[axis]) fail(op, "pieces do not add up to ", whole.shape_str());
  const int64_t es = dtype_size(whole.dtype);
  const int64_t row = whole.shape[axis] * inner * es;
  char* w = static_cast<char*>(whole.data);
  parallel_for(outer, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(row / es, 1)),
               [&](int64_t o0, int64_t o1) {
                 for (int64_t o = o0; o < o1; ++o) {
                   int64_t off = o * row;
                   for (int i = 0; i < nparts; ++i) {
                     const int64_t bytes = parts[i].shape[axis] * inner * es;
                     char* p = static_cast<char*>(parts[i].data) + o * bytes;
                     if (bytes) {
                       if (split) std::memcpy(p, w + off, size_t(bytes));
                       else std::memcpy(w + off, p, size_t(bytes));
                     }
                     off += bytes;
                   }
                 }
               });
}

void k_concat(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  if (nin < 1 || nout != 1) fail("ConcatV2", "expects at least one input and one output");
  concat_split("ConcatV2", in, nin, out[0], a.i(0, "ConcatV2"), false);
}

void k_split(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  if (nin != 1 || nout < 1) fail("Split", "expects one input and at least one output");
  concat_split("Split", out, nout, in[0], a.i(0, "Split"), true);
}

// Tile: out = x repeated ints[d] times along dimension d (out.shape[d] = ints[d] * x.shape[d]).
// Copies x's rows into place, then replicates each filled block along its dimension, innermost
// first, with memcpy (any dtype).
void tile_fill(const char* x, char* y, const int64_t* xd, const int64_t* m, const int64_t* xst,
               const int64_t* yst, int d, int nd, int64_t es) {
  if (d == nd - 1) {
    std::memcpy(y, x, size_t(xd[d] * es));
  } else {
    for (int64_t i = 0; i < xd[d]; ++i)
      tile_fill(x + i * xst[d] * es, y + i * yst[d] * es, xd, m, xst, yst, d + 1, nd, es);
  }
  const int64_t block = xd[d] * yst[d] * es;  // one copy of x along d, in bytes
  for (int64_t k = 1; k < m[d]; ++k) std::memcpy(y + k * block, y, size_t(block));
}

void k_tile(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "Tile";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const TensorView& x = in[0];
  const int nd = x.ndim;
  if (a.ints.size() != size_t(nd) || out[0].ndim != nd)
    fail(op, "expects multiples for each of the ", nd, " dimensions of ", x.shape_str());
  for (int d = 0; d < nd; ++d) {
    if (a.ints[d] < 0) fail(op, "Expected multiples[", d, "] >= 0, but got ", a.ints[d]);
    if (out[0].shape[d] != a.ints[d] * x.shape[d])
      fail(op, "output shape ", out[0].shape_str(), " mismatch");
  }
  if (out[0].size() == 0) return;
  if (nd == 0) {
    std::memcpy(out[0].data, x.data, size_t(dtype_size(x.dtype)));
    return;
  }
  int64_t xst[kMaxDims], yst[kMaxDims];
  contiguous_strides(x, xst);
  contiguous_strides(out[0], yst);
  tile_fill(static_cast<const char*>(x.data), static_cast<char*>(out[0].data), x.shape,
            a.ints.data(), xst, yst, 0, nd, dtype_size(x.dtype));
}

// InvertPermutation: y[x[i]] = i for a permutation x of 0..n-1 (int32 or int64).
template <typename T> void invert_permutation(const TensorView& x, const TensorView& y) {
  const int64_t n = x.size();
  const T* p = x.ptr<T>();
  T* q = y.ptr<T>();
  std::vector<bool> seen(size_t(n), false);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = p[i];
    if (v < 0 || v >= n) fail("InvertPermutation", v, " is not between 0 and ", n);
    if (seen[size_t(v)]) fail("InvertPermutation", v, " is duplicated in the input.");
    seen[size_t(v)] = true;
    q[v] = T(i);
  }
}

void k_invert_permutation(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "InvertPermutation";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  if (in[0].ndim != 1 || !same_shape(in[0], out[0]))
    fail(op, "invert_permutation expects a 1D vector, got ", in[0].shape_str());
  if (in[0].dtype == DType::kInt32) invert_permutation<int32_t>(in[0], out[0]);
  else if (in[0].dtype == DType::kInt64) invert_permutation<int64_t>(in[0], out[0]);
  else fail(op, "expects int32 or int64");
}

// out[i] = in[i] for every i (TF's IdentityN: several tensors of any dtypes through one op).
void k_identity_n(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "IdentityN";
  if (nin != nout) fail(op, "expects as many outputs as inputs, got ", nin, " and ", nout);
  for (int i = 0; i < nin; ++i) {
    check_same_dtype(op, in[i], out[i]);
    check_same_shape(op, in[i], out[i]);
    const int64_t bytes = in[i].size() * dtype_size(in[i].dtype);
    if (bytes && in[i].data != out[i].data) std::memcpy(out[i].data, in[i].data, size_t(bytes));
  }
}

}  // namespace

void register_array(Registry& r) {
  r["identity_n"] = k_identity_n;
  r["transpose"] = k_transpose;
  r["strided_slice"] = k_strided_slice;
  r["strided_slice_grad"] = k_strided_slice_grad;
  r["concat"] = k_concat;
  r["split"] = k_split;
  r["tile"] = k_tile;
  r["invert_permutation"] = k_invert_permutation;
}

}  // namespace tfl
