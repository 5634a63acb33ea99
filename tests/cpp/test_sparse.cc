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

// The new SparseApply* kernels equal their dense kernels applied to the rows named (duplicates
// summed first), leave the other rows alone, and check ids and hyper-parameters before writing.
namespace {
struct Table {
  Buf<double> var, s1, s2;
  Table(double init1, double init2) : var({5, 3}), s1({5, 3}, init1), s2({5, 3}, init2) {
    fill_random(var, -1, 1, 71);
  }
};
}  // namespace

TEST_CASE(sparse_updates_equal_dense_on_their_rows) {
  Buf<double> vals({3, 3});
  fill_random(vals, -1, 1, 72);
  Buf<int32_t> ids({3});
  ids[0] = 3;
  ids[1] = 0;
  ids[2] = 3;
  // the dense gradient of rows 0 and 3 (row 3's two entries summed)
  Buf<double> g0({3}), g3({3});
  for (size_t c = 0; c < 3; ++c) {
    g0[c] = vals[3 + c];
    g3[c] = vals[c] + vals[6 + c];
  }
  Buf<double> lr({}, 0.2), rho({}, 0.9), eps({}, 1e-6), l1({}, 0.05), l2({}, 0.01), shrink({}, 0.1),
      power({}, -0.5);
  Buf<int64_t> step({}, 2);
  struct Op {
    const char* sparse;
    const char* dense;
    int nrefs;
    double init1, init2;
  };
  const Op ops[] = {
      {"sparse_apply_adadelta", "apply_adadelta", 3, 0.0, 0.0},
      {"sparse_apply_proximal_gradient_descent", "apply_proximal_gradient_descent", 1, 0.0, 0.0},
      {"sparse_apply_proximal_adagrad", "apply_proximal_adagrad", 2, 0.1, 0.0},
      {"sparse_apply_adagrad_da", "apply_adagrad_da", 3, 0.0, 0.1},
      {"sparse_apply_ftrl", "apply_ftrl", 3, 0.1, 0.0},
      {"sparse_apply_ftrl_v2", "apply_ftrl_v2", 3, 0.1, 0.0}};
  for (const Op& op : ops) {
    const std::string name = op.sparse;
    auto sparse_in = [&]() -> std::vector<tfl::TensorView> {
      if (name == "sparse_apply_adadelta")
        return {lr.view, rho.view, eps.view, vals.view, ids.view};
      if (name == "sparse_apply_adagrad_da")
        return {vals.view, ids.view, lr.view, l1.view, l2.view, step.view};
      if (name == "sparse_apply_ftrl")
        return {vals.view, ids.view, lr.view, l1.view, l2.view, power.view};
      if (name == "sparse_apply_ftrl_v2")
        return {vals.view, ids.view, lr.view, l1.view, l2.view, shrink.view, power.view};
      return {lr.view, l1.view, l2.view, vals.view, ids.view};
    };
    auto dense_in = [&](const Buf<double>& g) -> std::vector<tfl::TensorView> {
      if (name == "sparse_apply_adadelta") return {lr.view, rho.view, eps.view, g.view};
      if (name == "sparse_apply_adagrad_da") return {g.view, lr.view, l1.view, l2.view, step.view};
      if (name == "sparse_apply_ftrl") return {g.view, lr.view, l1.view, l2.view, power.view};
      if (name == "sparse_apply_ftrl_v2")
        return {g.view, lr.view, l1.view, l2.view, shrink.view, power.view};
      return {lr.view, l1.view, l2.view, g.view};
    };
    Table t(op.init1, op.init2);
    const Table before = t;
    std::vector<tfl::TensorView> refs = {t.var.view, t.s1.view, t.s2.view};
    refs.resize(size_t(op.nrefs));
    call(op.sparse, sparse_in(), refs);
    for (int row : {0, 3}) {  // the dense kernel on that row alone
      Buf<double> v({3}), a({3}), b({3});
      for (size_t c = 0; c < 3; ++c) {
        v[c] = before.var.data[size_t(row) * 3 + c];
        a[c] = before.s1.data[size_t(row) * 3 + c];
        b[c] = before.s2.data[size_t(row) * 3 + c];
      }
      std::vector<tfl::TensorView> drefs = {v.view, a.view, b.view};
      drefs.resize(size_t(op.nrefs));
      call(op.dense, dense_in(row == 0 ? g0 : g3), drefs);
      for (size_t c = 0; c < 3; ++c) {
        CHECK_NEAR(t.var[size_t(row) * 3 + c], v[c], 1e-12);
        if (op.nrefs > 1) CHECK_NEAR(t.s1[size_t(row) * 3 + c], a[c], 1e-12);
        if (op.nrefs > 2) CHECK_NEAR(t.s2[size_t(row) * 3 + c], b[c], 1e-12);
      }
    }
    for (size_t k : {3, 4, 5, 6, 7, 8, 12, 13, 14}) {  // rows 1, 2, 4 untouched
      CHECK(t.var[k] == before.var.data[k]);
      CHECK(t.s1[k] == before.s1.data[k] && t.s2[k] == before.s2.data[k]);
    }
    // an id out of range: TF's message, nothing written
    ids[1] = 5;
    const Table kept = t;
    try {
      call(op.sparse, sparse_in(), refs);
      CHECK(false);
    } catch (const tfl::KernelError& e) {
      CHECK(std::string(e.what()).find("Index 5 at offset 1 in indices is out of range") !=
            std::string::npos);
    }
    CHECK(t.var.data == kept.var.data && t.s1.data == kept.s1.data);
    ids[1] = 0;
  }
}

