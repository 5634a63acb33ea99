// max_pool, avg_pool and their gradients against naive loops: odd sizes, windows 1-4 (even ones
// too), strides 1-3, SAME and VALID (TF's padding rule: padded elements take no part, the mean
// divides by the unpadded count), batch 1 and more; ties (the gradient goes to the first maximum
// in row-major order, as TF's CPU kernel); every backend; float32 and float64; malformed calls.
#include <algorithm>
#include <string>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

namespace {

struct Geo {
  int64_t n, h, w, c, kh, kw, sh, sw;
  bool same;
  int64_t oh = 0, ow = 0, pt = 0, pb = 0, pl = 0, pr = 0;
  std::vector<int64_t> ints() const { return {kh, kw, sh, sw, pt, pb, pl, pr}; }
};

void tf_padding(int64_t in, int64_t k, int64_t s, bool same, int64_t& out, int64_t& before,
                int64_t& after) {
  if (same) {
    out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>((out - 1) * s + k - in, 0);
    before = total / 2;
    after = total - before;
  } else {
    out = in >= k ? (in - k) / s + 1 : 0;
    before = after = 0;
  }
}

Geo make(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
         bool same) {
  Geo g{n, h, w, c, kh, kw, sh, sw, same};
  tf_padding(h, kh, sh, same, g.oh, g.pt, g.pb);
  tf_padding(w, kw, sw, same, g.ow, g.pl, g.pr);
  return g;
}

std::vector<std::string> backends() {
  std::vector<std::string> b{"reference"};
  try {
    tfl::set_conv_backend("onednn");
    b.push_back("onednn");
  } catch (const tfl::KernelError&) {
  }
  tfl::set_conv_backend(b.back());
  return b;
}

struct Restore {
  std::string saved = tfl::conv_backend();
  ~Restore() { tfl::set_conv_backend(saved); }
};

// Small integers: many ties.
template <typename T>
void fill_grid(Buf<T>& b, uint64_t seed) {
  fill_random(b, -3, 3, seed);
  for (auto& v : b.data) v = T(std::floor(double(v)));
}

template <typename T>
void check_geometry(const Geo& g, const std::string& backend, bool ties, double tol) {
  Restore restore;
  tfl::set_conv_backend(backend);
  Buf<T> x({g.n, g.h, g.w, g.c}), dy({g.n, g.oh, g.ow, g.c}), gx({g.n, g.h, g.w, g.c});
  if (ties) fill_grid(x, uint64_t(g.h * 13 + g.kw));
  else fill_random(x, -1, 1, uint64_t(g.h * 13 + g.kw));
  fill_random(dy, -1, 1, uint64_t(g.ow + 5));
  fill_random(gx, -1, 1, uint64_t(g.w + 11));
  Buf<T> ymax({g.n, g.oh, g.ow, g.c}, T(99)), yavg({g.n, g.oh, g.ow, g.c}, T(99));
  Buf<T> dxmax({g.n, g.h, g.w, g.c}, T(99)), dxavg({g.n, g.h, g.w, g.c}, T(99));
  Buf<T> gg({g.n, g.oh, g.ow, g.c}, T(99));
  call("max_pool", {x.view}, {ymax.view}, g.ints());
  call("avg_pool", {x.view}, {yavg.view}, g.ints());
  call("max_pool_grad", {x.view, ymax.view, dy.view}, {dxmax.view}, g.ints());
  call("avg_pool_grad", {dy.view}, {dxavg.view}, g.ints());
  call("max_pool_grad_grad", {x.view, ymax.view, gx.view}, {gg.view}, g.ints());
  std::vector<double> wdxmax(x.size(), 0.0), wdxavg(x.size(), 0.0);
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t oh = 0; oh < g.oh; ++oh)
      for (int64_t ow = 0; ow < g.ow; ++ow)
        for (int64_t c = 0; c < g.c; ++c) {
          double best = 0, sum = 0;
          int64_t count = 0;
          size_t arg = 0;
          for (int64_t kh = 0; kh < g.kh; ++kh)
            for (int64_t kw = 0; kw < g.kw; ++kw) {
              const int64_t ih = oh * g.sh - g.pt + kh, iw = ow * g.sw - g.pl + kw;
              if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
              const size_t i = size_t(((n * g.h + ih) * g.w + iw) * g.c + c);
              const double v = double(x[i]);
              if (count == 0 || v > best) {
                best = v;
                arg = i;
              }
              sum += v;
              ++count;
            }
          CHECK(count > 0);
          const size_t o = size_t(((n * g.oh + oh) * g.ow + ow) * g.c + c);
          CHECK(double(ymax[o]) == best);
          CHECK_NEAR(yavg[o], sum / double(count), tol);
          CHECK(gg[o] == gx[arg]);
          wdxmax[arg] += double(dy[o]);
          for (int64_t kh = 0; kh < g.kh; ++kh)
            for (int64_t kw = 0; kw < g.kw; ++kw) {
              const int64_t ih = oh * g.sh - g.pt + kh, iw = ow * g.sw - g.pl + kw;
              if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
              wdxavg[size_t(((n * g.h + ih) * g.w + iw) * g.c + c)] +=
                  double(dy[o]) / double(count);
            }
        }
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK_NEAR(dxmax[i], wdxmax[i], tol);
    CHECK_NEAR(dxavg[i], wdxavg[i], tol);
  }
}

