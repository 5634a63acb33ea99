// The distributions of random_dist.cc and candidate_sampling.cc: TF's stateless values for a seed,
// moments of gamma / Poisson / binomial samples, shuffles as permutations, thread-count invariance
// and the argument checks.
#include <algorithm>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;

TEST_CASE(stateless_uniform_is_tfs_for_seed_1_2) {
  Buf<int32_t> seed({2});
  seed[0] = 1;
  seed[1] = 2;
  Buf<float> y({3});
  call("stateless_random_uniform", {seed.view}, {y.view});
  CHECK(y[0] == 0.8440604f && y[1] == 0.19204533f && y[2] == 0.9962232f);  // TF 2.21's values
  Buf<int32_t> ints({2});
  call("stateless_random_uniform_full_int", {seed.view}, {ints.view});
  CHECK(ints[0] == 1105988140 && ints[1] == 1738052849);  // tf.random.split([1, 2])'s first row
}

static std::vector<double> stateful(const char* k, double param, int64_t n, int64_t run = 0) {
  Buf<int64_t> counter({1}, run);
  Buf<double> p({1}, param);
  Buf<double> y({n});
  call(k, {counter.view, p.view}, {y.view}, {11, 22});
  CHECK(counter[0] == run + 1);
  return y.data;
}

static void moments(const std::vector<double>& v, double& m, double& var) {
  double s = 0, s2 = 0;
  for (double x : v) s += x;
  m = s / double(v.size());
  for (double x : v) s2 += (x - m) * (x - m);
  var = s2 / double(v.size());
}

TEST_CASE(gamma_moments) {
  for (double alpha : {0.4, 1.0, 3.0, 20.0}) {
    const auto v = stateful("random_gamma", alpha, 100000);
    double m, var;
    moments(v, m, var);
    for (double x : v) CHECK(x > 0);
    CHECK(std::fabs(m - alpha) < 6 * std::sqrt(alpha / 1e5));
    CHECK(std::fabs(var - alpha) < 0.05 * alpha);
  }
}

TEST_CASE(poisson_mean_is_variance) {
  for (double lam : {0.7, 5.0, 10.0, 80.0}) {
    const auto v = stateful("random_poisson", lam, 100000);
    double m, var;
    moments(v, m, var);
    for (double x : v) CHECK(x >= 0 && x == std::floor(x));
    CHECK(std::fabs(m - lam) < 6 * std::sqrt(lam / 1e5));
    CHECK(std::fabs(var - lam) < 0.05 * lam);
  }
}

TEST_CASE(binomial_moments) {
  Buf<int64_t> seed({2});
  seed[0] = 3;
  seed[1] = 4;
  for (double n : {7.0, 200.0}) {
    Buf<double> counts({50000}, n), probs({50000}, 0.3);
    Buf<double> y({50000});
    call("stateless_random_binomial", {seed.view, counts.view, probs.view}, {y.view});
    double m, var;
    moments(y.data, m, var);
    CHECK(std::fabs(m - 0.3 * n) < 6 * std::sqrt(0.21 * n / 5e4));
    CHECK(std::fabs(var - 0.21 * n) < 0.05 * 0.21 * n);
  }
}

TEST_CASE(shuffle_is_a_permutation) {
  Buf<int64_t> counter({1});
  Buf<int32_t> x({1000, 2});
  for (int i = 0; i < 2000; ++i) x[size_t(i)] = i;
  Buf<int32_t> y({1000, 2});
  call("random_shuffle", {counter.view, x.view}, {y.view}, {5, 6});
  std::vector<int32_t> firsts;
  for (int r = 0; r < 1000; ++r) {
    CHECK(y[size_t(2 * r + 1)] == y[size_t(2 * r)] + 1);  // rows move whole
    firsts.push_back(y[size_t(2 * r)]);
  }
  std::sort(firsts.begin(), firsts.end());
  for (int r = 0; r < 1000; ++r) CHECK(firsts[size_t(r)] == 2 * r);
  CHECK(y.data != x.data);
}

TEST_CASE(same_result_one_and_two_threads) {
  auto run = [] { return stateful("random_gamma", 0.8, 100003, 4); };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
  Buf<int64_t> seed({2});
  auto trunc = [&] {
    Buf<float> y({100003});
    call("stateless_truncated_normal", {seed.view}, {y.view});
    return y.data;
  };
  CHECK(tfl_test::with_threads(1, trunc) == tfl_test::with_threads(2, trunc));
}

TEST_CASE(bad_arguments_throw) {
  Buf<int64_t> bad_seed({3});
  Buf<float> y({4});
  CHECK_THROWS(call("stateless_random_normal", {bad_seed.view}, {y.view}));
  Buf<int64_t> seed({2});
  Buf<int32_t> lo({}, 5), hi({}, 5), out({3});
  CHECK_THROWS(call("stateless_random_uniform_int", {seed.view, lo.view, hi.view}, {out.view}));
  Buf<int64_t> counter({1});
  Buf<int64_t> truth({1, 1}, 7);
  Buf<int64_t> sampled({2});
  Buf<float> te({1, 1}), se({2});
  CHECK_THROWS(call("candidate_sampler", {counter.view, truth.view},
                    {sampled.view, te.view, se.view}, {1, 2},
                    {0.0, 0.0, 5.0}));  // true class 7 outside [0, 5)
}
