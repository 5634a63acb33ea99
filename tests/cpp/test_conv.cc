// conv2d and depthwise conv2d, forward and both gradients, against a naive double-precision loop:
// odd sizes, strides 1-3, SAME and VALID (TF's padding rule), even filter sizes, dilation, batch 1
// and more; every backend of this build (oneDNN and the reference), float32 and float64; the two
// backends against each other; thread-count invariance; empty dims; malformed calls.
#include <algorithm>
#include <string>

#include "conv.h"
#include "harness.h"

#ifdef TFLITE_CORE_USE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

namespace {

struct Geo {
  int64_t n, h, w, c, kh, kw, oc;  // oc: output channels (conv) or the multiplier (depthwise)
  int64_t sh, sw, dh, dw;
  bool same;
  bool depthwise;
  // derived: TF's SAME/VALID paddings and output size
  int64_t oh = 0, ow = 0, pt = 0, pb = 0, pl = 0, pr = 0;
  int64_t out_c() const { return depthwise ? c * oc : oc; }
  std::vector<int64_t> ints() const { return {sh, sw, dh, dw, pt, pb, pl, pr}; }
};

// TF: SAME gives ceil(in / stride) outputs and splits the padding with the extra one after.
void tf_padding(int64_t in, int64_t k, int64_t s, int64_t d, bool same, int64_t& out,
                int64_t& before, int64_t& after) {
  const int64_t ek = (k - 1) * d + 1;
  if (same) {
    out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>((out - 1) * s + ek - in, 0);
    before = total / 2;
    after = total - before;
  } else {
    out = in >= ek ? (in - ek) / s + 1 : 0;
    before = after = 0;
  }
}

Geo make(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw, int64_t oc, int64_t sh,
         int64_t sw, int64_t dh, int64_t dw, bool same, bool depthwise = false) {
  Geo g{n, h, w, c, kh, kw, oc, sh, sw, dh, dw, same, depthwise};
  tf_padding(h, kh, sh, dh, same, g.oh, g.pt, g.pb);
  tf_padding(w, kw, sw, dw, same, g.ow, g.pl, g.pr);
  return g;
}

size_t xi(const Geo& g, int64_t n, int64_t h, int64_t w, int64_t c) {
  return size_t(((n * g.h + h) * g.w + w) * g.c + c);
}
size_t yi(const Geo& g, int64_t n, int64_t h, int64_t w, int64_t o) {
  return size_t(((n * g.oh + h) * g.ow + w) * g.out_c() + o);
}

// Calls fn(x index, filter index, y index) for every product term of the convolution.
template <typename F>
void each_term(const Geo& g, F&& fn) {
  const int64_t fo = g.oc;  // the filter's last dim: output channels or the multiplier
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t oh = 0; oh < g.oh; ++oh)
      for (int64_t ow = 0; ow < g.ow; ++ow)
        for (int64_t kh = 0; kh < g.kh; ++kh)
          for (int64_t kw = 0; kw < g.kw; ++kw) {
            const int64_t ih = oh * g.sh - g.pt + kh * g.dh, iw = ow * g.sw - g.pl + kw * g.dw;
            if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
            for (int64_t c = 0; c < g.c; ++c)
              for (int64_t o = 0; o < fo; ++o) {
                const size_t fidx = size_t(((kh * g.kw + kw) * g.c + c) * fo + o);
                const int64_t oc = g.depthwise ? c * g.oc + o : o;
                fn(xi(g, n, ih, iw, c), fidx, yi(g, n, oh, ow, oc));
              }
          }
}

// Selects a backend; "onednn/primitive" and "onednn/gemm" also fix the filter-gradient path
// (by default chosen per CPU and shape), so that both stay tested on any machine.
void use(const std::string& b) {
  const auto slash = b.find('/');
  tfl::set_conv_backend(b.substr(0, slash));
  tfl::set_filter_grad_path(slash == std::string::npos      ? tfl::FilterGradPath::kAuto
                            : b.substr(slash + 1) == "gemm" ? tfl::FilterGradPath::kGemm
                                                            : tfl::FilterGradPath::kPrimitive);
}

