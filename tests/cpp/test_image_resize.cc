// resize_bilinear and resize_bilinear_grad: hand-computed values under each pixel convention
// (legacy, align_corners, half_pixel_centers), the same-size copy, channel counts with and
// without the 3-channel vector path against naive loops of TF's formulas, 1 thread against 2
// (bit for bit), the gradient's mass (every output spreads weights that sum to 1), float64
// gradients, and malformed calls.
#include <cmath>
#include <limits>
#include <string>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

namespace {

struct Axis {
  int64_t lo, hi;
  float lerp;
};

// TF's compute_interpolation_weights, written out plainly.
std::vector<Axis> axis(int64_t out, int64_t in, bool align, bool half) {
  const float scale = (align && out > 1) ? float(in - 1) / float(out - 1) : float(in) / float(out);
  std::vector<Axis> a;
  for (int64_t i = 0; i < out; ++i) {
    const float pos = half ? (float(i) + 0.5f) * scale - 0.5f : float(i) * scale;
    const float fl = std::floor(pos);
    a.push_back({std::max<int64_t>(int64_t(fl), 0),
                 std::min<int64_t>(int64_t(std::ceil(pos)), in - 1), pos - fl});
  }
  return a;
}

std::vector<float> naive(const Buf<float>& x, int64_t oh, int64_t ow, bool align, bool half) {
  const int64_t n = x.view.shape[0], h = x.view.shape[1], w = x.view.shape[2], c = x.view.shape[3];
  const auto ys = axis(oh, h, align, half), xs = axis(ow, w, align, half);
  std::vector<float> y(size_t(n * oh * ow * c));
  auto at = [&](int64_t b, int64_t r, int64_t col, int64_t k) {
    return x.data[size_t(((b * h + r) * w + col) * c + k)];
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j)
        for (int64_t k = 0; k < c; ++k) {
          const Axis &u = ys[size_t(i)], &v = xs[size_t(j)];
          const float tl = at(b, u.lo, v.lo, k), tr = at(b, u.lo, v.hi, k);
          const float bl = at(b, u.hi, v.lo, k), br = at(b, u.hi, v.hi, k);
          const float top = tl + (tr - tl) * v.lerp, bottom = bl + (br - bl) * v.lerp;
          y[size_t(((b * oh + i) * ow + j) * c + k)] = top + (bottom - top) * u.lerp;
        }
  return y;
}

std::vector<double> naive_grad(const Buf<float>& dy, int64_t h, int64_t w, bool align, bool half) {
  const int64_t n = dy.view.shape[0], oh = dy.view.shape[1], ow = dy.view.shape[2];
  const int64_t c = dy.view.shape[3];
  const auto ys = axis(oh, h, align && h > 1, half), xs = axis(ow, w, align && w > 1, half);
  std::vector<double> dx(size_t(n * h * w * c), 0.0);
  auto add = [&](int64_t b, int64_t r, int64_t col, int64_t k, double v) {
    dx[size_t(((b * h + r) * w + col) * c + k)] += v;
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j)
        for (int64_t k = 0; k < c; ++k) {
          const Axis &u = ys[size_t(i)], &v = xs[size_t(j)];
          const double g = dy.data[size_t(((b * oh + i) * ow + j) * c + k)];
          add(b, u.lo, v.lo, k, g * (1.0f - u.lerp) * (1.0f - v.lerp));
          add(b, u.lo, v.hi, k, g * (1.0f - u.lerp) * v.lerp);
          add(b, u.hi, v.lo, k, g * u.lerp * (1.0f - v.lerp));
          add(b, u.hi, v.hi, k, g * u.lerp * v.lerp);
        }
  return dx;
}

const std::vector<std::vector<int64_t>> kModes = {{0, 0}, {1, 0}, {0, 1}};

}  // namespace

TEST_CASE(hand_computed_values) {
  Buf<float> x({1, 2, 2, 1});
  x[0] = 0, x[1] = 1, x[2] = 2, x[3] = 3;
  Buf<float> a({1, 3, 3, 1});  // aligned corners: positions 0, 0.5, 1
  call("resize_bilinear", {x.view}, {a.view}, {1, 0});
  const float want_a[9] = {0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3};
  for (int i = 0; i < 9; ++i) CHECK(a[size_t(i)] == want_a[i]);
  Buf<float> l({1, 1, 4, 1});  // legacy: positions 0, 0.5, 1, 1.5 (the last clamped)
  call("resize_bilinear", {x.view}, {l.view}, {0, 0});
  const float want_l[4] = {0, 0.5f, 1, 1};
  for (int i = 0; i < 4; ++i) CHECK(l[size_t(i)] == want_l[i]);
  // half-pixel centres: columns at -0.25, 0.25, 0.75, 1.25; the one row at 0.5 (between both)
  Buf<float> hp({1, 1, 4, 1});
  call("resize_bilinear", {x.view}, {hp.view}, {0, 1});
  const float want_h[4] = {1, 1.25f, 1.75f, 2};
  for (int i = 0; i < 4; ++i) CHECK(hp[size_t(i)] == want_h[i]);
}

TEST_CASE(same_size_is_a_copy) {
  // TF's no-op resize: an infinity stays one (a lerp of it with weight 0 would be NaN)
  Buf<float> x({2, 3, 4, 3}), y({2, 3, 4, 3});
  fill_random(x, -5, 5);
  x[7] = std::numeric_limits<float>::infinity();
  for (const auto& m : kModes) {
    call("resize_bilinear", {x.view}, {y.view}, m);
    for (size_t i = 0; i < x.size(); ++i) CHECK(y[i] == x[i]);
  }
}

