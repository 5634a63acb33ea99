// broadcast.h: NumPy broadcasting as element strides over the output's dimensions, with adjacent
// dimensions merged where both inputs allow it. Loops then run over rows of the last dimension.
#pragma once

#include <algorithm>

#include "tensor.h"

namespace tfl {

struct Strided {
  int nd = 0;
  int64_t shape[kMaxDims];
  int64_t sa[kMaxDims];  // element strides of input a (0 where broadcast)
  int64_t sb[kMaxDims];  // element strides of input b

  int64_t rows() const {
    int64_t r = 1;
    for (int i = 0; i + 1 < nd; ++i) r *= shape[i];
    return r;
  }
  int64_t inner() const { return nd ? shape[nd - 1] : 1; }
  // Offsets of row r's first element in a and b.
  void row_offsets(int64_t r, int64_t& oa, int64_t& ob) const {
    oa = ob = 0;
    for (int i = nd - 2; i >= 0; --i) {
      const int64_t k = r % shape[i];
      r /= shape[i];
      oa += k * sa[i];
      ob += k * sb[i];
    }
  }
};

// Strides of `in` broadcast against output shape `out`; throws when not broadcastable.
inline void broadcast_strides(const char* op, const TensorView& in, const TensorView& out,
                              int64_t* strides) {
  if (in.ndim > out.ndim)
    fail(op, "cannot broadcast shape ", in.shape_str(), " to ", out.shape_str());
  int64_t s = 1;
  for (int i = out.ndim - 1; i >= 0; --i) {
    const int j = i - (out.ndim - in.ndim);
    if (j < 0) {
      strides[i] = 0;
      continue;
    }
    if (in.shape[j] == out.shape[i]) {
      strides[i] = in.shape[j] == 1 ? 0 : s;
    } else if (in.shape[j] == 1) {
      strides[i] = 0;
    } else {
      fail(op, "incompatible shapes ", in.shape_str(), " and output ", out.shape_str());
    }
    s *= in.shape[j];
  }
}

inline Strided make_strided(const char* op, const TensorView& a, const TensorView& b,
                            const TensorView& out) {
  Strided it;
  int64_t sa[kMaxDims], sb[kMaxDims];
  broadcast_strides(op, a, out, sa);
  broadcast_strides(op, b, out, sb);
  // Merge dimension i into the previous one where both strides stay affine.
  for (int i = 0; i < out.ndim; ++i) {
    if (out.shape[i] == 1) continue;  // size-1 dims carry no information
    if (it.nd > 0) {
      const int p = it.nd - 1;
      if (it.sa[p] == sa[i] * out.shape[i] && it.sb[p] == sb[i] * out.shape[i]) {
        it.shape[p] *= out.shape[i];
        it.sa[p] = sa[i];
        it.sb[p] = sb[i];
        continue;
      }
    }
    it.shape[it.nd] = out.shape[i];
    it.sa[it.nd] = sa[i];
    it.sb[it.nd] = sb[i];
    ++it.nd;
  }
  if (it.nd == 0) {  // a scalar or all-ones shape
    it.nd = 1;
    it.shape[0] = 1;
    it.sa[0] = it.sb[0] = 0;
  }
  return it;
}

// Runs row(oa, ob, o, n) for each row of the broadcast iteration, in parallel when large. A row
// of at least two grains (a 1-D operand is one row) is cut into pieces of about one grain, a
// multiple of 64 elements each, so that a long row runs on every thread too.
template <typename F>
void for_each_row(const Strided& it, F&& row, int64_t elem_grain = kCheapGrain) {
  const int64_t rows = it.rows(), n = it.inner();
  if (rows * n == 0) return;
  if (n >= 2 * elem_grain) {
    const int64_t pieces = n / elem_grain;
    const int64_t len = ((n + pieces - 1) / pieces + 63) / 64 * 64;
    const int64_t ia = it.sa[it.nd - 1], ib = it.sb[it.nd - 1];
    parallel_for(rows * pieces, 1, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t) {
        const int64_t r = t / pieces, k0 = (t % pieces) * len;
        if (k0 >= n) continue;
        int64_t oa, ob;
        it.row_offsets(r, oa, ob);
        row(oa + k0 * ia, ob + k0 * ib, r * n + k0, std::min(len, n - k0));
      }
    });
    return;
  }
  const int64_t grain = n >= elem_grain ? 1 : elem_grain / n;
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t oa, ob;
      it.row_offsets(r, oa, ob);
      row(oa, ob, r * n, n);
    }
  });
}

}  // namespace tfl
