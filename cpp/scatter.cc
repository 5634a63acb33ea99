// scatter.cc: gather_nd, scatter_nd, tensor_scatter (update/add/sub/max/min) and the in-place
// scatter updates of variables (ScatterUpdate/Add/Sub/Mul/Div/Max/Min, ScatterNdUpdate/Add/Sub).
#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels.h"

namespace tfl {
namespace {

// How an update combines with the value it lands on (ints[0] of the scatter kernels).
enum Mode : int64_t { kUpdate = 0, kAdd = 1, kSub = 2, kMax = 3, kMin = 4, kMul = 5, kDiv = 6 };

// The geometry of an nd index: indices [..., depth] index the first depth dims of a tensor of
// shape `shape`; each index names a slice of `slice` elements; `rows` indices in all.
struct NdIndex {
  int64_t rows, depth, slice;
  int64_t strides[kMaxDims];  // element strides of the indexed dims
};

NdIndex nd_index(const char* op, const TensorView& indices, const int64_t* shape, int ndim) {
  check_index_dtype(op, indices, "indices");
  if (indices.ndim < 1) fail(op, "indices must be at least 1-D, got ", indices.shape_str());
  NdIndex g{};
  g.depth = indices.shape[indices.ndim - 1];
  if (g.depth > ndim)
    fail(op, "index innermost dimension length must be <= params rank; saw: ", g.depth, " vs. ",
         ndim);
  g.rows = 1;
  for (int d = 0; d < indices.ndim - 1; ++d) g.rows *= indices.shape[d];
  g.slice = 1;
  for (int d = int(g.depth); d < ndim; ++d) g.slice *= shape[d];
  int64_t s = g.slice;
  for (int d = int(g.depth) - 1; d >= 0; --d) {
    g.strides[d] = s;
    s *= shape[d];
  }
  return g;
}

std::string dims_str(const int64_t* shape, int ndim) {
  std::string s = "[";
  for (int d = 0; d < ndim; ++d) s += (d ? "," : "") + std::to_string(shape[d]);
  return s + "]";
}

// The element offset of index row r, or -1 (after naming it in `bad`) when out of range.
int64_t nd_offset(const TensorView& indices, const NdIndex& g, int64_t r, const int64_t* shape) {
  int64_t off = 0;
  for (int64_t j = 0; j < g.depth; ++j) {
    const int64_t v = index_at(indices, r * g.depth + j);
    if (v < 0 || v >= shape[j]) return -1;
    off += v * g.strides[j];
  }
  return off;
}

// TF's message for a bad index row: "indices[i,j] = [a, b] does not index into <what> [..]".
[[noreturn]] void bad_index(const char* op, const TensorView& indices, const NdIndex& g, int64_t r,
                            const char* what, const int64_t* shape, int ndim) {
  std::string at, val;
  int64_t rest = r;
  std::string parts[kMaxDims];
  for (int d = indices.ndim - 2; d >= 0; --d) {
    parts[d] = std::to_string(rest % indices.shape[d]);
    rest /= indices.shape[d];
  }
  for (int d = 0; d < indices.ndim - 1; ++d) at += (d ? "," : "") + parts[d];
  for (int64_t j = 0; j < g.depth; ++j)
    val += (j ? ", " : "") + std::to_string(index_at(indices, r * g.depth + j));
  fail(op, "indices[", at, "] = [", val, "] does not index into ", what, " ",
       dims_str(shape, ndim));
}

// out[i..., :] = params[indices[i..., :], ...]: slices of params at nd indices.
void k_gather_nd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "GatherNd";
  check_count(op, nin, 2, nout, 1);
  const TensorView &params = in[0], &indices = in[1];
  check_same_dtype(op, params, out[0]);
  const NdIndex g = nd_index(op, indices, params.shape, params.ndim);
  if (out[0].size() != g.rows * g.slice)
    fail(op, "output ", out[0].shape_str(), " does not match params ", params.shape_str(),
         " and indices ", indices.shape_str());
  std::vector<int64_t> offs(size_t(g.rows));
  for (int64_t r = 0; r < g.rows; ++r) {
    offs[size_t(r)] = nd_offset(indices, g, r, params.shape);
    if (offs[size_t(r)] < 0) bad_index(op, indices, g, r, "param shape", params.shape, params.ndim);
  }
  const int64_t isz = dtype_size(params.dtype), row = g.slice * isz;
  const char* src = static_cast<const char*>(params.data);
  char* dst = static_cast<char*>(out[0].data);
  parallel_for(g.rows, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(g.slice, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t r = b; r < e; ++r)
                   std::memcpy(dst + r * row, src + offs[size_t(r)] * isz, size_t(row));
               });
}

