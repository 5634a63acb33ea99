// lite/lower.cc: TFLite builtins as steps of tflite_core's kernels, read as TFLite's reference
// kernels read them: filters OHWI (transposed to HWIO once, here), depthwise filters 1HW(C*M)
// (viewed as HWCM), fully connected weights [out, in] (a product with the second operand
// transposed), fused activations, SAME padding split as TF splits it (the extra row after).
// Tensors get buffers at the shapes the file gives; RESHAPE, SQUEEZE and EXPAND_DIMS are views of
// their input's buffer. Once every operator is lowered, the buffers that steps write before they
// read them (not the model's inputs and outputs, nor constants) are packed into one arena, where
// buffers whose steps do not overlap share bytes (plan_buffers): EfficientNet-Lite0's 27.8 MB of
// activations share 6.0 MB (int8: 7.1 MB, 1.5 MB), which stay in cache from one invoke to the next.
#include "lite/lower.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>

#include "buffer_packing.h"
#include "kernels.h"

namespace tfl::lite {

namespace {

std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

int64_t count_of(const std::vector<int64_t>& s) {
  return checked_num_elements("lite", s.data(), int(s.size()));
}

class Builder {
 public:
  Builder(const Model& m, Lowered& L) : m_(m), g_(m.subgraphs[0]), L_(L) {
    slot_.assign(g_.tensors.size(), -1);
  }

  void run() {
    for (int32_t t : g_.inputs) {
      const int s = fresh(t);
      L_.inputs.push_back(L_.plan.slot(s));
      L_.input_names.push_back(g_.tensors[size_t(t)].name);
    }
    for (size_t k = 0; k < g_.operators.size(); ++k) {
      k_ = int(k);
      const OperatorInfo& op = g_.operators[k];
      node_ = "operator " + std::to_string(k) + " (" + builtin_name(op.opcode) + ")";
      lower_op(op);
    }
    for (int32_t t : g_.outputs) {
      L_.outputs.push_back(L_.plan.slot(in_slot(t)));
      L_.output_names.push_back(g_.tensors[size_t(t)].name);
    }
    plan_buffers();
  }

 private:
  // ---- tensors and slots ------------------------------------------------------------------
  [[noreturn]] void invalid(const std::string& what) const {
    throw Error(Code::kInvalidArgument, node_ + ": " + what);
  }

  const TensorInfo& info(int32_t t) const { return g_.tensors[size_t(t)]; }

  DType dtype_of(int32_t t) const {
    const TensorInfo& ti = info(t);
    if (ti.quantized && (ti.type == kTfUInt8 || ti.type == kTfInt16))
      throw Error(Code::kUnimplemented, node_ + ": tensor '" + ti.name + "' is quantized " +
                                            type_name(ti.type) +
                                            "; the C++ runtime runs float32 and int8 models");
    switch (ti.type) {
      case kTfFloat32: return DType::kFloat32;
      case kTfFloat16: return DType::kFloat16;
      case kTfInt32: return DType::kInt32;
      case kTfUInt8: return DType::kUInt8;
      case kTfInt64: return DType::kInt64;
      case kTfBool: return DType::kBool;
      case kTfInt16: return DType::kInt16;
      case kTfInt8: return DType::kInt8;
      case kTfFloat64: return DType::kFloat64;
      default: break;
    }
    throw Error(Code::kUnimplemented, node_ + ": tensor '" + ti.name + "' has type " +
                                          type_name(ti.type) +
                                          ", which the C++ runtime does not support");
  }

  std::vector<int64_t> shape_of(int32_t t) const {
    const auto& s = info(t).shape;
    return std::vector<int64_t>(s.begin(), s.end());
  }

  TensorView view(DType dt, const std::vector<int64_t>& shape, void* data) const {
    if (shape.size() > size_t(kMaxDims))
      invalid("rank " + std::to_string(shape.size()) + " is over " + std::to_string(kMaxDims));
    TensorView v;
    v.dtype = dt;
    v.ndim = int(shape.size());
    for (size_t i = 0; i < shape.size(); ++i) v.shape[i] = shape[i];
    v.data = data;
    return v;
  }

  // A zeroed, 64-byte aligned buffer; the model's buffers together stay under the memory limit
  // (memory_limit_bytes: ResourceError before anything too large is allocated).
  void* allocate(DType dt, const std::vector<int64_t>& shape) {
    const int64_t n = count_of(shape);
    const size_t bytes =
        std::max<size_t>(64, (checked_bytes("lite", n, dtype_size(dt)) + 63) & ~size_t(63));
    total_bytes_ = checked_add("lite", total_bytes_, int64_t(bytes));
    check_allocation("lite", total_bytes_, 1);
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw ResourceError("[lite] could not allocate " + std::to_string(bytes) + " bytes");
    std::memset(p, 0, bytes);
    L_.storage.emplace_back(p);
    return p;
  }

