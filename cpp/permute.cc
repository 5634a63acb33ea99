// permute.cc: kernels that move elements without changing them: reverse, roll,
// reverse_sequence, space_to_depth / depth_to_space, space_to_batch_nd / batch_to_space_nd,
// extract_image_patches and extract_volume_patches.
#include <algorithm>
#include <cstring>
#include <string>

#include "dtypes.h"
#include "kernels.h"

namespace tfl {
namespace {

// out[c] = x[src(c)] for every output coordinate c (src returns an element offset into x, or -1
// for a zero: the padding of space_to_batch_nd). Elements are moved as bytes of their size.
template <typename U, typename F>
void remap_as(const TensorView& x, TensorView& o, F&& src) {
  const U* in = static_cast<const U*>(x.data);
  U* r = static_cast<U*>(o.data);
  const int nd = o.ndim;
  parallel_for(o.size(), kCheapGrain, [&](int64_t b, int64_t e) {
    int64_t c[kMaxDims];
    int64_t q = b;
    for (int d = nd - 1; d >= 0; --d) {
      c[d] = q % o.shape[d];
      q /= o.shape[d];
    }
    for (int64_t k = b; k < e; ++k) {
      const int64_t s = src(c);
      r[k] = s < 0 ? U{} : in[s];
      for (int d = nd - 1; d >= 0; --d) {  // the next coordinate, odometer style
        if (++c[d] < o.shape[d]) break;
        c[d] = 0;
      }
    }
  });
}

template <typename F>
void remap(const char* op, const TensorView& x, TensorView& o, F&& src) {
  check_same_dtype(op, x, o);
  TFL_BYTES_CASES(x.dtype, op, remap_as<T>(x, o, src));
}

void strides_of(const TensorView& x, int64_t* s) {
  int64_t m = 1;
  for (int d = x.ndim - 1; d >= 0; --d) {
    s[d] = m;
    m *= x.shape[d];
  }
}

// np.flip over the dims whose ints[d] is nonzero (ints: one flag per dim). The dims after the
// last flipped one are copied as rows; the source offset of each row is stepped, not computed.
void k_reverse(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "ReverseV2";
  check_count(op, nin, 1, nout, 1);
  const TensorView& x = in[0];
  check_same_shape(op, x, out[0]);
  check_same_dtype(op, x, out[0]);
  if (int64_t(a.ints.size()) != x.ndim) fail(op, "expects one flag per dimension");
  const int64_t total = x.size(), es = dtype_size(x.dtype);
  if (total == 0) return;
  int t = x.ndim - 1;
  while (t >= 0 && !a.ints[size_t(t)]) --t;
  int64_t s[kMaxDims];
  strides_of(x, s);
  const int64_t row = (t >= 0 ? s[t] : total) * es;  // bytes of the rows copied whole
  const int64_t rows = total * es / row;
  const int nd = t + 1;
  const char* src = static_cast<const char*>(x.data);
  char* dst = static_cast<char*>(out[0].data);
  parallel_for(rows, std::max<int64_t>(1, kCheapGrain * es / row), [&](int64_t r0, int64_t r1) {
    int64_t c[kMaxDims], step[kMaxDims], off = 0, q = r0;
    for (int d = nd - 1; d >= 0; --d) {  // row r0's index and source offset
      c[d] = q % x.shape[d];
      q /= x.shape[d];
      const bool flip = a.ints[size_t(d)] != 0;
      step[d] = (flip ? -s[d] : s[d]) * es;
      off += (flip ? x.shape[d] - 1 - c[d] : c[d]) * s[d] * es;
    }
    for (int64_t r = r0; r < r1; ++r) {
      const char* from = src + off;
      char* to = dst + r * row;
      if (row <= 16) {  // (a pixel: a call to memcpy costs more than the copy)
        for (int64_t b = 0; b < row; ++b) to[b] = from[b];
      } else {
        std::memcpy(to, from, size_t(row));
      }
      for (int d = nd - 1; d >= 0; --d) {  // the next row
        off += step[d];
        if (++c[d] < x.shape[d]) break;
        off -= step[d] * x.shape[d];
        c[d] = 0;
      }
    }
  });
}

// np.roll with one shift per dim (ints, each in [0, dim)).
void k_roll(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "Roll";
  check_count(op, nin, 1, nout, 1);
  const TensorView& x = in[0];
  check_same_shape(op, x, out[0]);
  if (int64_t(a.ints.size()) != x.ndim) fail(op, "expects one shift per dimension");
  for (int d = 0; d < x.ndim; ++d)
    if (a.ints[size_t(d)] < 0 || (x.shape[d] && a.ints[size_t(d)] >= x.shape[d]))
      fail(op, "shift ", a.ints[size_t(d)], " out of range for dimension ", d);
  int64_t s[kMaxDims];
  strides_of(x, s);
  const int nd = x.ndim;
  remap(op, x, out[0], [&](const int64_t* c) {
    int64_t off = 0;
    for (int d = 0; d < nd; ++d) {
      int64_t i = c[d] - a.ints[size_t(d)];
      if (i < 0) i += x.shape[d];
      off += i * s[d];
    }
    return off;
  });
}

// For each b along batch_dim, the first seq_lengths[b] elements along seq_dim reversed;
// ints = [seq_dim, batch_dim].
void k_reverse_sequence(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "ReverseSequence";
  check_count(op, nin, 2, nout, 1);
  const TensorView &x = in[0], &lens = in[1];
  check_same_shape(op, x, out[0]);
  check_index_dtype(op, lens, "seq_lengths");
  const int64_t sd = a.i(0, op), bd = a.i(1, op);
  if (sd < 0 || sd >= x.ndim || bd < 0 || bd >= x.ndim || sd == bd)
    fail(op, "seq_dim ", sd, " and batch_dim ", bd, " must be distinct dims of ", x.shape_str());
  if (lens.ndim != 1 || lens.shape[0] != x.shape[bd])
    fail(op, "Length of seq_lengths != input.dims(", bd, "), (", lens.size(), " vs. ", x.shape[bd],
         ")");
  for (int64_t b = 0; b < lens.size(); ++b) {
    const int64_t v = index_at(lens, b);
    if (v < 0) fail(op, "seq_lengths(", b, ") < 0");
    if (v > x.shape[sd]) fail(op, "seq_lengths(", b, ") > input.dims(", sd, ")");
  }
  int64_t s[kMaxDims];
  strides_of(x, s);
  const int nd = x.ndim;
  remap(op, x, out[0], [&](const int64_t* c) {
    int64_t off = 0;
    const int64_t len = index_at(lens, c[bd]);
    for (int d = 0; d < nd; ++d) {
      const int64_t i = (d == sd && c[d] < len) ? len - 1 - c[d] : c[d];
      off += i * s[d];
    }
    return off;
  });
}

// NHWC: out[n, h, w, (bh * b + bw) * C + c] = x[n, h * b + bh, w * b + bw, c]; ints = [b].
void k_space_to_depth(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "SpaceToDepth";
  check_count(op, nin, 1, nout, 1);
  const TensorView &x = in[0], &o = out[0];
  const int64_t bs = a.i(0, op);
  if (x.ndim != 4 || o.ndim != 4) fail(op, "input must be 4-dimensional, got ", x.shape_str());
  if (bs < 2) fail(op, "Block size should be > 1, but was: ", bs);
  const int64_t C = x.shape[3];
  if (x.shape[1] % bs || x.shape[2] % bs)
    fail(op, "Image width ", x.shape[2], " and height ", x.shape[1],
         " should be divisible by block_size: ", bs);
  if (o.shape[0] != x.shape[0] || o.shape[1] * bs != x.shape[1] || o.shape[2] * bs != x.shape[2] ||
      o.shape[3] != C * bs * bs)
    fail(op, "output ", o.shape_str(), " does not match input ", x.shape_str());
  const int64_t H = x.shape[1], W = x.shape[2];
  remap(op, x, out[0], [&](const int64_t* c) {
    const int64_t blk = c[3] / C, ch = c[3] % C;
    const int64_t h = c[1] * bs + blk / bs, w = c[2] * bs + blk % bs;
    return ((c[0] * H + h) * W + w) * C + ch;
  });
}

// The inverse of space_to_depth: out[n, h, w, c] = x[n, h / b, w / b, ((h % b) * b + w % b) *
// C + c]; ints = [b].
void k_depth_to_space(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "DepthToSpace";
  check_count(op, nin, 1, nout, 1);
  const TensorView &x = in[0], &o = out[0];
  const int64_t bs = a.i(0, op);
  if (x.ndim != 4 || o.ndim != 4) fail(op, "input must be 4-dimensional, got ", x.shape_str());
  if (bs < 2) fail(op, "Block size should be > 1, but was: ", bs);
  if (x.shape[3] % (bs * bs))
    fail(op, "Input depth dimension ", x.shape[3], " should be divisible by: ", bs * bs);
  const int64_t C = x.shape[3] / (bs * bs), H = x.shape[1], W = x.shape[2];
  if (o.shape[0] != x.shape[0] || o.shape[1] != H * bs || o.shape[2] != W * bs || o.shape[3] != C)
    fail(op, "output ", o.shape_str(), " does not match input ", x.shape_str());
  const int64_t D = x.shape[3];
  remap(op, x, out[0], [&](const int64_t* c) {
    const int64_t blk = (c[1] % bs) * bs + c[2] % bs;
    return ((c[0] * H + c[1] / bs) * W + c[2] / bs) * D + blk * C + c[3];
  });
}

// The block geometry of space_to_batch_nd / batch_to_space_nd: ints = [M, block[M],
// before_0, after_0, ...] (paddings or crops). `wide` is the tensor with the spatial dims
// (padded), `batched` the one with the blocks moved into its batch.
struct Blocks {
  int64_t m, block[kMaxDims], before[kMaxDims], after[kMaxDims], nblocks;
};

Blocks blocks_of(const char* op, const Attrs& a, const TensorView& spatial,
                 const TensorView& batched, bool pads) {
  Blocks k{};
  k.m = a.i(0, op);
  if (k.m < 1 || k.m >= spatial.ndim || int64_t(a.ints.size()) != 1 + 3 * k.m)
    fail(op, "block_shape must have between 1 and rank - 1 elements, got ", k.m, " for input ",
         spatial.shape_str());
  k.nblocks = 1;
  for (int64_t i = 0; i < k.m; ++i) {
    k.block[i] = a.ints[size_t(1 + i)];
    k.before[i] = a.ints[size_t(1 + k.m + 2 * i)];
    k.after[i] = a.ints[size_t(2 + k.m + 2 * i)];
    if (k.block[i] < 1) fail(op, "block_shape must be positive, got ", k.block[i]);
    if (k.before[i] < 0 || k.after[i] < 0)
      fail(op, pads ? "paddings" : "crops", " must be non-negative");
    k.nblocks *= k.block[i];
  }
  if (batched.ndim != spatial.ndim) fail(op, "input and output ranks differ");
  if (batched.shape[0] != spatial.shape[0] * k.nblocks)
    fail(op, "batch ", batched.shape[0], " must be ", spatial.shape[0], " * ", k.nblocks);
  for (int64_t i = 0; i < k.m; ++i) {
    const int64_t wide = spatial.shape[1 + i] + k.before[i] + k.after[i];
    if (wide != batched.shape[1 + i] * k.block[i])
      fail(op, pads ? "padded" : "cropped", " spatial dimension ", i, " (", wide,
           ") does not match block ", k.block[i], " x ", batched.shape[1 + i]);
  }
  for (int d = int(1 + k.m); d < spatial.ndim; ++d)
    if (batched.shape[d] != spatial.shape[d]) fail(op, "remaining dimensions must match");
  return k;
}

// The spatial coordinate (in `spatial`, unpadded) of a `batched` coordinate c, as an element
// offset, or -1 when it falls in the padding (crops).
inline int64_t spatial_offset(const Blocks& k, const TensorView& spatial, const int64_t* ss,
                              const int64_t* c, int nd) {
  const int64_t B = spatial.shape[0];
  int64_t blk = c[0] / B;
  const int64_t b = c[0] % B;
  int64_t off[kMaxDims];
  for (int64_t i = k.m - 1; i >= 0; --i) {
    off[i] = blk % k.block[i];
    blk /= k.block[i];
  }
  int64_t s = b * ss[0];
  for (int64_t i = 0; i < k.m; ++i) {
    const int64_t p = c[1 + i] * k.block[i] + off[i] - k.before[i];
    if (p < 0 || p >= spatial.shape[1 + i]) return -1;
    s += p * ss[1 + i];
  }
  for (int d = int(1 + k.m); d < nd; ++d) s += c[d] * ss[d];
  return s;
}

// TF's SpaceToBatchND: pad the spatial dims, then move blocks into the batch (block-major).
void k_space_to_batch_nd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "SpaceToBatchND";
  check_count(op, nin, 1, nout, 1);
  const TensorView& x = in[0];
  const Blocks k = blocks_of(op, a, x, out[0], true);
  int64_t ss[kMaxDims];
  strides_of(x, ss);
  const int nd = x.ndim;
  remap(op, x, out[0], [&](const int64_t* c) { return spatial_offset(k, x, ss, c, nd); });
}

// TF's BatchToSpaceND: the inverse, then the crops removed. Each output element has exactly one
// source: the loop runs over the input and writes the elements that survive the crops.
void k_batch_to_space_nd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "BatchToSpaceND";
  check_count(op, nin, 1, nout, 1);
  const TensorView& x = in[0];
  TensorView& o = out[0];
  check_same_dtype(op, x, o);
  const Blocks k = blocks_of(op, a, o, x, false);
  int64_t ss[kMaxDims];
  strides_of(o, ss);
  const int nd = x.ndim;
  const int64_t isz = dtype_size(x.dtype);
  const char* src = static_cast<const char*>(x.data);
  char* dst = static_cast<char*>(o.data);
  parallel_for(x.size(), kCheapGrain, [&](int64_t b, int64_t e) {
    int64_t c[kMaxDims];
    int64_t q = b;
    for (int d = nd - 1; d >= 0; --d) {
      c[d] = q % x.shape[d];
      q /= x.shape[d];
    }
    for (int64_t i = b; i < e; ++i) {
      const int64_t s = spatial_offset(k, o, ss, c, nd);
      if (s >= 0) std::memcpy(dst + s * isz, src + i * isz, size_t(isz));
      for (int d = nd - 1; d >= 0; --d) {
        if (++c[d] < x.shape[d]) break;
        c[d] = 0;
      }
    }
  });
}