std::vector<Geo> geometries() {
  std::vector<Geo> out;
  for (bool same : {true, false}) {
    for (int64_t s = 1; s <= 3; ++s) {
      out.push_back(make(1, 7, 9, 3, 3, 3, s, s, same));
      out.push_back(make(2, 8, 6, 5, 2, 2, s, 1, same));
      out.push_back(make(3, 5, 11, 2, 4, 2, 1, s, same));
      out.push_back(make(2, 6, 7, 17, 1, 3, s, s, same));
    }
    out.push_back(make(4, 14, 13, 16, 3, 3, 2, 2, same));
    out.push_back(make(1, 3, 3, 1, 3, 3, 1, 1, same));
    out.push_back(make(2, 4, 5, 9, 4, 4, 1, 1, same));
  }
  return out;
}

}  // namespace

TEST_CASE(pooling_matches_naive_loops_float32) {
  for (const auto& b : backends())
    for (const auto& g : geometries())
      if (g.oh > 0 && g.ow > 0) check_geometry<float>(g, b, false, 1e-5);
}

TEST_CASE(pooling_matches_naive_loops_float64) {
  for (const auto& g : geometries())
    if (g.oh > 0 && g.ow > 0) check_geometry<double>(g, "reference", false, 1e-13);
}

TEST_CASE(max_pool_gradient_goes_to_the_first_maximum) {
  for (const auto& b : backends())
    for (const auto& g : geometries())
      if (g.oh > 0 && g.ow > 0) check_geometry<float>(g, b, true, 1e-5);
  for (const auto& g : geometries())
    if (g.oh > 0 && g.ow > 0) check_geometry<double>(g, "reference", true, 1e-13);
}

TEST_CASE(same_result_one_and_two_threads) {
  Restore restore;
  const Geo g = make(4, 30, 31, 24, 3, 3, 2, 2, true);
  Buf<float> x({g.n, g.h, g.w, g.c}), dy({g.n, g.oh, g.ow, g.c});
  fill_random(x, -1, 1, 3);
  fill_random(dy, -1, 1, 4);
  for (const auto& b : backends()) {
    tfl::set_conv_backend(b);
    auto run = [&] {
      Buf<float> y({g.n, g.oh, g.ow, g.c}), dx({g.n, g.h, g.w, g.c}), da({g.n, g.h, g.w, g.c});
      call("max_pool", {x.view}, {y.view}, g.ints());
      call("max_pool_grad", {x.view, y.view, dy.view}, {dx.view}, g.ints());
      call("avg_pool_grad", {dy.view}, {da.view}, g.ints());
      y.data.insert(y.data.end(), dx.data.begin(), dx.data.end());
      y.data.insert(y.data.end(), da.data.begin(), da.data.end());
      return y.data;
    };
    const auto one = tfl_test::with_threads(1, run), two = tfl_test::with_threads(2, run);
    for (size_t i = 0; i < one.size(); ++i) CHECK(one[i] == two[i]);
  }
}

TEST_CASE(window_larger_than_valid_input_gives_empty_output) {
  Restore restore;
  for (const auto& b : backends()) {
    tfl::set_conv_backend(b);
    Buf<float> x({1, 2, 2, 3}), y({1, 0, 0, 3}), dx({1, 2, 2, 3}, 7.0f);
    call("max_pool", {x.view}, {y.view}, {3, 3, 1, 1, 0, 0, 0, 0});
    call("avg_pool_grad", {y.view}, {dx.view}, {3, 3, 1, 1, 0, 0, 0, 0});
    for (size_t i = 0; i < dx.size(); ++i) CHECK(dx[i] == 0.0f);
  }
}

TEST_CASE(malformed_calls_throw) {
  Buf<float> x({1, 4, 4, 3}), y({1, 2, 2, 3});
  const std::vector<int64_t> ok{2, 2, 2, 2, 0, 0, 0, 0};
  call("max_pool", {x.view}, {y.view}, ok);
  CHECK_THROWS(call("max_pool", {x.view}, {y.view}, {2, 2, 2, 2}));
  CHECK_THROWS(call("max_pool", {x.view}, {y.view}, {2, 2, 0, 2, 0, 0, 0, 0}));
  CHECK_THROWS(call("max_pool", {x.view}, {y.view}, {2, 2, 2, 2, 2, 0, 0, 0}));  // pad = window
  Buf<float> y2({1, 3, 2, 3}), y3({1, 2, 2, 4});
  CHECK_THROWS(call("avg_pool", {x.view}, {y2.view}, ok));
  CHECK_THROWS(call("avg_pool", {x.view}, {y3.view}, ok));
  Buf<int32_t> xi({1, 4, 4, 3}), yi({1, 2, 2, 3});
  CHECK_THROWS(call("max_pool", {xi.view}, {yi.view}, ok));
  Buf<float> dx({1, 4, 4, 3}), dyb({1, 2, 3, 3});
  CHECK_THROWS(call("max_pool_grad", {x.view, y.view, dyb.view}, {dx.view}, ok));
  bool threw = false;
  try {
    call("avg_pool", {x.view}, {y2.view}, ok);
  } catch (const tfl::KernelError& e) {
    threw = std::string(e.what()).rfind("[AvgPool] ", 0) == 0;
  }
  CHECK(threw);
}
