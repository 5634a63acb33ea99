// The fused LSTM step: forward against the cell's definition, backward against central
// differences of the forward (float64), odd sizes, shape errors, thread-count invariance.
#include <cmath>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

namespace {
double sig(double x) { return 1 / (1 + std::exp(-x)); }
}  // namespace

TEST_CASE(lstm_step_matches_definition_odd_sizes) {
  for (int64_t b : {1, 3}) {
    for (int64_t h : {1, 5, 13}) {
      Buf<double> g({b, 4 * h}), cp({b, h}), nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h});
      fill_random(g, -3, 3, uint64_t(b * 100 + h));
      fill_random(cp, -2, 2, uint64_t(b * 7 + h));
      const double fb = 0.75;
      call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {fb});
      for (int64_t r = 0; r < b; ++r)
        for (int64_t u = 0; u < h; ++u) {
          const double* gr = &g.data[size_t(r * 4 * h)];
          const double i = sig(gr[u]), j = std::tanh(gr[h + u]);
          const double f = sig(gr[2 * h + u] + fb), o = sig(gr[3 * h + u]);
          const double c = cp[size_t(r * h + u)] * f + i * j;
          CHECK_NEAR(nc[size_t(r * h + u)], c, 1e-14);
          CHECK_NEAR(nh[size_t(r * h + u)], std::tanh(c) * o, 1e-14);
          CHECK_NEAR(tc[size_t(r * h + u)], std::tanh(c), 1e-14);
          CHECK_NEAR(act[size_t(r * 4 * h + 2 * h + u)], f, 1e-14);
        }
    }
  }
}

TEST_CASE(lstm_step_grad_matches_central_differences) {
  const int64_t b = 2, h = 3;
  Buf<double> g({b, 4 * h}), cp({b, h}), wc({b, h}), wh({b, h});
  fill_random(g, -2, 2, 1);
  fill_random(cp, -2, 2, 2);
  fill_random(wc, -1, 1, 3);
  fill_random(wh, -1, 1, 4);
  // loss = sum(new_c * wc + new_h * wh)
  auto loss = [&](Buf<double>& gg, Buf<double>& cc) {
    Buf<double> nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h});
    call("lstm_step", {gg.view, cc.view}, {nc.view, nh.view, act.view, tc.view}, {}, {1.0});
    double s = 0;
    for (size_t k = 0; k < nc.size(); ++k) s += nc[k] * wc[k] + nh[k] * wh[k];
    return s;
  };
  Buf<double> nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h}), dg({b, 4 * h}), dcp({b, h});
  call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {1.0});
  call("lstm_step_grad", {act.view, cp.view, tc.view, wc.view, wh.view}, {dg.view, dcp.view});
  const double eps = 1e-6;
  for (size_t k = 0; k < g.size(); ++k) {
    const double v = g[k];
    g[k] = v + eps;
    const double up = loss(g, cp);
    g[k] = v - eps;
    const double dn = loss(g, cp);
    g[k] = v;
    CHECK_NEAR(dg[k], (up - dn) / (2 * eps), 1e-8);
  }
  for (size_t k = 0; k < cp.size(); ++k) {
    const double v = cp[k];
    cp[k] = v + eps;
    const double up = loss(g, cp);
    cp[k] = v - eps;
    const double dn = loss(g, cp);
    cp[k] = v;
    CHECK_NEAR(dcp[k], (up - dn) / (2 * eps), 1e-8);
  }
}

TEST_CASE(lstm_step_shape_errors_and_empty) {
  Buf<float> g({2, 6}), cp({2, 2}), o({2, 2}), a({2, 8});
  CHECK_THROWS(call("lstm_step", {g.view, cp.view}, {o.view, o.view, a.view, o.view}, {}, {1}));
  Buf<float> g8({2, 8}), cp3({2, 3});
  CHECK_THROWS(call("lstm_step", {g8.view, cp3.view}, {o.view, o.view, a.view, o.view}, {}, {1}));
  CHECK_THROWS(call("lstm_step", {g8.view, cp.view}, {o.view, o.view, a.view, o.view}));
  Buf<float> e({0, 8}), ec({0, 2}), ea({0, 8});
  call("lstm_step", {e.view, ec.view}, {ec.view, ec.view, ea.view, ec.view}, {}, {1});
  CHECK_THROWS(call("lstm_step_grad", {a.view, cp3.view, o.view, o.view, o.view},
                    {a.view, o.view}));
}

TEST_CASE(lstm_same_result_one_and_two_threads) {
  const int64_t b = 67, h = 131;
  Buf<float> g({b, 4 * h}), cp({b, h}), dc({b, h}), dh({b, h});
  fill_random(g, -4, 4, 5);
  fill_random(cp, -2, 2, 6);
  fill_random(dc, -1, 1, 7);
  fill_random(dh, -1, 1, 8);
  auto run = [&] {
    Buf<float> nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h}), dg({b, 4 * h}), dcp({b, h});
    call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {1.0});
    call("lstm_step_grad", {act.view, cp.view, tc.view, dc.view, dh.view}, {dg.view, dcp.view});
    std::vector<float> r = nc.data;
    for (auto* v : {&nh.data, &act.data, &tc.data, &dg.data, &dcp.data})
      r.insert(r.end(), v->begin(), v->end());
    return r;
  };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}

TEST_CASE(lstm_step_float32_fast_exp_is_accurate_over_the_range) {
  // float32 uses a vectorised exp: check it against double libm from -100 to 100, 0 included.
  const int64_t h = 1001;
  Buf<float> g({1, 4 * h}), cp({1, h}), nc({1, h}), nh({1, h}), act({1, 4 * h}), tc({1, h});
  for (int64_t k = 0; k < 4 * h; ++k) g[size_t(k)] = float(-100.0 + 200.0 * double(k % h) / (h - 1));
  for (int64_t u = 0; u < h; ++u) cp[size_t(u)] = float(-3.0 + 6.0 * double(u) / (h - 1));
  call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {0.0});
  for (int64_t u = 0; u < h; ++u) {
    const double x = double(g[size_t(u)]);
    const double i = sig(x), j = std::tanh(x), c = double(cp[size_t(u)]) * i + i * j;
    CHECK_NEAR(act[size_t(u)], i, 2e-7 * std::max(1.0, i));
    CHECK_NEAR(act[size_t(h + u)], j, 2e-7);
    CHECK_NEAR(nc[size_t(u)], c, 1e-6 * std::max(1.0, std::fabs(c)));
    CHECK_NEAR(nh[size_t(u)], std::tanh(c) * i, 1e-6);
  }
}