  // A new buffer of dtype dt and shape (zeros): its slot.
  int scratch(DType dt, const std::vector<int64_t>& shape) {
    void* p = allocate(dt, shape);
    scratch_[p] = {L_.storage.size() - 1, count_of(shape) * dtype_size(dt)};
    return L_.plan.add_slot(view(dt, shape, p));
  }

  // ---- buffer planning --------------------------------------------------------------------
  // The scratch buffers (not the model's inputs and outputs) go into one arena where steps that
  // do not overlap share bytes (buffer_packing.h); constants and the zeros of tensors nothing
  // writes keep their own buffers.
  void plan_buffers() {
    std::vector<BufferRange> ranges;
    std::vector<size_t> storage;
    for (const auto& [p, sc] : scratch_) {
      const bool end = std::any_of(L_.inputs.begin(), L_.inputs.end(),
                                   [&](const TensorView& v) { return v.data == p; }) ||
                       std::any_of(L_.outputs.begin(), L_.outputs.end(),
                                   [&](const TensorView& v) { return v.data == p; });
      if (end) continue;
      ranges.push_back({static_cast<char*>(p), sc.bytes});
      storage.push_back(sc.storage);
    }
    const Packing packing = pack_buffers(L_.plan, ranges, {});
    if (packing.arena == 0) return;
    void* base = std::aligned_alloc(64, size_t((packing.arena + 63) & ~int64_t(63)));
    if (!base)
      throw ResourceError("[lite] could not allocate " + std::to_string(packing.arena) + " bytes");
    L_.storage.emplace_back(base);
    move_to_arena(L_.plan, ranges, packing, static_cast<char*>(base));
    for (size_t b = 0; b < ranges.size(); ++b)
      if (packing.offsets[b] >= 0) L_.storage[storage[b]].reset();  // (their old bytes)
  }

  // A constant of the given values: its slot.
  int constant(DType dt, const std::vector<int64_t>& shape, const void* data) {
    void* p = allocate(dt, shape);
    std::memcpy(p, data, size_t(count_of(shape) * dtype_size(dt)));
    return L_.plan.add_slot(view(dt, shape, p));
  }
  int scalar_f32(float v) { return constant(DType::kFloat32, {}, &v); }

  // Slot s seen with another shape of as many elements (no copy).
  int reshaped(int s, const std::vector<int64_t>& shape) {
    const TensorView v = L_.plan.slot(s);
    if (count_of(shape) != v.size())
      invalid("cannot view " + std::to_string(v.size()) + " elements " + v.shape_str() + " as " +
              shape_str(shape));
    return L_.plan.add_slot(view(v.dtype, shape, v.data));
  }

  // The buffer of tensor t (an operator's output, or a graph input): its slot.
  int fresh(int32_t t) {
    if (slot_[size_t(t)] >= 0) invalid("tensor '" + info(t).name + "' is written twice");
    const int s = scratch(dtype_of(t), shape_of(t));
    slot_[size_t(t)] = s;
    return s;
  }

  // The bytes of tensor t's buffer (empty: none).
  std::pair<const uint8_t*, int64_t> buffer_of(int32_t t) const {
    const BufferRef& b = m_.buffers.empty() ? BufferRef{} : m_.buffers[info(t).buffer];
    return {m_.bytes().data() + b.offset, b.size};
  }

  // The slot of an operator's input tensor t: computed before, or a constant from its buffer
  // (its size checked against its shape), or zeros (a tensor nothing writes).
  int in_slot(int32_t t) {
    if (slot_[size_t(t)] >= 0) return slot_[size_t(t)];
    const DType dt = dtype_of(t);
    const auto shape = shape_of(t);
    auto [data, size] = buffer_of(t);
    int s;
    if (size > 0) {
      const int64_t want = checked_mul("lite", count_of(shape), dtype_size(dt));
      if (size != want)
        invalid("tensor '" + info(t).name + "' of shape " + shape_str(shape) + " and type " +
                type_name(info(t).type) + " needs " + std::to_string(want) +
                " bytes; its buffer has " + std::to_string(size));
      s = constant(dt, shape, data);
    } else {
      s = scratch(dt, shape);
    }
    slot_[size_t(t)] = s;
    return s;
  }

