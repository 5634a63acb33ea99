// Reductions: every axis pattern, keep-dims sizes, empty inputs, NaN, thread-count invariance.
#include <limits>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

static double ref_sum(const Buf<double>& x, int d0, int d1, int d2, int i, int j, int k, int mask) {
  // sum over the masked dims of a [d0,d1,d2] tensor at kept index (i,j,k)
  double s = 0;
  for (int a = 0; a < d0; ++a)
    for (int b = 0; b < d1; ++b)
      for (int c = 0; c < d2; ++c) {
        if (!(mask & 1) && a != i) continue;
        if (!(mask & 2) && b != j) continue;
        if (!(mask & 4) && c != k) continue;
        s += x.data[size_t((a * d1 + b) * d2 + c)];
      }
  return s;
}

TEST_CASE(sum_every_axis_pattern) {
  const int d0 = 3, d1 = 5, d2 = 7;
  Buf<double> x({d0, d1, d2});
  fill_random(x, -1, 1, 21);
  for (int mask = 0; mask < 8; ++mask) {
    const int o0 = (mask & 1) ? 1 : d0, o1 = (mask & 2) ? 1 : d1, o2 = (mask & 4) ? 1 : d2;
    Buf<double> y({o0, o1, o2});
    call("reduce_sum", {x.view}, {y.view}, {mask & 1, (mask >> 1) & 1, (mask >> 2) & 1});
    for (int i = 0; i < o0; ++i)
      for (int j = 0; j < o1; ++j)
        for (int k = 0; k < o2; ++k)
          CHECK_NEAR(y[size_t((i * o1 + j) * o2 + k)], ref_sum(x, d0, d1, d2, i, j, k, mask),
                     1e-12);
  }
}

TEST_CASE(mean_max_min_prod) {
  Buf<float> x({4, 9});
  fill_random(x, 0.5, 1.5, 22);
  Buf<float> mean({9}), mx({4}), mn({9}), pr({4});
  call("reduce_mean", {x.view}, {mean.view}, {1, 0});
  call("reduce_max", {x.view}, {mx.view}, {0, 1});
  call("reduce_min", {x.view}, {mn.view}, {1, 0});
  call("reduce_prod", {x.view}, {pr.view}, {0, 1});
  for (int j = 0; j < 9; ++j) {
    double s = 0, m = 1e9;
    for (int i = 0; i < 4; ++i) {
      s += x[size_t(i * 9 + j)];
      m = std::min<double>(m, x[size_t(i * 9 + j)]);
    }
    CHECK_NEAR(mean[size_t(j)], s / 4, 1e-6);
    CHECK(mn[size_t(j)] == float(m));
  }
  for (int i = 0; i < 4; ++i) {
    double p = 1, m = -1e9;
    for (int j = 0; j < 9; ++j) {
      p *= x[size_t(i * 9 + j)];
      m = std::max<double>(m, x[size_t(i * 9 + j)]);
    }
    CHECK_NEAR(pr[size_t(i)], p, 1e-5);
    CHECK(mx[size_t(i)] == float(m));
  }
}

TEST_CASE(empty_input) {
  Buf<float> x({0, 4}), s({4}), m({4});
  call("reduce_sum", {x.view}, {s.view}, {1, 0});
  for (size_t i = 0; i < 4; ++i) CHECK(s[i] == 0);
  call("reduce_mean", {x.view}, {m.view}, {1, 0});
  for (size_t i = 0; i < 4; ++i) CHECK(std::isnan(m[i]));  // as NumPy: mean of nothing
  call("reduce_max", {x.view}, {m.view}, {1, 0});  // identities, as TF
  for (size_t i = 0; i < 4; ++i) CHECK(m[i] == -INFINITY);
  call("reduce_min", {x.view}, {m.view}, {1, 0});
  for (size_t i = 0; i < 4; ++i) CHECK(m[i] == INFINITY);
  Buf<int32_t> xi({0, 2}), mi({2});
  call("reduce_max", {xi.view}, {mi.view}, {1, 0});
  CHECK(mi[0] == std::numeric_limits<int32_t>::lowest() && mi[1] == mi[0]);
  call("reduce_min", {xi.view}, {mi.view}, {1, 0});
  CHECK(mi[0] == std::numeric_limits<int32_t>::max() && mi[1] == mi[0]);
  call("reduce_prod", {xi.view}, {mi.view}, {1, 0});
  CHECK(mi[0] == 1 && mi[1] == 1);
  call("reduce_mean", {xi.view}, {mi.view}, {1, 0});
  CHECK(mi[0] == 0 && mi[1] == 0);
  Buf<float> y({3, 0}), t({3});
  call("reduce_sum", {y.view}, {t.view}, {0, 1});
  for (size_t i = 0; i < 3; ++i) CHECK(t[i] == 0);
}