std::vector<std::string> backends() {
  std::vector<std::string> b{"reference"};
  try {
    tfl::set_conv_backend("onednn");
    b.insert(b.end(), {"onednn/primitive", "onednn/gemm", "onednn"});
  } catch (const tfl::KernelError&) {
  }
  use(b.back());
  return b;
}

struct Restore {
  std::string saved = tfl::conv_backend();
  ~Restore() { use(saved); }
};

template <typename T>
void check_geometry(const Geo& g, const std::string& backend, double tol) {
  Restore restore;
  use(backend);
  const std::string pre = g.depthwise ? "depthwise_conv2d" : "conv2d";
  const std::vector<int64_t> fshape{g.kh, g.kw, g.c, g.oc};
  Buf<T> x({g.n, g.h, g.w, g.c}), f(fshape), dy({g.n, g.oh, g.ow, g.out_c()});
  fill_random(x, -1, 1, uint64_t(g.h * 31 + g.c));
  fill_random(f, -1, 1, uint64_t(g.kw * 17 + g.oc));
  fill_random(dy, -1, 1, uint64_t(g.ow * 7 + 3));
  Buf<T> y({g.n, g.oh, g.ow, g.out_c()}, T(99)), dx({g.n, g.h, g.w, g.c}, T(99)), df(fshape, T(99));
  call(pre, {x.view, f.view}, {y.view}, g.ints());
  call(pre + "_backprop_input", {f.view, dy.view}, {dx.view}, g.ints());
  call(pre + "_backprop_filter", {x.view, dy.view}, {df.view}, g.ints());
  std::vector<double> wy(y.size(), 0.0), wdx(dx.size(), 0.0), wdf(df.size(), 0.0);
  each_term(g, [&](size_t i, size_t k, size_t o) {
    wy[o] += double(x[i]) * double(f[k]);
    wdx[i] += double(dy[o]) * double(f[k]);
    wdf[k] += double(x[i]) * double(dy[o]);
  });
  for (size_t i = 0; i < wy.size(); ++i) CHECK_NEAR(y[i], wy[i], tol);
  for (size_t i = 0; i < wdx.size(); ++i) CHECK_NEAR(dx[i], wdx[i], tol);
  for (size_t i = 0; i < wdf.size(); ++i) CHECK_NEAR(df[i], wdf[i], tol);
}

std::vector<Geo> geometries(bool depthwise) {
  std::vector<Geo> out;
  for (bool same : {true, false}) {
    for (int64_t s = 1; s <= 3; ++s) {
      out.push_back(make(1, 7, 9, 3, 3, 3, depthwise ? 2 : 5, s, s, 1, 1, same, depthwise));
      out.push_back(make(2, 8, 6, 4, 2, 4, depthwise ? 1 : 3, s, 1, 1, 1, same, depthwise));
      out.push_back(make(3, 5, 11, 2, 4, 2, depthwise ? 3 : 4, 1, s, 1, 1, same, depthwise));
    }
    out.push_back(make(2, 9, 10, 3, 3, 2, depthwise ? 2 : 4, 1, 1, 2, 3, same, depthwise));
    out.push_back(make(1, 12, 12, 5, 3, 3, depthwise ? 1 : 6, 2, 2, 2, 2, same, depthwise));
    out.push_back(make(2, 6, 6, 8, 1, 1, depthwise ? 2 : 7, 1, 1, 1, 1, same, depthwise));
    out.push_back(make(1, 6, 7, 3, 1, 1, depthwise ? 1 : 2, 2, 3, 1, 1, same, depthwise));
    out.push_back(make(4, 14, 13, 16, 3, 3, depthwise ? 1 : 24, 1, 1, 1, 1, same, depthwise));
    out.push_back(make(1, 3, 3, 2, 5, 5, depthwise ? 1 : 2, 1, 1, 1, 1, same, depthwise));
  }
  return out;
}

}  // namespace