template <typename T>
inline void combine(const char* op, T& dst, T v, int64_t mode) {
  switch (mode) {
    case kUpdate: dst = v; break;
    case kAdd: dst = T(dst + v); break;
    case kSub: dst = T(dst - v); break;
    case kMax: dst = v > dst ? v : dst; break;
    case kMin: dst = v < dst ? v : dst; break;
    case kMul: dst = T(dst * v); break;
    case kDiv:
      if constexpr (std::is_integral_v<T>) {
        if (v == T(-1)) {  // wraps at the minimum, as two's complement negation
          dst = T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(dst));
          break;
        }
      }
      dst = T(dst / v);
      break;
    default: fail(op, "unknown scatter mode ", mode);
  }
}

// Applies updates to out (the tensor being scattered into, of shape `shape`) at the nd indices,
// in index order (so duplicates combine deterministically; for update, the last one wins).
// `updates` holds rows x slice elements, or one scalar broadcast to every slice (scalar_updates).
void scatter_into(const char* op, const TensorView& indices, const NdIndex& g,
                  const TensorView& updates, bool scalar_updates, TensorView& target, int64_t mode,
                  const char* what) {
  std::vector<int64_t> offs(size_t(g.rows));
  for (int64_t r = 0; r < g.rows; ++r) {
    offs[size_t(r)] = nd_offset(indices, g, r, target.shape);
    if (offs[size_t(r)] < 0) bad_index(op, indices, g, r, what, target.shape, target.ndim);
  }
  TFL_NUMERIC_CASES(target.dtype, op, {
    T* t = target.ptr<T>();
    const T* u = updates.ptr<T>();
    const int64_t slice = g.slice;
    if constexpr (std::is_integral_v<T>) {  // checked before anything is written
      if (mode == kDiv) {
        const int64_t nu = scalar_updates ? 1 : g.rows * slice;
        for (int64_t k = 0; k < nu; ++k)
          if (u[k] == T(0)) fail(op, "division by zero");
      }
    }
    // columns split across threads, rows in order: no two threads touch one element
    parallel_for(slice, kCheapGrain, [&](int64_t c0, int64_t c1) {
      for (int64_t r = 0; r < g.rows; ++r) {
        T* dst = t + offs[size_t(r)];
        if (scalar_updates) {
          for (int64_t c = c0; c < c1; ++c) combine(op, dst[c], u[0], mode);
        } else {
          const T* src = u + r * slice;
          for (int64_t c = c0; c < c1; ++c) combine(op, dst[c], src[c], mode);
        }
      }
    });
  });
}

void check_updates(const char* op, const TensorView& updates, const NdIndex& g) {
  if (updates.size() != g.rows * g.slice)
    fail(op, "updates ", updates.shape_str(), " must have ", g.rows * g.slice,
         " elements (indices.shape[:-1] + shape[index_depth:])");
}

// out = zeros(out.shape); out[indices] += updates (ScatterNd: duplicates are summed).
// As TF: updates need indices (index depth 0 included: no index elements) and a non-empty target.
void check_not_empty(const char* op, const TensorView& indices, const TensorView& updates,
                     const TensorView& target) {
  const bool some = indices.size() > 0 || updates.size() > 0;
  if ((target.size() == 0 && some) || (indices.size() == 0 && updates.size() > 0))
    fail(op, "Indices and updates specified for empty output shape");
}

void k_scatter_nd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ScatterNd";
  check_count(op, nin, 2, nout, 1);
  const TensorView &indices = in[0], &updates = in[1];
  check_same_dtype(op, updates, out[0]);
  check_not_empty(op, indices, updates, out[0]);
  const NdIndex g = nd_index(op, indices, out[0].shape, out[0].ndim);
  check_updates(op, updates, g);
  if (out[0].dtype == DType::kBool) fail(op, "unsupported dtype bool");
  std::memset(out[0].data, 0, checked_bytes(op, out[0].size(), dtype_size(out[0].dtype)));
  scatter_into(op, indices, g, updates, false, out[0], kAdd, "shape");
}

const char* tensor_scatter_name(int64_t mode) {
  switch (mode) {
    case kUpdate: return "TensorScatterUpdate";
    case kAdd: return "TensorScatterAdd";
    case kSub: return "TensorScatterSub";
    case kMax: return "TensorScatterMax";
    case kMin: return "TensorScatterMin";
    default: return "TensorScatter";
  }
}

