// Softmax family and the fused cross-entropy: stability, rows summing to 1, gradient output.
#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(softmax_rows_sum_to_one_and_are_stable) {
  for (int64_t cols : {1, 3, 17, 1000}) {
    Buf<float> x({5, cols}), y({5, cols}), l({5, cols});
    fill_random(x, -50, 50, uint64_t(cols));
    x[0] = 1e30f;  // would overflow without the max shift
    call("softmax", {x.view}, {y.view});
    call("log_softmax", {x.view}, {l.view});
    for (int64_t r = 0; r < 5; ++r) {
      double s = 0;
      for (int64_t j = 0; j < cols; ++j) {
        const float v = y[size_t(r * cols + j)];
        CHECK(v >= 0 && v <= 1);
        CHECK_NEAR(std::exp(double(l[size_t(r * cols + j)])), v, 1e-5);
        s += v;
      }
      CHECK_NEAR(s, 1.0, 1e-5);
    }
  }
}

TEST_CASE(softmax_nan_propagates) {
  Buf<double> x({1, 3}), y({1, 3});
  x[1] = NAN;
  call("softmax", {x.view}, {y.view});
  CHECK(std::isnan(y[0]) && std::isnan(y[1]) && std::isnan(y[2]));
}

TEST_CASE(xent_matches_definition) {
  const int64_t n = 4, c = 7;
  Buf<double> logits({n, c}), labels({n, c}), loss({n}), bp({n, c});
  fill_random(logits, -3, 3, 41);
  fill_random(labels, 0, 1, 42);
  call("softmax_xent", {logits.view, labels.view}, {loss.view, bp.view});
  for (int64_t r = 0; r < n; ++r) {
    double mx = -1e300, z = 0;
    for (int64_t j = 0; j < c; ++j) mx = std::max(mx, logits[size_t(r * c + j)]);
    for (int64_t j = 0; j < c; ++j) z += std::exp(logits[size_t(r * c + j)] - mx);
    double want = 0;
    for (int64_t j = 0; j < c; ++j) {
      const double lsm = logits[size_t(r * c + j)] - mx - std::log(z);
      want -= labels[size_t(r * c + j)] * lsm;
      CHECK_NEAR(bp[size_t(r * c + j)], std::exp(lsm) - labels[size_t(r * c + j)], 1e-13);
    }
    CHECK_NEAR(loss[size_t(r)], want, 1e-13);
  }
}

TEST_CASE(xent_shape_errors_and_empty) {
  Buf<float> a({2, 3}), b({2, 4}), l({2}), g({2, 3});
  CHECK_THROWS(call("softmax_xent", {a.view, b.view}, {l.view, g.view}));
  Buf<float> e({0, 3}), el({0}), eg({0, 3});
  call("softmax_xent", {e.view, e.view}, {el.view, eg.view});
  Buf<float> s({}), so({});
  CHECK_THROWS(call("softmax", {s.view}, {so.view}));
}

TEST_CASE(same_result_one_and_two_threads) {
  Buf<float> x({700, 129}), lab({700, 129});
  fill_random(x, -4, 4, 43);
  fill_random(lab, 0, 1, 44);
  auto run = [&] {
    Buf<float> loss({700}), bp({700, 129}), sm({700, 129});
    call("softmax_xent", {x.view, lab.view}, {loss.view, bp.view});
    call("softmax", {x.view}, {sm.view});
    std::vector<float> r = loss.data;
    r.insert(r.end(), bp.data.begin(), bp.data.end());
    r.insert(r.end(), sm.data.begin(), sm.data.end());
    return r;
  };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}