TEST_CASE(sparse_ftrl_and_proximal_adagrad_check_hyper_parameters) {
  Buf<float> var({4, 2}), acc({4, 2}, 0.1f), lin({4, 2}), vals({1, 2}, 0.5f);
  Buf<float> pos({}, 0.1f), zero({}, 0.0f), neg({}, -0.1f), half({}, -0.5f), up({}, 0.5f);
  Buf<int64_t> ids({1}, 2);
  auto ftrl = [&](const Buf<float>& lr, const Buf<float>& l1, const Buf<float>& power) {
    call("sparse_apply_ftrl", {vals.view, ids.view, lr.view, l1.view, pos.view, power.view},
         {var.view, acc.view, lin.view});
  };
  CHECK_THROWS(ftrl(zero, pos, half));
  CHECK_THROWS(ftrl(pos, neg, half));
  CHECK_THROWS(ftrl(pos, pos, up));
  CHECK(acc[4] == 0.1f);
  ftrl(pos, pos, half);
  CHECK(acc[4] > 0.1f);
  CHECK_THROWS(call("sparse_apply_proximal_adagrad",
                    {neg.view, pos.view, pos.view, vals.view, ids.view}, {var.view, acc.view}));
}

TEST_CASE(sparse_rms_prop_equals_dense_on_its_rows) {
  Buf<double> vals({3, 2});
  fill_random(vals, -1, 1, 75);
  Buf<int64_t> ids({3});
  ids[0] = 1;
  ids[1] = 3;
  ids[2] = 1;
  Buf<double> lr({}, 0.01), rho({}, 0.9), momentum({}, 0.5), eps({}, 1e-10);
  for (bool centered : {false, true}) {
    Buf<double> var({4, 2}), mg({4, 2}, 0.0), ms({4, 2}, 1.0), mom({4, 2}, 0.0);
    fill_random(var, -1, 1, 76);
    const auto v0 = var.data;
    std::vector<tfl::TensorView> refs = {var.view, ms.view, mom.view};
    if (centered) refs = {var.view, mg.view, ms.view, mom.view};
    const char* name = centered ? "sparse_apply_centered_rms_prop" : "sparse_apply_rms_prop";
    call(name, {lr.view, rho.view, momentum.view, eps.view, vals.view, ids.view}, refs);
    for (int row : {1, 3}) {
      Buf<double> v({2}), a({2}, 0.0), b({2}, 1.0), m({2}, 0.0), g({2});
      for (size_t c = 0; c < 2; ++c) {
        v[c] = v0[size_t(row) * 2 + c];
        g[c] = row == 1 ? vals[c] + vals[4 + c] : vals[2 + c];
      }
      if (centered)
        call("apply_centered_rms_prop", {lr.view, rho.view, momentum.view, eps.view, g.view},
             {v.view, a.view, b.view, m.view});
      else
        call("apply_rms_prop", {lr.view, rho.view, momentum.view, eps.view, g.view},
             {v.view, b.view, m.view});
      for (size_t c = 0; c < 2; ++c) {
        CHECK_NEAR(var[size_t(row) * 2 + c], v[c], 1e-12);
        CHECK_NEAR(ms[size_t(row) * 2 + c], b[c], 1e-12);
        CHECK_NEAR(mom[size_t(row) * 2 + c], m[c], 1e-12);
        if (centered) CHECK_NEAR(mg[size_t(row) * 2 + c], a[c], 1e-12);
      }
    }
    for (size_t k : {0, 1, 4, 5}) CHECK(var[k] == v0[k] && ms[k] == 1.0 && mom[k] == 0.0);
  }
}