// out = tensor; out[indices] (op)= updates; ints = [mode].
void k_tensor_scatter(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const int64_t mode = a.i(0, "TensorScatter");
  const char* op = tensor_scatter_name(mode);
  check_count(op, nin, 3, nout, 1);
  const TensorView &tensor = in[0], &indices = in[1], &updates = in[2];
  check_same_dtype(op, tensor, out[0]);
  check_same_dtype(op, tensor, updates);
  check_same_shape(op, tensor, out[0]);
  check_not_empty(op, indices, updates, tensor);
  const NdIndex g = nd_index(op, indices, tensor.shape, tensor.ndim);
  check_updates(op, updates, g);
  std::memcpy(out[0].data, tensor.data, checked_bytes(op, tensor.size(), dtype_size(tensor.dtype)));
  if (mode == kUpdate && tensor.dtype == DType::kBool) {  // data movement only
    std::vector<int64_t> offs(size_t(g.rows));
    for (int64_t r = 0; r < g.rows; ++r) {
      offs[size_t(r)] = nd_offset(indices, g, r, tensor.shape);
      if (offs[size_t(r)] < 0) bad_index(op, indices, g, r, "shape", tensor.shape, tensor.ndim);
    }
    bool* t = out[0].ptr<bool>();
    for (int64_t r = 0; r < g.rows; ++r)
      std::memcpy(t + offs[size_t(r)], updates.ptr<bool>() + r * g.slice, size_t(g.slice));
    return;
  }
  scatter_into(op, indices, g, updates, false, out[0], mode, "shape");
}

const char* scatter_ref_name(int64_t mode, bool nd) {
  static const char* names[] = {"ScatterUpdate", "ScatterAdd", "ScatterSub", "ScatterMax",
                                "ScatterMin",    "ScatterMul", "ScatterDiv"};
  static const char* nd_names[] = {"ScatterNdUpdate", "ScatterNdAdd", "ScatterNdSub",
                                   "ScatterNdMax",    "ScatterNdMin", "ScatterNdMul",
                                   "ScatterNdDiv"};
  if (mode < 0 || mode > 6) return "Scatter";
  return nd ? nd_names[mode] : names[mode];
}

// In place on out[0] (a variable): ints = [mode, nd]. nd = 0: TF's Scatter* (indices of any
// shape index the first dimension; updates indices.shape + ref.shape[1:], or a scalar);
// nd = 1: TF's ScatterNd* (indices [..., depth], updates indices.shape[:-1] + shape[depth:]).
void k_scatter_ref(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const int64_t mode = a.i(0, "Scatter");
  const bool nd = a.i(1, "Scatter") != 0;
  const char* op = scatter_ref_name(mode, nd);
  check_count(op, nin, 2, nout, 1);
  const TensorView &indices = in[0], &updates = in[1];
  TensorView& ref = out[0];
  check_same_dtype(op, ref, updates);
  check_index_dtype(op, indices, "indices");
  if (nd) {
    const NdIndex g = nd_index(op, indices, ref.shape, ref.ndim);
    check_updates(op, updates, g);
    scatter_into(op, indices, g, updates, false, ref, mode, "shape");
    return;
  }
  if (ref.ndim < 1) fail(op, "params must be at least 1-D, got ", ref.shape_str());
  // as nd indices of depth 1: the ids, with their own checks and TF's message for this op
  NdIndex g{};
  g.rows = indices.size();
  g.depth = 1;
  g.slice = 1;
  for (int d = 1; d < ref.ndim; ++d) g.slice *= ref.shape[d];
  g.strides[0] = g.slice;
  const bool scalar = updates.ndim == 0;
  if (!scalar && updates.size() != g.rows * g.slice)
    fail(op, "updates ", updates.shape_str(), " must be a scalar or have shape indices.shape + ",
         "params.shape[1:], with params ", ref.shape_str(), " and indices ", indices.shape_str());
  const int64_t limit = ref.shape[0];
  for (int64_t k = 0; k < g.rows; ++k) {
    const int64_t v = index_at(indices, k);
    if (v < 0 || v >= limit) fail(op, "indices[", k, "] = ", v, " is not in [0, ", limit, ")");
  }
  if (ref.dtype == DType::kBool) fail(op, "unsupported dtype bool");
  // the nd machinery wants indices of shape [rows, 1]: view them so
  TensorView ids = indices;
  ids.ndim = 2;
  ids.shape[0] = g.rows;
  ids.shape[1] = 1;
  scatter_into(op, ids, g, updates, scalar, ref, mode, "shape");
}

}  // namespace

void register_scatter(Registry& r) {
  r["gather_nd"] = k_gather_nd;
  r["scatter_nd"] = k_scatter_nd;
  r["tensor_scatter"] = k_tensor_scatter;
  r["scatter_ref"] = k_scatter_ref;
}

}  // namespace tfl