  // A constant input's values as int64 (axes, paddings); invalid when computed.
  std::vector<int64_t> ints_of(int32_t t, const char* what) {
    if (t < 0) invalid(std::string("the ") + what + " input is missing");
    auto [data, size] = buffer_of(t);
    const DType dt = dtype_of(t);
    if (size <= 0 || (dt != DType::kInt32 && dt != DType::kInt64))
      throw Error(Code::kUnimplemented,
                  node_ + ": the " + what + " must be a constant int32 or int64 tensor");
    const int64_t n = count_of(shape_of(t));
    if (size != n * dtype_size(dt)) invalid(std::string("the ") + what + "'s buffer is malformed");
    std::vector<int64_t> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (dt == DType::kInt32) {
        int32_t x;
        std::memcpy(&x, data + 4 * i, 4);
        v[size_t(i)] = x;
      } else {
        std::memcpy(&v[size_t(i)], data + 8 * i, 8);
      }
    }
    return v;
  }

  void step(const std::string& kernel, const std::vector<int>& in, const std::vector<int>& out,
            Attrs attrs = {}) {
    L_.plan.add_step(kernel, node_, in, out, attrs);
  }

  // ---- options --------------------------------------------------------------------------
  template <typename T>
  T opt(const OperatorInfo& op, int field, T def) const {
    return op.options.valid() ? op.options.scalar<T>(field, def) : def;
  }
  int32_t input(const OperatorInfo& op, size_t i, bool optional = false) const {
    if (i >= op.inputs.size() || op.inputs[i] < 0) {
      if (optional) return -1;
      invalid("input " + std::to_string(i) + " is missing (" + std::to_string(op.inputs.size()) +
              " inputs)");
    }
    return op.inputs[i];
  }
  int32_t output(const OperatorInfo& op) const {
    if (op.outputs.empty() || op.outputs[0] < 0) invalid("the output is missing");
    return op.outputs[0];
  }

  // ---- int8 ------------------------------------------------------------------------------
  bool is_q(int32_t t) const { return info(t).type == kTfInt8 && info(t).quantized; }
  float scale_of(int32_t t) const {
    const TensorInfo& ti = info(t);
    if (ti.scales.size() != 1 || !(ti.scales[0] > 0))
      invalid("tensor '" + ti.name + "' needs one positive scale, has " +
              std::to_string(ti.scales.size()));
    return ti.scales[0];
  }
  int64_t zp_of(int32_t t) const {
    const TensorInfo& ti = info(t);
    const int64_t z = ti.zero_points.empty() ? 0 : ti.zero_points[0];
    if (z < -128 || z > 127)
      invalid("tensor '" + ti.name + "' has zero point " + std::to_string(z));
    return z;
  }
  [[noreturn]] void no_quantized(const char* what) const {
    throw Error(Code::kUnimplemented,
                node_ + ": " + what + " of int8 tensors is not supported by the C++ runtime");
  }
  // The int8 bounds of a fused activation on output y (TFLite's
  // CalculateActivationRangeQuantized).
  std::pair<int64_t, int64_t> q_bounds(int code, int32_t y) const {
    const float s = scale_of(y);
    const int64_t z = zp_of(y);
    auto q = [&](float v) { return z + int64_t(std::round(v / s)); };
    switch (code) {
      case 0: return {-128, 127};
      case 1: return {std::max<int64_t>(-128, q(0.f)), 127};
      case 2: return {std::max<int64_t>(-128, q(-1.f)), std::min<int64_t>(127, q(1.f))};
      case 3: return {std::max<int64_t>(-128, q(0.f)), std::min<int64_t>(127, q(6.f))};
      default: no_quantized("a fused activation other than RELU, RELU6 or RELU_N1_TO_1");
    }
  }
  // An int32 bias input, or zeros.
  int q_bias(int32_t bt, int64_t n) {
    if (bt >= 0) {
      if (dtype_of(bt) != DType::kInt32) invalid("an int8 operator's bias must be int32");
      return in_slot(bt);
    }
    std::vector<int32_t> zeros(static_cast<size_t>(n), 0);
    return constant(DType::kInt32, {n}, zeros.data());
  }
  // scale(x) * scale(filter channel c) / scale(y) for each of the filter's scales.
  std::vector<double> q_multipliers(int32_t xt, int32_t ft, int32_t yt, int64_t channels) const {
    const auto& fs = info(ft).scales;
    if (fs.size() != 1 && int64_t(fs.size()) != channels)
      invalid("filter '" + info(ft).name + "' has " + std::to_string(fs.size()) + " scales for " +
              std::to_string(channels) + " channels");
    std::vector<double> m;
    for (float f : fs) m.push_back(double(scale_of(xt)) * double(f) / double(scale_of(yt)));
    return m;
  }