// NHWC patches: out[b, r, c, (i * kc + j) * D + d] = x[b, r * sr + i * rr - top, c * sc + j * rc -
// left, d], zero outside the image; ints = [kr, kc, sr, sc, rr, rc, top, left].
void k_extract_image_patches(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs& a) {
  const char* op = "ExtractImagePatches";
  check_count(op, nin, 1, nout, 1);
  const TensorView &x = in[0], &o = out[0];
  if (x.ndim != 4 || o.ndim != 4) fail(op, "input must be 4-dimensional, got ", x.shape_str());
  if (a.ints.size() != 8) fail(op, "expects 8 integer attributes");
  const int64_t kr = a.ints[0], kc = a.ints[1], sr = a.ints[2], sc = a.ints[3], rr = a.ints[4],
                rc = a.ints[5], top = a.ints[6], left = a.ints[7];
  if (kr < 1 || kc < 1 || sr < 1 || sc < 1 || rr < 1 || rc < 1)
    fail(op, "sizes, strides and rates must be positive");
  const int64_t H = x.shape[1], W = x.shape[2], D = x.shape[3];
  if (o.shape[0] != x.shape[0] || o.shape[3] != kr * kc * D)
    fail(op, "output ", o.shape_str(), " does not match input ", x.shape_str());
  remap(op, x, out[0], [&](const int64_t* c) {
    const int64_t k = c[3] / D, d = c[3] % D;
    const int64_t y = c[1] * sr + (k / kc) * rr - top, xx = c[2] * sc + (k % kc) * rc - left;
    if (y < 0 || y >= H || xx < 0 || xx >= W) return int64_t(-1);
    return ((c[0] * H + y) * W + xx) * D + d;
  });
}