TEST_CASE(conv2d_matches_naive_loops_float32) {
  for (const auto& b : backends())
    for (const auto& g : geometries(false))
      if (g.oh > 0 && g.ow > 0) check_geometry<float>(g, b, 2e-5);
}

TEST_CASE(conv2d_matches_naive_loops_float64) {
  for (const auto& g : geometries(false))
    if (g.oh > 0 && g.ow > 0) check_geometry<double>(g, "reference", 1e-12);
}

TEST_CASE(depthwise_matches_naive_loops_float32) {
  for (const auto& b : backends())
    for (const auto& g : geometries(true))
      if (g.oh > 0 && g.ow > 0) check_geometry<float>(g, b, 2e-5);
}

TEST_CASE(depthwise_matches_naive_loops_float64) {
  for (const auto& g : geometries(true))
    if (g.oh > 0 && g.ow > 0) check_geometry<double>(g, "reference", 1e-12);
}

TEST_CASE(tf_same_padding_puts_the_extra_row_after) {
  // in 4, window 2, stride 1: 4 outputs, one padded row, after the input (bottom/right)
  const Geo g = make(1, 4, 4, 1, 2, 2, 1, 1, 1, 1, 1, true);
  CHECK(g.oh == 4 && g.pt == 0 && g.pb == 1);
  const Geo g2 = make(1, 5, 5, 1, 4, 4, 1, 2, 2, 1, 1, true);  // out 3, total 3: 1 before, 2 after
  CHECK(g2.oh == 3 && g2.pt == 1 && g2.pb == 2);
  for (const auto& b : backends()) {
    check_geometry<float>(g, b, 2e-5);
    check_geometry<float>(g2, b, 2e-5);
  }
}

// The two backends agree on a larger random problem (the benchmark's layer, batch 2).
TEST_CASE(onednn_and_reference_agree) {
  const auto bs = backends();
  if (bs.size() < 2) return;  // OpenBLAS build: one backend only
  Restore restore;
  for (bool dw : {false, true}) {
    const Geo g = make(2, 17, 19, dw ? 24 : 64, 3, 3, dw ? 2 : 48, 2, 1, 1, 1, true, dw);
    const std::string pre = dw ? "depthwise_conv2d" : "conv2d";
    Buf<float> x({g.n, g.h, g.w, g.c}), f({g.kh, g.kw, g.c, g.oc});
    Buf<float> dy({g.n, g.oh, g.ow, g.out_c()});
    fill_random(x, -1, 1, 5);
    fill_random(f, -1, 1, 6);
    fill_random(dy, -1, 1, 7);
    std::vector<std::vector<float>> res[2];
    for (int k = 0; k < 2; ++k) {
      use(k == 0 ? "reference" : "onednn/primitive");
      Buf<float> y({g.n, g.oh, g.ow, g.out_c()}), dx({g.n, g.h, g.w, g.c});
      Buf<float> df({g.kh, g.kw, g.c, g.oc});
      call(pre, {x.view, f.view}, {y.view}, g.ints());
      call(pre + "_backprop_input", {f.view, dy.view}, {dx.view}, g.ints());
      call(pre + "_backprop_filter", {x.view, dy.view}, {df.view}, g.ints());
      res[k] = {y.data, dx.data, df.data};
    }
    for (size_t j = 0; j < 3; ++j)
      for (size_t i = 0; i < res[0][j].size(); ++i) CHECK_NEAR(res[0][j][i], res[1][j][i], 1e-5);
  }
}