  void quantize(const OperatorInfo& op) {
    const int32_t xt = input(op, 0), yt = output(op);
    if (dtype_of(xt) != DType::kFloat32 || !is_q(yt)) no_quantized("QUANTIZE other than float32");
    const int x = in_slot(xt);
    step("quantize", {x}, {fresh(yt)}, {{zp_of(yt), -128, 127}, {scale_of(yt)}});
  }

  void dequantize(const OperatorInfo& op) {
    const int32_t xt = input(op, 0), yt = output(op);
    const int x = in_slot(xt);
    if (is_q(xt)) step("dequantize", {x}, {fresh(yt)}, {{zp_of(xt)}, {scale_of(xt)}});
    else step("cast", {x}, {fresh(yt)});  // (float16 weights)
  }

  void q_conv(const OperatorInfo& op, bool depthwise) {
    const int32_t xt = input(op, 0), ft = input(op, 1), bt = input(op, 2, true), yt = output(op);
    const auto xs = shape_of(xt), fs = shape_of(ft);
    if (xs.size() != 4 || fs.size() != 4 || !is_q(ft) || !is_q(yt))
      invalid("an int8 convolution needs 4-D int8 input, filter and output");
    const int pad = padding_code(op);
    const int64_t sw = opt<int32_t>(op, 1, 1), sh = opt<int32_t>(op, 2, 1);
    const int act = opt<int8_t>(op, depthwise ? 4 : 3, 0);
    const int64_t dw = opt<int32_t>(op, depthwise ? 5 : 4, 1);
    const int64_t dh = opt<int32_t>(op, depthwise ? 6 : 5, 1);
    const int64_t oc = depthwise ? fs[3] : fs[0];
    const auto [pt, pb] = pads(pad, xs[1], fs[1], sh, dh);
    const auto [pl, pr] = pads(pad, xs[2], fs[2], sw, dw);
    const auto [lo, hi] = q_bounds(act, yt);
    const int x = in_slot(xt), f = in_slot(ft), b = q_bias(bt, oc);
    const int64_t filter_id = buffer_of(ft).second > 0 ? new_constant_id() : 0;
    step("qconv2d", {x, f, b}, {fresh(yt)},
         {{sh, sw, dh, dw, pt, pb, pl, pr, depthwise ? 1 : 0, zp_of(xt), zp_of(yt), lo, hi,
           filter_id},
          q_multipliers(xt, ft, yt, oc)});
  }

  void q_fully_connected(const OperatorInfo& op) {
    const int32_t xt = input(op, 0), wt = input(op, 1), bt = input(op, 2, true), yt = output(op);
    const auto ws = shape_of(wt);
    if (ws.size() != 2 || !is_q(wt) || !is_q(yt))
      invalid("an int8 fully connected op needs int8 weights [out, in] and output");
    const int64_t n_out = ws[0], n_in = ws[1], xn = count_of(shape_of(xt));
    if (n_in == 0 || xn % n_in) invalid("input does not fit the weights' inputs");
    const auto [lo, hi] = q_bounds(opt<int8_t>(op, 0, 0), yt);
    const int x = reshaped(in_slot(xt), {xn / n_in, n_in}), w = in_slot(wt);
    const int b = q_bias(bt, n_out);
    const int y = reshaped(fresh(yt), {xn / n_in, n_out});
    std::vector<double> m;  // (TFLite multiplies the two float scales in float32)
    for (float f : info(wt).scales) m.push_back(double(scale_of(xt) * f) / double(scale_of(yt)));
    if (m.size() != 1 && int64_t(m.size()) != n_out)
      invalid("weights '" + info(wt).name + "' have " + std::to_string(m.size()) + " scales for " +
              std::to_string(n_out) + " outputs");
    const int64_t filter_id = buffer_of(wt).second > 0 ? new_constant_id() : 0;
    step("qfully_connected", {x, w, b}, {y},
         {{zp_of(xt), zp_of(wt), zp_of(yt), lo, hi, filter_id}, m});
  }