TEST_CASE(channels_sizes_and_threads_match_naive_loops) {
  const int64_t sizes[][4] = {{37, 53, 61, 29}, {5, 9, 5, 27}, {1, 6, 4, 1}, {8, 1, 3, 7}};
  for (int64_t c : {1, 2, 3, 4, 5, 7})
    for (const auto& s : sizes)
      for (const auto& m : kModes) {
        Buf<float> x({2, s[0], s[1], c});
        fill_random(x, -100, 100, uint64_t(c * 31 + s[0]));
        auto run = [&] {
          Buf<float> y({2, s[2], s[3], c});
          call("resize_bilinear", {x.view}, {y.view}, m);
          return y.data;
        };
        const auto one = tfl_test::with_threads(1, run), two = tfl_test::with_threads(2, run);
        const auto want = naive(x, s[2], s[3], m[0] != 0, m[1] != 0);
        for (size_t i = 0; i < one.size(); ++i) {
          CHECK(one[i] == two[i]);
          CHECK_NEAR(one[i], want[i], 1e-6);
        }
      }
}

TEST_CASE(gradient_matches_naive_loops_and_keeps_the_mass) {
  const int64_t sizes[][4] = {{37, 53, 61, 29}, {5, 9, 5, 27}, {1, 6, 4, 1}, {8, 1, 3, 7}};
  for (int64_t c : {1, 3, 4})
    for (const auto& s : sizes)
      for (const auto& m : kModes) {
        Buf<float> dy({2, s[2], s[3], c});
        fill_random(dy, -1, 1, uint64_t(c * 7 + s[2]));
        auto run32 = [&] {
          Buf<float> dx({2, s[0], s[1], c}, 99.0f);
          call("resize_bilinear_grad", {dy.view}, {dx.view}, m);
          return dx.data;
        };
        auto run64 = [&] {
          Buf<double> dx({2, s[0], s[1], c}, 99.0);
          call("resize_bilinear_grad", {dy.view}, {dx.view}, m);
          return dx.data;
        };
        const auto one = tfl_test::with_threads(1, run32), two = tfl_test::with_threads(2, run32);
        const auto d1 = tfl_test::with_threads(1, run64), d2 = tfl_test::with_threads(2, run64);
        const auto want = naive_grad(dy, s[0], s[1], m[0] != 0, m[1] != 0);
        double sum_dy = 0, sum_dx = 0;
        for (float v : dy.data) sum_dy += v;
        for (size_t i = 0; i < one.size(); ++i) {
          CHECK(one[i] == two[i]);
          CHECK(d1[i] == d2[i]);
          CHECK_NEAR(one[i], want[i], 1e-5);
          CHECK_NEAR(d1[i], want[i], 1e-6);
          sum_dx += d1[i];
        }
        CHECK_NEAR(sum_dx, sum_dy, 1e-5);
      }
}

TEST_CASE(empty_batches_write_nothing) {
  Buf<float> x({0, 3, 3, 2}), y({0, 5, 5, 2}), dx({0, 3, 3, 2});
  call("resize_bilinear", {x.view}, {y.view}, {0, 0});
  call("resize_bilinear_grad", {y.view}, {dx.view}, {0, 0});
}

TEST_CASE(malformed_calls_throw) {
  Buf<float> x({1, 4, 4, 3}), y({1, 2, 2, 3});
  call("resize_bilinear", {x.view}, {y.view}, {0, 0});
  CHECK_THROWS(call("resize_bilinear", {x.view}, {y.view}, {1, 1}));  // align and half pixel
  CHECK_THROWS(call("resize_bilinear", {x.view}, {y.view}, {0}));
  Buf<float> x3({4, 4, 3}), rows0({1, 0, 4, 3}), chan0({1, 4, 4, 0}), y0({1, 2, 2, 0});
  CHECK_THROWS(call("resize_bilinear", {x3.view}, {y.view}, {0, 0}));
  CHECK_THROWS(call("resize_bilinear", {rows0.view}, {y.view}, {0, 0}));
  CHECK_THROWS(call("resize_bilinear", {chan0.view}, {y0.view}, {0, 0}));
  Buf<float> y_c({1, 2, 2, 2}), y_n({2, 2, 2, 3}), y_empty({1, 0, 2, 3});
  CHECK_THROWS(call("resize_bilinear", {x.view}, {y_c.view}, {0, 0}));
  CHECK_THROWS(call("resize_bilinear", {x.view}, {y_n.view}, {0, 0}));
  CHECK_THROWS(call("resize_bilinear", {x.view}, {y_empty.view}, {0, 0}));
  Buf<int32_t> xi({1, 4, 4, 3});
  CHECK_THROWS(call("resize_bilinear", {xi.view}, {y.view}, {0, 0}));
  Buf<int32_t> dxi({1, 4, 4, 3});
  CHECK_THROWS(call("resize_bilinear_grad", {y.view}, {dxi.view}, {0, 0}));
  CHECK_THROWS(call("resize_bilinear_grad", {xi.view}, {x.view}, {0, 0}));  // int gradient
  bool named = false;
  try {
    call("resize_bilinear", {x.view}, {y.view}, {1, 1});
  } catch (const tfl::KernelError& e) {
    named = std::string(e.what()).rfind("[ResizeBilinear] If half_pixel_centers", 0) == 0;
  }
  CHECK(named);
}