TEST_CASE(same_result_one_and_two_threads) {
  Restore restore;
  const Geo g = make(3, 21, 20, 16, 3, 3, 32, 1, 1, 1, 1, true);
  Buf<float> x({g.n, g.h, g.w, g.c}), dy({g.n, g.oh, g.ow, g.oc}), f({3, 3, 16, 32});
  fill_random(x, -1, 1, 8);
  fill_random(dy, -1, 1, 9);
  fill_random(f, -1, 1, 10);
  for (const auto& b : backends()) {
    use(b);
    auto run = [&] {
      Buf<float> y({g.n, g.oh, g.ow, g.oc}), df({3, 3, 16, 32});
      call("conv2d", {x.view, f.view}, {y.view}, g.ints());
      call("conv2d_backprop_filter", {x.view, dy.view}, {df.view}, g.ints());
      y.data.insert(y.data.end(), df.data.begin(), df.data.end());
      return y.data;
    };
    const auto one = tfl_test::with_threads(1, run), two = tfl_test::with_threads(2, run);
    for (size_t i = 0; i < one.size(); ++i) {
      if (b == "reference") CHECK(one[i] == two[i]);  // fixed chunking: bit-identical
      CHECK_NEAR(one[i], two[i], 1e-5);
    }
  }
}

TEST_CASE(empty_dims) {
  Restore restore;
  for (const auto& b : backends()) {
    use(b);
    // no input channels: the output is a sum over nothing
    Buf<float> x({2, 4, 4, 0}), f({3, 3, 0, 5}), y({2, 4, 4, 5}, 7.0f);
    call("conv2d", {x.view, f.view}, {y.view}, {1, 1, 1, 1, 1, 1, 1, 1});
    for (size_t i = 0; i < y.size(); ++i) CHECK(y[i] == 0.0f);
    // empty batch: nothing to write
    Buf<float> x0({0, 4, 4, 3}), f0({3, 3, 3, 2}), y0({0, 2, 2, 2}), dx0({0, 4, 4, 3});
    call("conv2d", {x0.view, f0.view}, {y0.view}, {1, 1, 1, 1, 0, 0, 0, 0});
    call("conv2d_backprop_input", {f0.view, y0.view}, {dx0.view}, {1, 1, 1, 1, 0, 0, 0, 0});
    Buf<float> df({3, 3, 3, 2}, 7.0f);
    call("conv2d_backprop_filter", {x0.view, y0.view}, {df.view}, {1, 1, 1, 1, 0, 0, 0, 0});
    for (size_t i = 0; i < df.size(); ++i) CHECK(df[i] == 0.0f);
  }
}

TEST_CASE(malformed_calls_throw) {
  Buf<float> x({1, 4, 4, 3}), f({3, 3, 3, 2}), y({1, 2, 2, 2});
  const std::vector<int64_t> ok{1, 1, 1, 1, 0, 0, 0, 0};
  call("conv2d", {x.view, f.view}, {y.view}, ok);
  Buf<float> f2({3, 3, 2, 2});  // in channels 2 vs 3
  CHECK_THROWS(call("conv2d", {x.view, f2.view}, {y.view}, ok));
  Buf<float> y2({1, 3, 3, 2});  // wrong output size
  CHECK_THROWS(call("conv2d", {x.view, f.view}, {y2.view}, ok));
  CHECK_THROWS(call("conv2d", {x.view, f.view}, {y.view}, {1, 1, 1, 1}));  // 4 ints
  CHECK_THROWS(call("conv2d", {x.view, f.view}, {y.view}, {0, 1, 1, 1, 0, 0, 0, 0}));  // stride 0
  CHECK_THROWS(call("conv2d", {x.view, f.view}, {y.view}, {1, 1, 1, 1, -1, 0, 0, 0}));
  Buf<int32_t> xi({1, 4, 4, 3}), fi({3, 3, 3, 2}), yi({1, 2, 2, 2});
  CHECK_THROWS(call("conv2d", {xi.view, fi.view}, {yi.view}, ok));
  Buf<double> fd({3, 3, 3, 2});
  CHECK_THROWS(call("conv2d", {x.view, fd.view}, {y.view}, ok));  // mixed dtypes
  Buf<float> x3({4, 4, 3});
  CHECK_THROWS(call("conv2d", {x3.view, f.view}, {y.view}, ok));
  Buf<float> dy({1, 2, 2, 6});  // depthwise: 3 channels x multiplier 2
  Buf<float> dwf({3, 3, 3, 2}), dwy({1, 2, 2, 5});
  call("depthwise_conv2d", {x.view, dwf.view}, {dy.view}, ok);
  CHECK_THROWS(call("depthwise_conv2d", {x.view, dwf.view}, {dwy.view}, ok));
  bool threw = false;
  try {
    call("conv2d", {x.view, f2.view}, {y.view}, ok);
  } catch (const tfl::KernelError& e) {
    threw = std::string(e.what()).rfind("[Conv2D] ", 0) == 0;
  }
  CHECK(threw);
}