  // ---- activations ----------------------------------------------------------------------
  // Where an op with fused activation `code` writes before the activation: out itself when
  // there is none (or the kernel fuses it: `fused` lists those codes), else a scratch.
  int pre_activation(int out, int code, std::initializer_list<int> fused = {}) {
    if (code == 0 || std::find(fused.begin(), fused.end(), code) != fused.end()) return out;
    if (code < 0 || code > 4)
      invalid("fused activation " + std::to_string(code) + " is not supported");
    const TensorView v = L_.plan.slot(out);
    return scratch(v.dtype, std::vector<int64_t>(v.shape, v.shape + v.ndim));
  }
  // The steps out = act(pre) (pre == out: none).
  void activate(int pre, int out, int code) {
    if (pre == out) return;
    const TensorView v = L_.plan.slot(out);
    const std::vector<int64_t> shape(v.shape, v.shape + v.ndim);
    switch (code) {
      case 1: step("relu", {pre}, {out}); return;
      case 2: {  // RELU_N1_TO_1
        const int mid = scratch(v.dtype, shape);
        step("maximum", {pre, scalar_f32(-1.f)}, {mid});
        step("minimum", {mid, scalar_f32(1.f)}, {out});
        return;
      }
      case 3: {  // RELU6
        const int mid = scratch(v.dtype, shape);
        step("relu", {pre}, {mid});
        step("minimum", {mid, scalar_f32(6.f)}, {out});
        return;
      }
      case 4: step("tanh", {pre}, {out}); return;
      default: invalid("fused activation " + std::to_string(code) + " is not supported");
    }
  }

  // ---- convolutions and pools -------------------------------------------------------------
  int padding_code(const OperatorInfo& op) const {
    const int p = opt<int8_t>(op, 0, 0);
    if (p != 0 && p != 1)
      invalid("padding " + std::to_string(p) + " is neither SAME (0) nor VALID (1)");
    return p;
  }
  // (before, after) padding of one spatial dimension, as TF splits SAME's.
  std::pair<int64_t, int64_t> pads(int code, int64_t in, int64_t k, int64_t s, int64_t d) const {
    if (s < 1 || d < 1 || k < 1)
      invalid("strides, dilations and window must be >= 1, got " + std::to_string(s) + ", " +
              std::to_string(d) + ", " + std::to_string(k));
    if (code == 1) return {0, 0};
    const int64_t out = (in + s - 1) / s;
    const int64_t need = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
    return {need / 2, need - need / 2};
  }
  void check_out_shape(int32_t t, const std::vector<int64_t>& want) const {
    if (shape_of(t) != want)
      invalid("output '" + info(t).name + "' has shape " + shape_str(shape_of(t)) +
              "; the operator gives " + shape_str(want));
  }
  static int64_t out_len(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1) {
    const int64_t span = in + p0 + p1 - (k - 1) * d;
    return span <= 0 ? 0 : (span - 1) / s + 1;
  }

  // CONV_2D (depthwise false) or DEPTHWISE_CONV_2D.
  void conv(const OperatorInfo& op, bool depthwise) {
    if (is_q(input(op, 0))) return q_conv(op, depthwise);
    const int32_t xt = input(op, 0), ft = input(op, 1), bt = input(op, 2, true), yt = output(op);
    const auto xs = shape_of(xt), fs = shape_of(ft);
    if (xs.size() != 4 || fs.size() != 4)
      invalid("input and filter must be 4-D, got " + shape_str(xs) + " and " + shape_str(fs));
    const int pad = padding_code(op);
    const int64_t sw = opt<int32_t>(op, 1, 1), sh = opt<int32_t>(op, 2, 1);
    const int act = opt<int8_t>(op, depthwise ? 4 : 3, 0);
    const int64_t dw = opt<int32_t>(op, depthwise ? 5 : 4, 1);
    const int64_t dh = opt<int32_t>(op, depthwise ? 6 : 5, 1);
    const int64_t kh = fs[1], kw = fs[2];
    int64_t oc;
    int f;  // the filter in tflite_core's layout
    const bool const_filter = buffer_of(ft).second > 0;
    if (depthwise) {  // 1HW(C*M) -> HWCM, the same bytes
      const int64_t c = xs[3];
      if (fs[0] != 1 || c == 0 || fs[3] % c)
        invalid("depthwise filter " + shape_str(fs) + " does not fit " + std::to_string(c) +
                " input channels");
      oc = fs[3];
      f = reshaped(in_slot(ft), {kh, kw, c, fs[3] / c});
    } else {  // OHWI -> HWIO
      if (fs[3] != xs[3])
        invalid("filter " + shape_str(fs) + " does not fit " + std::to_string(xs[3]) +
                " input channels");
      oc = fs[0];
      f = transposed_filter(ft);
    }
    const auto [pt, pb] = pads(pad, xs[1], kh, sh, dh);
    const auto [pl, pr] = pads(pad, xs[2], kw, sw, dw);
    check_out_shape(
        yt, {xs[0], out_len(xs[1], kh, sh, dh, pt, pb), out_len(xs[2], kw, sw, dw, pl, pr), oc});
    std::vector<float> zeros;
    int b;
    if (bt >= 0) {
      b = in_slot(bt);
    } else {
      zeros.assign(size_t(oc), 0.f);
      b = constant(DType::kFloat32, {oc}, zeros.data());
    }
    const int y = fresh(yt);
    const int pre = pre_activation(y, act, {1, 3});
    const int64_t fused_act = act == 1 ? 1 : act == 3 ? 2 : 0;
    step(depthwise ? "depthwise_conv2d_bias_act" : "conv2d_bias_act", {in_slot(xt), f, b}, {pre},
         {{sh, sw, dh, dw, pt, pb, pl, pr, fused_act, const_filter ? new_constant_id() : 0}, {}});
    activate(pre, y, act);
  }

