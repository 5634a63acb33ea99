// Sparse optimiser updates and the log-uniform candidate sampler.
#include <cmath>
#include <string>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(sparse_gd_duplicates_summed_other_rows_untouched) {
  Buf<float> var({6, 3}), lr({}, 0.5f), vals({3, 3});
  fill_random(var, -1, 1, 1);
  fill_random(vals, -1, 1, 2);
  Buf<int64_t> ids({3});
  ids[0] = 4;
  ids[1] = 1;
  ids[2] = 4;
  const auto before = var.data;
  call("sparse_apply_gradient_descent", {lr.view, vals.view, ids.view}, {var.view});
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 3; ++c) {
      float want = before[size_t(r * 3 + c)];
      if (r == 1) want -= 0.5f * vals[size_t(3 + c)];
      if (r == 4) want -= 0.5f * (vals[size_t(c)] + vals[size_t(6 + c)]);
      CHECK_NEAR(var[size_t(r * 3 + c)], want, 1e-6);
      if (r != 1 && r != 4) CHECK(var[size_t(r * 3 + c)] == before[size_t(r * 3 + c)]);
    }
}

TEST_CASE(sparse_out_of_range_ids_throw_naming_the_id) {
  Buf<float> var({5, 2}), acc({5, 2}, 0.1f), lr({}, 0.1f), vals({2, 2}), mom({}, 0.9f);
  for (int64_t bad : {int64_t(5), int64_t(-1)}) {
    Buf<int32_t> ids({2});
    ids[0] = 0;
    ids[1] = int32_t(bad);
    const auto before = var.data;
    CHECK_THROWS(call("sparse_apply_gradient_descent", {lr.view, vals.view, ids.view}, {var.view}));
    CHECK_THROWS(
        call("sparse_apply_adagrad", {lr.view, vals.view, ids.view}, {var.view, acc.view}));
    CHECK_THROWS(call("sparse_apply_momentum", {lr.view, vals.view, ids.view, mom.view},
                      {var.view, acc.view}));
    CHECK(var.data == before);  // checked before anything is written
    try {
      call("sparse_apply_gradient_descent", {lr.view, vals.view, ids.view}, {var.view});
    } catch (const tfl::KernelError& e) {
      const std::string msg = e.what();
      CHECK(msg.find("[SparseApplyGradientDescent]") == 0);
      CHECK(msg.find("= " + std::to_string(bad)) != std::string::npos);
    }
  }
}

TEST_CASE(sparse_adagrad_and_momentum_rows) {
  Buf<double> var({4, 2}), acc({4, 2}, 0.1), lr({}, 0.25), vals({3, 2}), mom({}, 0.5);
  fill_random(var, -1, 1, 3);
  fill_random(vals, -1, 1, 4);
  Buf<int64_t> ids({3});
  ids[0] = 2;
  ids[1] = 0;
  ids[2] = 2;
  auto v0 = var.data;
  call("sparse_apply_adagrad", {lr.view, vals.view, ids.view}, {var.view, acc.view});
  for (int c = 0; c < 2; ++c) {
    const double g2 = vals[size_t(c)] + vals[size_t(4 + c)], g0 = vals[size_t(2 + c)];
    CHECK_NEAR(acc[size_t(4 + c)], 0.1 + g2 * g2, 1e-12);
    CHECK_NEAR(var[size_t(4 + c)], v0[size_t(4 + c)] - 0.25 * g2 / std::sqrt(0.1 + g2 * g2), 1e-12);
    CHECK_NEAR(var[size_t(c)], v0[size_t(c)] - 0.25 * g0 / std::sqrt(0.1 + g0 * g0), 1e-12);
    CHECK(var[size_t(2 + c)] == v0[size_t(2 + c)] && acc[size_t(6 + c)] == 0.1);
  }
  Buf<double> macc({4, 2}, 1.0);
  v0 = var.data;
  call("sparse_apply_momentum", {lr.view, vals.view, ids.view, mom.view}, {var.view, macc.view});
  for (int c = 0; c < 2; ++c) {
    const double g2 = vals[size_t(c)] + vals[size_t(4 + c)];
    CHECK_NEAR(macc[size_t(4 + c)], 0.5 + g2, 1e-12);
    CHECK_NEAR(var[size_t(4 + c)], v0[size_t(4 + c)] - 0.25 * (0.5 + g2), 1e-12);
    CHECK(macc[size_t(2 + c)] == 1.0);
  }
}

TEST_CASE(sparse_threads_1_vs_2_identical) {
  auto run = [](int threads) {
    return tfl_test::with_threads(threads, [&] {
      Buf<float> var({5000, 64}), lr({}, 0.1f), vals({20000, 64});
      fill_random(var, -1, 1, 5);
      fill_random(vals, -1, 1, 6);
      Buf<int64_t> ids({20000});
      for (size_t k = 0; k < ids.size(); ++k) ids[k] = int64_t((k * 7919) % 5000);
      call("sparse_apply_gradient_descent", {lr.view, vals.view, ids.view}, {var.view});
      return var.data;
    });
  };
  CHECK(run(1) == run(2));
}

TEST_CASE(log_uniform_sampler_range_unique_and_counts) {
  Buf<int64_t> counter({1}), truth({2, 1}), sampled({50});
  truth[0] = 0;
  truth[1] = 999;
  Buf<float> tec({2, 1}), sec({50});
  call("log_uniform_candidate_sampler", {counter.view, truth.view},
       {sampled.view, tec.view, sec.view}, {7, 3}, {1, 1000});
  CHECK(counter[0] == 1);
  for (size_t j = 0; j < 50; ++j) {
    CHECK(sampled[j] >= 0 && sampled[j] < 1000);
    for (size_t i = 0; i < j; ++i) CHECK(sampled[i] != sampled[j]);
  }
  const double p0 = std::log(2.0) / std::log(1001.0);
  CHECK(tec[0] > 0.0f && tec[0] <= 1.0f);
  CHECK(tec[0] >= float(-std::expm1(50 * std::log1p(-p0))) - 1e-6f);  // tries >= 50
  Buf<int64_t> s2({50});
  Buf<int64_t> c2({1});
  call("log_uniform_candidate_sampler", {c2.view, truth.view}, {s2.view, tec.view, sec.view},
       {7, 3}, {1, 1000});
  CHECK(s2.data == sampled.data);  // same seeds and run index: same draws
  call("log_uniform_candidate_sampler", {counter.view, truth.view}, {s2.view, tec.view, sec.view},
       {7, 3}, {0, 1000});
  CHECK(s2.data != sampled.data);  // the next run draws anew
  for (size_t j = 0; j < 50; ++j)
    CHECK_NEAR(sec[j], 50 * (std::log(s2[j] + 2.0) - std::log(s2[j] + 1.0)) / std::log(1001.0),
               1e-5);
  truth[1] = 1000;
  CHECK_THROWS(call("log_uniform_candidate_sampler", {counter.view, truth.view},
                    {s2.view, tec.view, sec.view}, {7, 3}, {0, 1000}));
}