TEST_CASE(backend_switch) {
  Restore restore;
  CHECK_THROWS(tfl::set_conv_backend("cudnn"));
  tfl::set_conv_backend("reference");
  CHECK(std::string(tfl::conv_backend()) == "reference");
#ifdef TFLITE_CORE_USE_ONEDNN
  tfl::set_conv_backend("onednn");
  CHECK(std::string(tfl::conv_backend()) == "onednn");
#else
  CHECK_THROWS(tfl::set_conv_backend("onednn"));
#endif
}

TEST_CASE(filter_gradient_path_rule) {
  // few filter taps x input channels (an RGB first layer): the oneDNN primitive on every CPU
  const Geo rgb = make(8, 32, 32, 3, 3, 3, 32, 2, 2, 1, 1, true);
  tfl::ConvGeom g{rgb.n,  rgb.h,  rgb.w,  rgb.c,  rgb.kh, rgb.kw, rgb.oc, 0,      rgb.oh,
                  rgb.ow, rgb.sh, rgb.sw, rgb.dh, rgb.dw, rgb.pt, rgb.pb, rgb.pl, rgb.pr};
  CHECK(!tfl::dnnl_filter_grad_by_gemm(g));
  g.c = 64;  // 576 taps x channels: im2col + sgemm where AVX-512 is missing
#ifdef TFLITE_CORE_USE_ONEDNN
  const int isa = int(dnnl::get_effective_cpu_isa()), avx512 = int(dnnl::cpu_isa::avx512_core);
  CHECK(tfl::dnnl_filter_grad_by_gemm(g) == ((isa & avx512) != avx512));
#else
  CHECK(!tfl::dnnl_filter_grad_by_gemm(g));
#endif
}

// oneDNN 3.2's backward-weights primitive for strided 1x1 filters corrupts the heap and returns
// wrong sums for few input channels (and depthwise with one channel): those filter gradients
// must not reach it, whatever path is asked for.
TEST_CASE(strided_1x1_filter_gradients) {
  for (const auto& b : backends())
    for (int rep = 0; rep < 3; ++rep) {
      for (int64_t c : {1, 2, 4, 5})
        check_geometry<float>(make(2, 8, 11, c, 1, 1, 1, 2, 1, 1, 1, false), b, 2e-5);
      check_geometry<float>(make(3, 6, 4, 1, 1, 1, 10, 2, 1, 1, 1, false, true), b, 2e-5);
      check_geometry<float>(make(2, 8, 10, 1, 1, 1, 5, 2, 2, 2, 2, true, true), b, 2e-5);
    }
}