  // A CONV_2D filter OHWI as HWIO: transposed once when constant, else a transpose step.
  int transposed_filter(int32_t ft) {
    const auto fs = shape_of(ft);
    const int src = in_slot(ft);
    const std::vector<int64_t> hwio = {fs[1], fs[2], fs[3], fs[0]};
    if (buffer_of(ft).second == 0) {
      const int dst = scratch(L_.plan.slot(src).dtype, hwio);
      step("transpose", {src}, {dst}, {{1, 2, 3, 0}, {}});
      return dst;
    }
    const TensorView v = L_.plan.slot(src);
    const int dst = scratch(v.dtype, hwio);
    const int64_t es = dtype_size(v.dtype), O = fs[0], inner = fs[1] * fs[2] * fs[3];
    const auto* from = static_cast<const uint8_t*>(v.data);
    auto* to = static_cast<uint8_t*>(L_.plan.slot(dst).data);
    for (int64_t o = 0; o < O; ++o)
      for (int64_t r = 0; r < inner; ++r)
        std::memcpy(to + (r * O + o) * es, from + (o * inner + r) * es, size_t(es));
    return dst;
  }

  void pool(const OperatorInfo& op, const char* kernel) {
    const int32_t xt = input(op, 0), yt = output(op);
    const auto xs = shape_of(xt);
    if (xs.size() != 4) invalid("input must be 4-D, got " + shape_str(xs));
    const int pad = padding_code(op);
    const int64_t sw = opt<int32_t>(op, 1, 1), sh = opt<int32_t>(op, 2, 1);
    const int64_t fw = opt<int32_t>(op, 3, 1), fh = opt<int32_t>(op, 4, 1);
    const int act = opt<int8_t>(op, 5, 0);
    const auto [pt, pb] = pads(pad, xs[1], fh, sh, 1);
    const auto [pl, pr] = pads(pad, xs[2], fw, sw, 1);
    check_out_shape(
        yt, {xs[0], out_len(xs[1], fh, sh, 1, pt, pb), out_len(xs[2], fw, sw, 1, pl, pr), xs[3]});
    if (is_q(xt)) {
      if (std::string(kernel) != "max_pool") no_quantized("AVERAGE_POOL_2D");
      if (scale_of(xt) != scale_of(yt) || zp_of(xt) != zp_of(yt))
        no_quantized("MAX_POOL_2D with different input and output scales");
      const auto [lo, hi] = q_bounds(act, yt);
      const int x = in_slot(xt);
      step("qmax_pool", {x}, {fresh(yt)}, {{fh, fw, sh, sw, pt, pb, pl, pr, lo, hi}, {}});
      return;
    }
    const int y = fresh(yt);
    const int pre = pre_activation(y, act);
    step(kernel, {in_slot(xt)}, {pre}, {{fh, fw, sh, sw, pt, pb, pl, pr}, {}});
    activate(pre, y, act);
  }

