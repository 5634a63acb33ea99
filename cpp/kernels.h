// kernels.h: the whole kernel API. Every kernel has one signature:
//   void k(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& attrs)
// inputs in, caller-allocated outputs out, no hidden allocation. The output views carry the shapes
// Python inferred; kernels check them against the inputs and throw KernelError("[op] ...").
#pragma once

#include <string>
#include <unordered_map>

#include "tensor.h"

namespace tfl {

using KernelFn = void (*)(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a);

// Name -> kernel. Families (NumPy equivalent of each kernel, in words):
//  elementwise.cc  add sub mul div maximum minimum pow (np.<op> with broadcasting), equal not_equal
//                  less less_equal greater greater_equal (-> bool), relu_grad (g*(x>0)),
//                  sigmoid_grad (dy*y*(1-y)), tanh_grad (dy*(1-y*y)), floor_div floor_mod
//                  (np.floor_divide, np.mod; integer divisors checked for 0), truncate_div
//                  truncate_mod (C's / and %, np.fmod; also checked); neg abs relu sigmoid tanh
//                  exp log sqrt square reciprocal sign floor (np.<op>); cast (astype); copy; fill
//                  (np.full); add_n (sum of same-shape inputs); broadcast_to (np.broadcast_to to
//                  the output's shape)
//  reduce.cc       reduce_sum/mean/max/min/prod (ints = 1 per reduced input dim), argmax argmin
//                  (ints = [axis]) -> int64, reduce_prod_grad (x, dy kept-dims -> dx; zero-safe)
//  matmul.cc       matmul (ints = [transpose_a, transpose_b]; oneDNN or OpenBLAS sgemm),
//                  matmul_apply_gd (A, B, alpha -> var -= alpha * op(A) @ op(B), one sgemm with
//                  beta = 1: a gradient-descent step fused with the matmul that makes its gradient)
//  nn.cc           softmax, log_softmax (last axis), softmax_xent (logits, labels -> loss[N],
//                  backprop[N,C] in one pass)
//  array.cc        identity_n (out[i] = in[i]), transpose (ints = perm), concat / split (ints =
//  [axis]), strided_slice and
//                  strided_slice_grad (ints = begin..., strides...)
//  random.cc       random_uniform, random_normal, truncated_normal (in: int64[1] run counter,
//                  ints = [seed, seed2]; Philox4x32-10, counter-based)
//  random_dist.cc  stateless_random_uniform / _normal / truncated_normal / _uniform_int (+ minval,
//                  maxval) / _uniform_full_int (seed [2] -> TF's values for the seed), stateless_
//                  random_gamma / _poisson / _binomial / parameterized_truncated_normal /
//                  multinomial (seed, params -> samples); random_uniform_int, random_gamma,
//                  random_poisson, multinomial, random_shuffle (run counter, params; ints = [seed,
//                  seed2]); random_gamma_grad (alpha, sample -> d sample / d alpha);
//                  rng_read_and_skip (Generator state [3], alg, delta -> the old state; the
//                  state's counter advances in place). The exact stateless kernels also take TF's
//                  V2 form (counter int64[2], key int64[1] for the seed; ints = [1])
//  candidate_sampling.cc  candidate_sampler (counter [+ learned counts], true_classes ->
//                  sampled, expected counts; ints = [seed, seed2], floats = [unique, kind,
//                  range_max, fixed weights...])
//  optim.cc        assign, assign_add, assign_sub (out 0 is the variable), apply_gradient_descent
//                  (var -= alpha * delta, in place); apply_momentum, apply_adam, apply_adagrad,
//                  apply_rms_prop (TF's training_ops: out = the variable and its slots, in place)
//  indexing.cc     select (np.where(c, x, y), broadcasting), gather (np.take(params, ids, axis);
//                  ids checked), unsorted_segment_sum (np.add.at into zeros), pad (constant;
//                  ints = before/after per dim), range (np.arange(start, limit, delta))
//  nn.cc (also)    sparse_softmax_xent (logits, int labels -> loss, backprop), top_k (ints = [k,
//                  sorted] -> values, int32 indices), in_top_k (ints = [k] -> bool)
//  conv.cc         conv2d (x NHWC, filter HWIO -> y), conv2d_backprop_input (filter, dy -> dx),
//                  conv2d_backprop_filter (x, dy -> dfilter), depthwise_conv2d (+ the same two
//                  backprops; filter [kh,kw,c,mult]); ints = [strides h,w, dilations h,w, pads
//                  top,bottom,left,right]; oneDNN or the reference backend (see conv.h)
//                  conv2d_bias_act, depthwise_conv2d_bias_act (x, filter, bias -> act(conv + bias);
//                  ints + [act: 0 none, 1 relu, 2 relu6, filter id: 0 or a constant's]): the
//                  plan's fused convolution steps
//  batch_norm.cc   fused_batch_norm (x, scale, offset, mean, variance -> y, batch mean/variance,
//                  reserves: TF's FusedBatchNormV3), fused_batch_norm_grad (dy, x, scale,
//                  reserves -> dx, dscale, doffset: FusedBatchNormGradV3)
//  pool.cc         max_pool, avg_pool (x -> y), max_pool_grad (x, y, dy -> dx), max_pool_grad_grad
//                  (x, y, gx -> gy), avg_pool_grad (dy -> dx); ints = [window h,w, strides h,w,
//                  pads top,bottom,left,right]; mean over the unpadded elements, as TF
//  sparse.cc       sparse_apply_gradient_descent / _momentum / _adagrad / _adam (TF's SparseApply*:
//                  var[ids] updated from IndexedSlices rows, duplicates summed, ids checked),
//                  log_uniform_candidate_sampler (counter, true_classes -> sampled, expected
//                  counts)
//  lstm.cc         lstm_step (gates [B,4H] pre-activations in i,j,f,o order, c_prev [B,H]; floats =
//                  [forget_bias] -> new_c, new_h, act [B,4H] activated gates, tanh(new_c)),
//                  lstm_step_grad (act, c_prev, tanh_c, d_new_c, d_new_h -> d_gates, d_c_prev),
//                  lstm_seq (x [T,B,D], c0, h0 [B,H], w [D+H,4H], b [4H]; floats = [forget_bias]
//                  -> every step's c, h, act, tanh_c as [T,B,...]: lstm_step over time with gates
//                  [x_t, h_{t-1}] @ w + b; and a work buffer w_h_panels [4H*H], w[D:] packed
//                  for lstm_recurrence.cc), lstm_seq_grad (x, c0, h0, w, c, h, act, tanh_c, d_c,
//                  d_h [, d_act_extra] -> d_x, d_c0, d_h0, d_w, d_b, and work buffers d_gates
//                  [T,B,4H], xh [T,B,D+H]: back-propagation through time)
//  math_extra.cc   sin cos tan asin acos atan sinh cosh asinh acosh atanh ceil rint expm1 log1p
//                  rsqrt erf erfc lgamma digamma ndtri erfinv bessel_i0 bessel_i0e bessel_i1
//                  bessel_i1e softsign (float -> float, np.<op> or
//                  scipy.special's); is_finite is_inf is_nan (float -> bool); logical_not,
//                  logical_and logical_or (bool, broadcasting); atan2 xlogy xdivy div_no_nan
//                  mul_no_nan zeta polygamma nextafter igamma igammac (floats), betainc (a, b, x of
//                  one shape) squared_difference (numeric), broadcasting as add; cumsum cumprod
//                  cumulative_logsumexp (ints = [axis, exclusive, reverse]); unsorted_segment_max /
//                  _min / _prod (as unsorted_segment_sum; empty segments: lowest, highest, 1)
//  tensor_array.cc ta_write (flow [n,...], index, row -> flow with flow[index] = row), ta_read
//                  (flow, index -> flow[index]), ta_scatter (flow, indices, rows), ta_zero_rows
//                  (flow, indices -> those rows 0), ta_add_rows (flow, indices, rows -> rows
//                  added; float); bytes moved, any dtype; the output may be the flow's own buffer
//  fake_quant.cc   fake_quant (x; floats [min, max], ints [num_bits, narrow_range] -> TF's
//                  nudged fake quantization), fake_quant_grad (dy, x -> dy inside the range),
//                  fake_quant_vars (x, min, max: scalars or [last dim]), fake_quant_vars_grad
//                  (dy, x, min, max -> dx, dmin, dmax)
//  clock.cc        timestamp (-> float64 seconds since the Unix epoch)
//  fft.cc          fft (complex; ints [k innermost axes, inverse]), rfft (real [..., n] ->
//                  complex [..., n/2+1]), irfft (complex -> real [..., n], n the output's)
//  logging.cc      assert (in[0] a bool scalar condition, in[1...] data read by Python for the
//                  message; no outputs: fails "[Assert] assertion failed" when false),
//                  check_numerics (float copy that fails on NaN / Inf, naming which, as TF's)
//  linalg.cc       batched over leading dims, floats, LAPACK (np.linalg's equivalents): cholesky
//                  (lower factor, upper zeroed; a NaN lower triangle where not positive definite,
//                  as TF 2.21), matrix_determinant, log_matrix_determinant (-> sign, log|det|),
//                  matrix_inverse (ints = [adjoint]), matrix_solve (a, b; ints = [adjoint]),
//                  matrix_triangular_solve (a, b, batch dims broadcast; ints = [lower, adjoint]),
//                  matrix_solve_ls (a, b -> minimum-norm least squares), qr (ints =
//                  [full_matrices] -> q, r), svd (ints = [compute_uv, full_matrices] -> s, u, v),
//                  self_adjoint_eig (lower triangle; ints = [compute_v] -> e ascending, v), lu (->
//                  lu, p int32/int64 with a[p] = L @ U), matrix_square_root, matrix_exponential
//  scatter.cc      gather_nd (params, indices [..., depth] -> slices), scatter_nd (indices,
//                  updates -> zeros + np.add.at), tensor_scatter (tensor, indices, updates; ints =
//                  [mode: 0 update, 1 add, 2 sub, 3 max, 4 min]), scatter_ref (in place on out 0, a
//                  variable: indices, updates; ints = [mode (also 5 mul, 6 div), nd]); indices
//                  checked, duplicates applied in order
//  permute.cc      reverse (ints = a flag per dim), roll (ints = a shift per dim), reverse_sequence
//                  (x, seq_lengths; ints = [seq_dim, batch_dim]), space_to_depth, depth_to_space
//                  (NHWC; ints = [block]), space_to_batch_nd, batch_to_space_nd (ints = [M,
//                  block[M], pads or crops before/after per block dim]), extract_image_patches
//                  (NHWC; ints = [ksize r, c, stride r, c, rate r, c, pad top, left]; zeros
//                  outside), extract_volume_patches (NDHWC; ints = [ksize p, r, c, stride
//                  p, r, c, pad front, top, left])
//  partition.cc    where (np.argwhere -> int64), unique (-> y, idx [, count]), list_diff (x, y ->
//                  out, idx), dynamic_partition (data, int32 partitions -> one output each),
//                  dynamic_stitch (indices..., data... -> merged): output sizes from the values
//  grid.cc         search_sorted (sorted [B,N], values [B,M]; ints = [upper] -> np.searchsorted
//                  per row), lin_space (start, stop -> np.linspace of out's length),
//                  unravel_index (np.unravel_index stacked), histogram_fixed_width (values,
//                  [lo, hi] -> counts of len(out) bins)
//  image_resize.cc resize_bilinear (images float32 [N,H,W,C] -> float32 [N,OH,OW,C]: TF's
//                  ResizeBilinear, its scales, lerps and roundings), resize_bilinear_grad (grads
//                  float32 [N,OH,OW,C] -> float32/float64 [N,H,W,C]: TF's ResizeBilinearGrad, sums
//                  in TF's order); ints = [align_corners, half_pixel_centers]
//  sparse_tensor.cc  SparseTensor kernels (indices [N,rank] int, values [N], dense_shape [rank]):
//                  where (np.argwhere), sparse_to_dense (ints = [validate_indices]),
//                  sparse_dense_matmul (ints = [adjoint_a, adjoint_b]), sparse_reorder (stable
//                  row-major sort -> indices, values), sparse_segment (data, indices, segment_ids;
//                  ints = [0 sum / 1 mean / 2 sqrt_n, with_num_segments]), sparse_dense_add
//                  (indices, values, shape, b -> b + A), sparse_reduce (ints = [max?, reduced?
//                  per dim] -> dense kept dims, 0 where no entry), sparse_softmax (softmax over
//                  entries sharing all but the last coordinate), sparse_cross (int64 sparse and
//                  dense features -> hashed crosses of each row: TF's SparseCross, hashed),
//                  sparse_add (the merge of two sorted SparseTensors, |sum| < thresh dropped),
//                  sparse_add_grad (grad, a_indices, b_indices, sum_indices -> a, b grads),
//                  sparse_reshape (indices, shape, new_shape -> indices, shape; one -1 inferred),
//                  sparse_concat (N SparseTensors joined along ints[1], row-major; ints[0] = N),
//                  sparse_slice (indices, values, shape, start, size -> the entries in the box)
const std::unordered_map<std::string, KernelFn>& kernel_registry();
KernelFn find_kernel(const std::string& name);  // throws KernelError for an unknown name

using Registry = std::unordered_map<std::string, KernelFn>;
void register_elementwise(Registry& r);
void register_elementwise_fused(Registry& r);  // elementwise_fused.cc: fused_elementwise
void register_reduce(Registry& r);
void register_matmul(Registry& r);
void register_nn(Registry& r);
void register_array(Registry& r);
void register_random(Registry& r);
void register_random_dist(Registry& r);
void register_candidate_sampling(Registry& r);
void register_optim(Registry& r);
void register_indexing(Registry& r);
void register_conv(Registry& r);
void register_pool(Registry& r);
void register_batch_norm(Registry& r);
void register_sparse(Registry& r);
void register_lstm(Registry& r);
void register_math(Registry& r);
void register_tensor_array(Registry& r);
void register_fake_quant(Registry& r);
void register_clock(Registry& r);
void register_logging(Registry& r);
void register_linalg(Registry& r);
void register_scatter(Registry& r);
void register_permute(Registry& r);
void register_partition(Registry& r);
void register_grid(Registry& r);
void register_bitwise(Registry& r);  // bitwise.cc: bitwise_and/or/xor, left/right_shift, invert,
                                     // bitcast (TF's tf.bitwise and tf.bitcast)
void register_complex(Registry& r);  // complex.cc: complex real imag conj angle complex_abs
void register_sparse_tensor(Registry& r);
void register_fft(Registry& r);
void register_image_resize(Registry& r);
void register_quantized(Registry& r);

// Element k of an int32 or int64 index tensor (ids, indices, segment ids) as int64.
inline int64_t index_at(const TensorView& ids, int64_t k) {
  return ids.dtype == DType::kInt32 ? int64_t(ids.ptr<int32_t>()[k]) : ids.ptr<int64_t>()[k];
}

// An index tensor must be int32 or int64: "[op] <what> must be int32 or int64, got <dtype>".
inline void check_index_dtype(const char* op, const TensorView& ids, const char* what) {
  if (ids.dtype != DType::kInt32 && ids.dtype != DType::kInt64)
    fail(op, what, " must be int32 or int64, got ", dtype_name(ids.dtype));
}

// The geometry of an unsorted segment reduction (out[s, ...] combines data[i..., ...] over
// ids[i...] == s): in = [data, ids] with ids' shape a prefix of data's, out [num_segments,
// data.shape[ids.ndim:]...]. Checks it and returns the sizes; the ids' values are the caller's.
struct SegmentShape {
  int64_t nseg, n, inner;  // segments, ids, elements a row
};

inline SegmentShape check_segments(const char* op, const TensorView* in, int nin, TensorView* out,
                                   int nout) {
  check_count(op, nin, 2, nout, 1);
  const TensorView &data = in[0], &ids = in[1];
  check_index_dtype(op, ids, "segment_ids");
  check_same_dtype(op, data, out[0]);
  if (ids.ndim > data.ndim) fail(op, "segment_ids ", ids.shape_str(), " has more dims than data");
  for (int d = 0; d < ids.ndim; ++d)
    if (ids.shape[d] != data.shape[d])
      fail(op, "segment_ids ", ids.shape_str(), " is not a prefix of data ", data.shape_str());
  if (out[0].ndim < 1) fail(op, "output must have rank >= 1");
  SegmentShape g{out[0].shape[0], ids.size(), 1};
  for (int d = ids.ndim; d < data.ndim; ++d) g.inner *= data.shape[d];
  if (out[0].size() != g.nseg * g.inner)
    fail(op, "output ", out[0].shape_str(), " has the wrong size");
  return g;
}

// Which matmul backend this build uses: "onednn" or "openblas".
const char* matmul_backend();

// The conv/pool backend for float32 (conv.cc): "onednn" (the default where built) or "reference"
// (im2col + sgemm and loops; float64 always uses it). set_conv_backend throws KernelError for an
// unknown name or "onednn" in a build without it.
void set_conv_backend(const std::string& name);
const char* conv_backend();
// The int8 convolutions (qconv2d, qfully_connected) run oneDNN on tiles of output rows whose
// int32 sums take about this many bytes (1 MiB), requantizing each tile while it is in cache;
// tests set small tiles. Returns the previous size.
int64_t set_int8_conv_tile_bytes(int64_t bytes);
// How many int8 convolutions found no oneDNN primitive for their shape (or for one of its tiles)
// and ran their own loop instead, since the process began.
int64_t int8_conv_fallbacks();
// The int8 depthwise convolutions with depth multiplier 1 compute their sums directly
// (quantized_depthwise.h) unless this is turned off (tests: the oneDNN path); returns the
// previous setting.
bool set_int8_depthwise_direct(bool on);
// The float32 convolutions of our own that the oneDNN backend runs first where they apply
// (conv_1x1.h, depthwise_f32.h) unless this is turned off (tests: oneDNN's primitives); returns the
// previous setting.
bool set_conv_direct(bool on);
// How many convolutions ran on those kernels since the process began.
int64_t conv_direct_calls();
// A fresh id for a constant convolution filter (the fused conv steps' last int): never reused in
// this process, so a kernel may keep derived data (oneDNN's reordered filter) under it.
int64_t new_constant_id();

}  // namespace tfl
