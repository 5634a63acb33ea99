// Counter-based random numbers: distribution moments, ranges, determinism per (seed, run) and
// thread-count invariance.
#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;

static std::vector<float> draw(const char* k, int64_t n, int64_t seed, int64_t run) {
  Buf<int64_t> counter({1}, run);
  Buf<float> y({n});
  call(k, {counter.view}, {y.view}, {seed, 7});
  CHECK(counter[0] == run + 1);
  return y.data;
}

TEST_CASE(uniform_range_and_moments) {
  const auto u = draw("random_uniform", 200001, 42, 0);
  double s = 0, s2 = 0;
  for (float v : u) {
    CHECK(v >= 0.0f && v < 1.0f);
    s += v;
    s2 += double(v) * v;
  }
  const double m = s / double(u.size());
  CHECK_NEAR(m, 0.5, 0.01);
  CHECK_NEAR(s2 / double(u.size()) - m * m, 1.0 / 12, 0.01);
}

TEST_CASE(normal_and_truncated_moments) {
  const auto z = draw("random_normal", 200001, 1, 0);
  double s = 0, s2 = 0;
  for (float v : z) {
    s += v;
    s2 += double(v) * v;
  }
  CHECK(std::fabs(s / double(z.size())) < 0.01);
  CHECK_NEAR(s2 / double(z.size()), 1.0, 0.02);
  const auto t = draw("truncated_normal", 200001, 1, 0);
  double ts2 = 0;
  for (float v : t) {
    CHECK(std::fabs(v) <= 2.0f);
    ts2 += double(v) * v;
  }
  CHECK_NEAR(ts2 / double(t.size()), 0.7737, 0.02);  // variance of N(0,1) truncated at +-2
}

TEST_CASE(deterministic_per_seed_and_run) {
  CHECK(draw("random_normal", 1001, 5, 3) == draw("random_normal", 1001, 5, 3));
  CHECK(draw("random_normal", 1001, 5, 3) != draw("random_normal", 1001, 5, 4));
  CHECK(draw("random_normal", 1001, 5, 3) != draw("random_normal", 1001, 6, 3));
}

TEST_CASE(same_result_one_and_two_threads) {
  auto run = [] { return draw("truncated_normal", 100003, 9, 2); };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}