  void fully_connected(const OperatorInfo& op) {
    if (is_q(input(op, 0))) return q_fully_connected(op);
    const int32_t xt = input(op, 0), wt = input(op, 1), bt = input(op, 2, true), yt = output(op);
    if (opt<int8_t>(op, 1, 0) != 0) invalid("only the DEFAULT weights format is supported");
    const auto ws = shape_of(wt);
    if (ws.size() != 2) invalid("weights must be 2-D [out, in], got " + shape_str(ws));
    const int64_t n_out = ws[0], n_in = ws[1];
    const int64_t xn = count_of(shape_of(xt));
    if (n_in == 0 || xn % n_in)
      invalid("input of " + std::to_string(xn) + " elements is no multiple of the weights' " +
              std::to_string(n_in) + " inputs");
    const int64_t rows = xn / n_in;
    const int act = opt<int8_t>(op, 0, 0);
    const int y = fresh(yt);
    const int y2 = reshaped(y, {rows, n_out});
    const int pre = pre_activation(y2, act);
    const int x2 = reshaped(in_slot(xt), {rows, n_in});
    if (bt >= 0) {
      const int prod = scratch(L_.plan.slot(y).dtype, {rows, n_out});
      step("matmul", {x2, in_slot(wt)}, {prod}, {{0, 1}, {}});
      step("add", {prod, in_slot(bt)}, {pre});
    } else {
      step("matmul", {x2, in_slot(wt)}, {pre}, {{0, 1}, {}});
    }
    activate(pre, y2, act);
  }

  void binary(const OperatorInfo& op, const char* kernel, bool has_act) {
    const int32_t at = input(op, 0), bt = input(op, 1), yt = output(op);
    if (is_q(at)) {
      if (std::string(kernel) != "add") no_quantized(kernel);
      if (shape_of(at) != shape_of(bt) || shape_of(at) != shape_of(yt) || !is_q(bt) || !is_q(yt))
        no_quantized("ADD with broadcasting or mixed types");
      const auto [lo, hi] = q_bounds(opt<int8_t>(op, 0, 0), yt);
      const int a = in_slot(at), b = in_slot(bt);
      step("qadd", {a, b}, {fresh(yt)},
           {{zp_of(at), zp_of(bt), zp_of(yt), lo, hi}, {scale_of(at), scale_of(bt), scale_of(yt)}});
      return;
    }
    const int act = has_act ? opt<int8_t>(op, 0, 0) : 0;
    const int y = fresh(yt);
    const int pre = pre_activation(y, act);
    step(kernel, {in_slot(at), in_slot(bt)}, {pre});
    activate(pre, y, act);
  }

  void unary(const OperatorInfo& op, const char* kernel) {
    const int32_t xt = input(op, 0), yt = output(op);
    const int x = in_slot(xt);
    step(kernel, {x}, {fresh(yt)});
  }

  void activation_op(const OperatorInfo& op, int code) {
    const int32_t xt = input(op, 0), yt = output(op);
    const int x = in_slot(xt);
    activate(x, fresh(yt), code);
  }

  // RESHAPE, SQUEEZE, EXPAND_DIMS: the output is a view of the input with the output's shape.
  void view_op(const OperatorInfo& op) {
    const int32_t xt = input(op, 0), yt = output(op);
    if (dtype_of(xt) != dtype_of(yt)) invalid("input and output types differ");
    if (slot_[size_t(yt)] >= 0) invalid("tensor '" + info(yt).name + "' is written twice");
    slot_[size_t(yt)] = reshaped(in_slot(xt), shape_of(yt));
  }

  void softmax(const OperatorInfo& op) {
    const int32_t xt = input(op, 0), yt = output(op);
    const float beta = opt<float>(op, 0, 0.f);
    if (is_q(xt)) {
      const int xq = in_slot(xt);
      step("qsoftmax", {xq}, {fresh(yt)}, {{zp_of(yt)}, {scale_of(xt) * beta, scale_of(yt)}});
      return;
    }
    int x = in_slot(xt);
    if (beta != 1.f) {
      const auto xs = shape_of(xt);
      const int scaled = scratch(DType::kFloat32, xs);
      step("mul", {x, scalar_f32(beta)}, {scaled});
      x = scaled;
    }
    step("softmax", {x}, {fresh(yt)});
  }