// The fused steps (conv2d_bias_act, depthwise_conv2d_bias_act) equal the convolution kernel
// followed by + bias and the activation, on every backend, for every geometry; NaN stays NaN.
TEST_CASE(fused_bias_activation_matches_separate_steps) {
  Restore restore;
  for (const auto& backend : backends()) {
    use(backend);
    for (bool depthwise : {false, true}) {
      for (const Geo& g : geometries(depthwise)) {
        const std::string pre = depthwise ? "depthwise_conv2d" : "conv2d";
        Buf<float> x({g.n, g.h, g.w, g.c}), f({g.kh, g.kw, g.c, g.oc}), b({g.out_c()});
        fill_random(x, -3, 3, uint64_t(g.h * 13 + g.c));
        fill_random(f, -1, 1, uint64_t(g.kw * 5 + g.oc));
        fill_random(b, -2, 2, uint64_t(g.oc + 1));
        x[0] = NAN;
        Buf<float> plain({g.n, g.oh, g.ow, g.out_c()});
        call(pre, {x.view, f.view}, {plain.view}, g.ints());
        for (int act = 0; act <= 2; ++act) {
          Buf<float> y({g.n, g.oh, g.ow, g.out_c()}, 99.0f);
          auto ints = g.ints();
          ints.push_back(act);
          ints.push_back(act == 1 ? tfl::new_constant_id() : 0);  // constant filter or not
          call(pre + "_bias_act", {x.view, f.view, b.view}, {y.view}, ints);
          for (size_t i = 0; i < y.size(); ++i) {
            float v = plain[i] + b[i % size_t(g.out_c())];
            if (act >= 1 && !(v != v)) v = std::max(v, 0.0f);
            if (act == 2 && !(v != v)) v = std::min(v, 6.0f);
            if (v != v) CHECK(y[i] != y[i]);
            else CHECK_NEAR(y[i], v, 1e-5);
          }
        }
      }
    }
  }
  Buf<float> x({1, 4, 4, 3}), f({3, 3, 3, 2}), b({3}), y({1, 2, 2, 2});
  CHECK_THROWS(call("conv2d_bias_act", {x.view, f.view, b.view}, {y.view},
                    {1, 1, 1, 1, 0, 0, 0, 0, 1, 0}));  // bias [3] for 2 channels
  Buf<float> b2({2});
  CHECK_THROWS(call("conv2d_bias_act", {x.view, f.view, b2.view}, {y.view},
                    {1, 1, 1, 1, 0, 0, 0, 0, 3, 0}));  // no activation 3
  CHECK_THROWS(call("conv2d_bias_act", {x.view, f.view, b2.view}, {y.view},
                    {1, 1, 1, 1, 0, 0, 0, 0, 1, -1}));  // negative filter id
  CHECK_THROWS(call("conv2d_bias_act", {x.view, f.view, b2.view}, {y.view},
                    {1, 1, 1, 1, 0, 0, 0, 0, 1}));  // no filter id
  CHECK_THROWS(call("conv2d_bias_act", {x.view, f.view}, {y.view}, {1, 1, 1, 1, 0, 0, 0, 0, 0, 0}));
}

// A constant filter's id keeps its reordered copy: a second call with the same id reuses it
// (the caller promised the contents do not change), a fresh id or id 0 reads the filter again.
TEST_CASE(constant_filter_id_keeps_the_reordered_filter) {
  Restore restore;
  for (const auto& backend : backends()) {
    use(backend);
    const Geo g = make(1, 8, 8, 16, 3, 3, 32, 1, 1, 1, 1, true);
    Buf<float> x({1, 8, 8, 16}), f({3, 3, 16, 32}), b({32}, 0.0f);
    fill_random(x, -1, 1, 5);
    fill_random(f, -1, 1, 6);
    auto ints = g.ints();
    ints.push_back(0);
    ints.push_back(tfl::new_constant_id());
    Buf<float> y1({1, 8, 8, 32}), y2({1, 8, 8, 32}), y3({1, 8, 8, 32}), plain({1, 8, 8, 32});
    call("conv2d_bias_act", {x.view, f.view, b.view}, {y1.view}, ints);
    call("conv2d", {x.view, f.view}, {plain.view}, g.ints());
    for (size_t i = 0; i < y1.size(); ++i) CHECK_NEAR(y1[i], plain[i], 1e-5);
    for (size_t i = 0; i < f.size(); ++i) f[i] = -f[i];  // breaks the promise on purpose
    call("conv2d_bias_act", {x.view, f.view, b.view}, {y2.view}, ints);
    ints.back() = 0;
    call("conv2d_bias_act", {x.view, f.view, b.view}, {y3.view}, ints);
    const bool kept = backend.rfind("onednn", 0) == 0;  // the reference backend keeps nothing
    for (size_t i = 0; i < y1.size(); ++i) {
      CHECK_NEAR(y2[i], kept ? y1[i] : -y1[i], 1e-5);
      CHECK_NEAR(y3[i], -y1[i], 1e-5);
    }
  }
}
