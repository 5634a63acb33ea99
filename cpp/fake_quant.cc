// fake_quant.cc: TF's fake quantization (FakeQuantWithMinMaxArgs/Vars/VarsPerChannel and their
// gradients). The range [min, max] is nudged so that zero is exactly representable; values are
// clamped to it and rounded to one of 2^num_bits levels (1 fewer with narrow_range).
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"

namespace tfl {

namespace {

struct Nudged {
  float min, max, scale;
};

Nudged nudge(float min, float max, int num_bits, bool narrow) {
  const float qmin = narrow ? 1.0f : 0.0f;
  const float qmax = float((1 << num_bits) - 1);
  const float scale = (max - min) / (qmax - qmin);
  const float zp_from_min = qmin - min / scale;
  float zp;
  if (zp_from_min < qmin) zp = qmin;
  else if (zp_from_min > qmax) zp = qmax;
  else zp = std::round(zp_from_min);
  return {(qmin - zp) * scale, (qmax - zp) * scale, scale};
}

void check_bits(const char* op, int64_t bits) {
  if (bits < 2 || bits > 16) fail(op, "num_bits must be between 2 and 16, inclusive");
}

float quant(float x, const Nudged& n) {
  const float c = std::min(std::max(x, n.min), n.max) - n.min;
  return std::floor(c * (1.0f / n.scale) + 0.5f) * n.scale + n.min;
}

// The per-channel (min, max) of channel c: scalars, or vectors over the last dimension.
void ranges(const char* op, const TensorView& x, const TensorView& mn, const TensorView& mx,
            int64_t& channels) {
  check_dtype(op, x, DType::kFloat32, "inputs");
  check_dtype(op, mn, DType::kFloat32, "min");
  check_dtype(op, mx, DType::kFloat32, "max");
  channels = mn.size();
  if (mx.size() != channels) fail(op, "min and max must have the same shape");
  if (channels != 1 || mn.ndim == 1) {
    const int64_t depth = x.ndim ? x.shape[x.ndim - 1] : 1;
    if (mn.ndim != 1 || depth != channels)
      fail(op, "min and max must be vectors of the inputs' last dimension ", depth, ", got ",
           mn.shape_str());
  }
}

// x -> y; floats = [min, max], ints = [num_bits, narrow_range]
void k_fake_quant(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "FakeQuantWithMinMaxArgs";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  check_dtype(op, in[0], DType::kFloat32, "inputs");
  check_bits(op, a.i(0, op));
  const float mn = float(a.f(0, op)), mx = float(a.f(1, op));
  if (!(mn < mx)) fail(op, "min has to be smaller than max, was: min=", mn, ", max=", mx);
  const Nudged n = nudge(mn, mx, int(a.i(0, op)), a.i(1, op) != 0);
  const float* x = in[0].ptr<float>();
  float* y = out[0].ptr<float>();
  parallel_for(in[0].size(), kCheapGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) y[i] = quant(x[i], n);
  });
}

// dy, x -> dx (dy where x is inside the nudged range)
void k_fake_quant_grad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "FakeQuantWithMinMaxArgsGradient";
  check_count(op, size_t(nin), 2, size_t(nout), 1);
  check_dtype(op, in[0], DType::kFloat32, "gradients");
  check_same_shape(op, in[0], in[1]);
  check_bits(op, a.i(0, op));
  const float mn = float(a.f(0, op)), mx = float(a.f(1, op));
  if (!(mn < mx)) fail(op, "min has to be smaller than max, was: min=", mn, ", max=", mx);
  const Nudged n = nudge(mn, mx, int(a.i(0, op)), a.i(1, op) != 0);
  const float *dy = in[0].ptr<float>(), *x = in[1].ptr<float>();
  float* dx = out[0].ptr<float>();
  for (int64_t i = 0; i < in[0].size(); ++i)
    dx[i] = (x[i] >= n.min && x[i] <= n.max) ? dy[i] : 0.0f;
}

// x, min, max (scalars or [depth]) -> y; ints = [num_bits, narrow_range]
void k_fake_quant_vars(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "FakeQuantWithMinMaxVars";
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  int64_t ch = 1;
  ranges(op, in[0], in[1], in[2], ch);
  check_bits(op, a.i(0, op));
  std::vector<Nudged> n(static_cast<size_t>(ch));
  for (int64_t c = 0; c < ch; ++c) {
    const float mn = in[1].ptr<float>()[c], mx = in[2].ptr<float>()[c];
    if (mn > mx) fail(op, "min has to be smaller than max, was: min=", mn, ", max=", mx);
    n[size_t(c)] = nudge(mn, mx, int(a.i(0, op)), a.i(1, op) != 0);
  }
  const float* x = in[0].ptr<float>();
  float* y = out[0].ptr<float>();
  for (int64_t i = 0; i < in[0].size(); ++i) y[i] = quant(x[i], n[size_t(i % ch)]);
}

// dy, x, min, max -> dx, dmin, dmax (dmin/dmax: dy summed below/above the nudged range)
void k_fake_quant_vars_grad(const TensorView* in, int nin, TensorView* out, int nout,
                            const Attrs& a) {
  const char* op = "FakeQuantWithMinMaxVarsGradient";
  check_count(op, size_t(nin), 4, size_t(nout), 3);
  check_same_shape(op, in[0], in[1]);
  int64_t ch = 1;
  ranges(op, in[1], in[2], in[3], ch);
  check_bits(op, a.i(0, op));
  std::vector<Nudged> n(static_cast<size_t>(ch));
  for (int64_t c = 0; c < ch; ++c) {
    const float mn = in[2].ptr<float>()[c], mx = in[3].ptr<float>()[c];
    if (mn > mx) fail(op, "min has to be smaller than max, was: min=", mn, ", max=", mx);
    n[size_t(c)] = nudge(mn, mx, int(a.i(0, op)), a.i(1, op) != 0);
  }
  const float *dy = in[0].ptr<float>(), *x = in[1].ptr<float>();
  float *dx = out[0].ptr<float>(), *dmin = out[1].ptr<float>(), *dmax = out[2].ptr<float>();
  std::vector<double> lo(static_cast<size_t>(ch), 0.0), hi(static_cast<size_t>(ch), 0.0);
  for (int64_t i = 0; i < in[0].size(); ++i) {
    const Nudged& m = n[size_t(i % ch)];
    const bool below = x[i]<m.min, above = x[i]> m.max;
    dx[i] = (below || above) ? 0.0f : dy[i];
    if (below) lo[size_t(i % ch)] += dy[i];
    if (above) hi[size_t(i % ch)] += dy[i];
  }
  for (int64_t c = 0; c < ch; ++c) {
    dmin[c] = float(lo[size_t(c)]);
    dmax[c] = float(hi[size_t(c)]);
  }
}

}  // namespace

void register_fake_quant(Registry& r) {
  r["fake_quant"] = k_fake_quant;
  r["fake_quant_grad"] = k_fake_quant_grad;
  r["fake_quant_vars"] = k_fake_quant_vars;
  r["fake_quant_vars_grad"] = k_fake_quant_vars_grad;
}

}  // namespace tfl