  void reduce(const OperatorInfo& op, const char* kernel) {
    const int32_t xt = input(op, 0), yt = output(op);
    const auto xs = shape_of(xt);
    Attrs a;  // (one 0/1 flag per input dimension)
    a.ints.resize(xs.size());
    const std::vector<int64_t> axes = ints_of(input(op, 1), "axis");
    for (const int64_t axis : axes) {
      const int64_t r = int64_t(xs.size());
      if (axis < -r || axis >= r)
        invalid("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(r));
      a.ints[size_t(axis < 0 ? axis + r : axis)] = 1;
    }
    const int x = in_slot(xt);
    if (is_q(xt)) {
      if (std::string(kernel) != "reduce_mean") no_quantized(kernel);
      a.ints.insert(a.ints.begin(), {zp_of(xt), zp_of(yt)});
      a.floats = {scale_of(xt), scale_of(yt)};
      step("qmean", {x}, {fresh(yt)}, a);
      return;
    }
    step(kernel, {x}, {fresh(yt)}, a);
  }

  void concat(const OperatorInfo& op) {
    const int32_t yt = output(op);
    const int64_t rank = int64_t(shape_of(yt).size());
    int64_t axis = opt<int32_t>(op, 0, 0);
    if (axis < -rank || axis >= rank)
      invalid("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    if (axis < 0) axis += rank;
    const int act = opt<int8_t>(op, 1, 0);
    std::vector<int> in;
    for (size_t i = 0; i < op.inputs.size(); ++i) in.push_back(in_slot(input(op, i)));
    const int y = fresh(yt);
    const int pre = pre_activation(y, act);
    step("concat", in, {pre}, {{axis}, {}});
    activate(pre, y, act);
  }

  void pad(const OperatorInfo& op, bool v2) {
    const int32_t xt = input(op, 0), yt = output(op);
    const auto p = ints_of(input(op, 1), "paddings");
    if (p.size() != 2 * shape_of(xt).size())
      invalid("paddings must be [" + std::to_string(shape_of(xt).size()) + ", 2]");
    Attrs a{p, {}};
    if (v2 && input(op, 2, true) >= 0) {
      const int32_t vt = input(op, 2);
      auto [data, size] = buffer_of(vt);
      if (dtype_of(vt) != DType::kFloat32 || size != 4)
        throw Error(Code::kUnimplemented, node_ + ": the pad value must be a float32 constant");
      float value;
      std::memcpy(&value, data, 4);
      a.floats.push_back(value);
    }
    const int x = in_slot(xt);
    step("pad", {x}, {fresh(yt)}, a);
  }

  void lower_op(const OperatorInfo& op) {
    static const int kInt8Ops[] = {0, 3, 4, 6, 9, 17, 22, 25, 40, 43, 70, 114};
    if (std::find(std::begin(kInt8Ops), std::end(kInt8Ops), op.opcode) == std::end(kInt8Ops))
      for (const auto* ts : {&op.inputs, &op.outputs})
        for (int32_t t : *ts)
          if (t >= 0 && is_q(t)) no_quantized(builtin_name(op.opcode).c_str());
    switch (op.opcode) {
      case 0: return binary(op, "add", true);
      case 1: return pool(op, "avg_pool");
      case 2: return concat(op);
      case 3: return conv(op, false);
      case 4: return conv(op, true);
      case 6: return dequantize(op);
      case 9: return fully_connected(op);
      case 14: return unary(op, "sigmoid");
      case 17: return pool(op, "max_pool");
      case 18: return binary(op, "mul", true);
      case 19: return activation_op(op, 1);
      case 20: return activation_op(op, 2);
      case 21: return activation_op(op, 3);
      case 22:
      case 43:
      case 70: return view_op(op);
      case 25: return softmax(op);
      case 28: return unary(op, "tanh");
      case 34: return pad(op, false);
      case 40: return reduce(op, "reduce_mean");
      case 41: return binary(op, "sub", true);
      case 42: return binary(op, "div", true);
      case 47: return unary(op, "exp");
      case 55: return binary(op, "maximum", false);
      case 57: return binary(op, "minimum", false);
      case 60: return pad(op, true);
      case 74: return reduce(op, "reduce_sum");
      case 114: return quantize(op);
      default: break;
    }
    const std::string name =
        op.opcode == 32 ? "custom op '" + op.custom_code + "'" : builtin_name(op.opcode);
    throw Error(Code::kNotFound, "operator " + std::to_string(k_) + ": the C++ runtime has no " +
                                     "kernel for " + name + " (version " +
                                     std::to_string(op.version) + ")");
  }

  const Model& m_;
  const SubGraph& g_;
  Lowered& L_;
  std::vector<int> slot_;  // tensor -> slot, -1 until made
  int64_t total_bytes_ = 0;
  struct Scratch {
    size_t storage;  // its index in L_.storage
    int64_t bytes;
  };
  std::map<void*, Scratch> scratch_;  // the buffers scratch() made
  int k_ = 0;
  std::string node_;
};

}  // namespace

std::unique_ptr<Lowered> lower(const Model& m) {
  auto L = std::make_unique<Lowered>();
  Builder(m, *L).run();
  return L;
}

}  // namespace tfl::lite