// NDHWC volumes: out[b, p, r, c, ((i * kr + j) * kc + k) * D + d] = x[b, p * sp + i - front,
// r * sr + j - top, c * sc + k - left, d], zero outside; ints = [kp, kr, kc, sp, sr, sc, front,
// top, left].
void k_extract_volume_patches(const TensorView* in, int nin, TensorView* out, int nout,
                              const Attrs& a) {
  const char* op = "ExtractVolumePatches";
  check_count(op, nin, 1, nout, 1);
  const TensorView &x = in[0], &o = out[0];
  if (x.ndim != 5 || o.ndim != 5) fail(op, "input must be 5-dimensional, got ", x.shape_str());
  if (a.ints.size() != 9) fail(op, "expects 9 integer attributes");
  const int64_t* k = a.ints.data();
  for (int i = 0; i < 6; ++i)
    if (k[i] < 1) fail(op, "sizes and strides must be positive");
  const int64_t P = x.shape[1], H = x.shape[2], W = x.shape[3], D = x.shape[4];
  if (o.shape[0] != x.shape[0] || o.shape[4] != k[0] * k[1] * k[2] * D)
    fail(op, "output ", o.shape_str(), " does not match input ", x.shape_str());
  remap(op, x, out[0], [&](const int64_t* c) {
    const int64_t w = c[4] / D, d = c[4] % D;
    const int64_t i = w / (k[1] * k[2]), j = (w / k[2]) % k[1], l = w % k[2];
    const int64_t p = c[1] * k[3] + i - k[6], y = c[2] * k[4] + j - k[7],
                  z = c[3] * k[5] + l - k[8];
    if (p < 0 || p >= P || y < 0 || y >= H || z < 0 || z >= W) return int64_t(-1);
    return (((c[0] * P + p) * H + y) * W + z) * D + d;
  });
}

}  // namespace

void register_permute(Registry& r) {
  r["reverse"] = k_reverse;
  r["roll"] = k_roll;
  r["reverse_sequence"] = k_reverse_sequence;
  r["space_to_depth"] = k_space_to_depth;
  r["depth_to_space"] = k_depth_to_space;
  r["space_to_batch_nd"] = k_space_to_batch_nd;
  r["batch_to_space_nd"] = k_batch_to_space_nd;
  r["extract_image_patches"] = k_extract_image_patches;
  r["extract_volume_patches"] = k_extract_volume_patches;
}

}  // namespace tfl