TEST_CASE(nan_propagates) {
  Buf<float> x({2, 3});
  x[1] = NAN;
  x[3] = 5;
  Buf<float> mx({2}), s({2});
  call("reduce_max", {x.view}, {mx.view}, {0, 1});
  call("reduce_sum", {x.view}, {s.view}, {0, 1});
  CHECK(std::isnan(mx[0]) && mx[1] == 5 && std::isnan(s[0]) && s[1] == 5);
}

TEST_CASE(argmax_first_on_ties) {
  Buf<float> x({2, 4});
  const float v[8] = {1, 3, 3, 0, -1, -1, -2, 0};  // ties: row 0 at 1,2; column 3 at 0,1
  for (int i = 0; i < 8; ++i) x[size_t(i)] = v[i];
  Buf<int64_t> a({2}), b({4});
  call("argmax", {x.view}, {a.view}, {1});
  CHECK(a[0] == 1 && a[1] == 3);
  call("argmin", {x.view}, {b.view}, {0});
  CHECK(b[0] == 1 && b[1] == 1 && b[2] == 1 && b[3] == 0);
}

TEST_CASE(prod_grad_with_zeros) {
  Buf<double> x({1, 4}), dy({1}, 2.0), dx({1, 4});
  const double v[4] = {2, 0, 3, 5};
  for (int i = 0; i < 4; ++i) x[size_t(i)] = v[i];
  call("reduce_prod_grad", {x.view, dy.view}, {dx.view}, {0, 1});
  CHECK(dx[0] == 0 && dx[1] == 2 * 30 && dx[2] == 0 && dx[3] == 0);
}

TEST_CASE(bad_output_size_throws) {
  Buf<float> x({3, 4}), y({5});
  CHECK_THROWS(call("reduce_sum", {x.view}, {y.view}, {1, 0}));
  CHECK_THROWS(call("reduce_sum", {x.view}, {y.view}, {1}));  // mask of wrong length
}

TEST_CASE(same_result_one_and_two_threads) {
  Buf<float> x({1 << 19});  // long single-output sum: the chunked path
  fill_random(x, -1, 1, 23);
  Buf<float> big({300, 700});
  fill_random(big, -1, 1, 24);
  auto run = [&] {
    Buf<float> s({}), cols({700}), rows({300});
    call("reduce_sum", {x.view}, {s.view}, {1});
    call("reduce_sum", {big.view}, {cols.view}, {1, 0});
    call("reduce_mean", {big.view}, {rows.view}, {0, 1});
    std::vector<float> r = {s[0]};
    r.insert(r.end(), cols.data.begin(), cols.data.end());
    r.insert(r.end(), rows.data.begin(), rows.data.end());
    return r;
  };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}

// Float sums over a contiguous run use 8 double lanes: close to the exact sum at every length
// (remainders too), and the same for every thread count.
TEST_CASE(float_row_sums_in_lanes) {
  for (int64_t n : {1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 100003}) {
    Buf<float> x({3, n}), y({3}), m({3});
    fill_random(x, -1, 1, 40 + uint64_t(n));
    call("reduce_sum", {x.view}, {y.view}, {0, 1});
    call("reduce_mean", {x.view}, {m.view}, {0, 1});
    for (int64_t r = 0; r < 3; ++r) {
      long double exact = 0;
      for (int64_t k = 0; k < n; ++k) exact += x[size_t(r * n + k)];
      CHECK(y[size_t(r)] == float(double(exact)));
      CHECK_NEAR(m[size_t(r)], double(exact / n), 1e-7);
    }
  }
  Buf<float> big({300000});
  fill_random(big, -1, 1, 77);
  auto run = [&] {
    Buf<float> s({});
    call("reduce_sum", {big.view}, {s.view}, {1});
    return s.data;
  };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}
