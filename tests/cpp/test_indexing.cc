// Indexing kernels (select, gather, unsorted_segment_sum, pad, range) and the fused optimiser
// updates: edge cases, checked inputs, and thread-count invariance.
#include <cmath>
#include <string>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(select_broadcasts_condition) {
  Buf<bool> c({3, 1});
  c[0] = true;
  c[2] = true;
  Buf<float> x({3, 4}, 1.0f), y({4}, -1.0f), out({3, 4});
  call("select", {c.view, x.view, y.view}, {out.view});
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 4; ++k) CHECK(out[size_t(r * 4 + k)] == (r == 1 ? -1.0f : 1.0f));
  Buf<int32_t> bad_c({3, 1});
  CHECK_THROWS(call("select", {bad_c.view, x.view, y.view}, {out.view}));
}

TEST_CASE(gather_rows_and_checks_ids) {
  Buf<float> params({5, 3});
  for (size_t i = 0; i < params.size(); ++i) params[i] = float(i);
  Buf<int64_t> ids({2, 2});
  ids[0] = 4;
  ids[1] = 0;
  ids[2] = 4;
  ids[3] = 2;
  Buf<float> out({2, 2, 3});
  call("gather", {params.view, ids.view}, {out.view}, {0});
  const int want[4] = {4, 0, 4, 2};
  for (int k = 0; k < 4; ++k)
    for (int j = 0; j < 3; ++j) CHECK(out[size_t(k * 3 + j)] == float(want[k] * 3 + j));
  Buf<float> cols({5, 2});  // axis 1
  Buf<int32_t> two({2});
  two[0] = 2;
  two[1] = 0;
  call("gather", {params.view, two.view}, {cols.view}, {1});
  for (int r = 0; r < 5; ++r) {
    CHECK(cols[size_t(r * 2)] == float(r * 3 + 2));
    CHECK(cols[size_t(r * 2 + 1)] == float(r * 3));
  }
  ids[3] = 5;  // out of range: never read past the table
  CHECK_THROWS(call("gather", {params.view, ids.view}, {out.view}, {0}));
  ids[3] = -1;
  CHECK_THROWS(call("gather", {params.view, ids.view}, {out.view}, {0}));
}

TEST_CASE(unsorted_segment_sum_adds_in_order) {
  Buf<double> data({100003});
  fill_random(data, -1, 1, 3);
  Buf<int32_t> ids({100003});
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = int32_t(i % 7);
  Buf<double> out({7});
  call("unsorted_segment_sum", {data.view, ids.view}, {out.view});
  for (int s = 0; s < 7; ++s) {
    double want = 0;
    for (size_t i = size_t(s); i < data.size(); i += 7) want += data[i];
    CHECK(out[size_t(s)] == want);
  }
  ids[5] = 7;
  CHECK_THROWS(call("unsorted_segment_sum", {data.view, ids.view}, {out.view}));
  Buf<float> empty({0, 3});
  Buf<int64_t> no_ids({0});
  Buf<float> zeros({2, 3}, 9.0f);
  call("unsorted_segment_sum", {empty.view, no_ids.view}, {zeros.view});
  for (size_t i = 0; i < zeros.size(); ++i) CHECK(zeros[i] == 0.0f);
}

TEST_CASE(unsorted_segment_sum_drops_negative_ids) {  // as TF
  Buf<float> data({4, 2});
  for (size_t i = 0; i < data.size(); ++i) data[i] = float(i + 1);
  Buf<int64_t> ids({4});
  ids[0] = 1;
  ids[1] = -1;
  ids[2] = 1;
  ids[3] = -7;
  Buf<float> out({2, 2}, 9.0f);
  call("unsorted_segment_sum", {data.view, ids.view}, {out.view});
  CHECK(out[0] == 0 && out[1] == 0 && out[2] == 1 + 5 && out[3] == 2 + 6);
  Buf<int32_t> ids2({2, 2});  // TF's message names the id's position as a multi-index
  ids2[1] = 7;
  Buf<float> data2({2, 2}), out2({2});
  bool named = false;
  try {
    call("unsorted_segment_sum", {data2.view, ids2.view}, {out2.view});
  } catch (const tfl::KernelError& e) {
    named = std::string(e.what()).find("segment_ids[0,1] = 7 is out of range [0, 2)") !=
            std::string::npos;
  }
  CHECK(named);
}

TEST_CASE(pad_constant) {
  Buf<int32_t> x({2, 3});
  for (size_t i = 0; i < x.size(); ++i) x[i] = int32_t(i + 1);
  Buf<int32_t> out({5, 4});
  call("pad", {x.view}, {out.view}, {1, 2, 0, 1}, {7.0});
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 4; ++c) {
      const bool inside = r >= 1 && r < 3 && c < 3;
      CHECK(out[size_t(r * 4 + c)] == (inside ? (r - 1) * 3 + c + 1 : 7));
    }
  CHECK_THROWS(call("pad", {x.view}, {out.view}, {1, 2, 0}, {}));
  Buf<int32_t> wrong({5, 5});
  CHECK_THROWS(call("pad", {x.view}, {wrong.view}, {1, 2, 0, 1}, {}));
}

TEST_CASE(range_counts) {
  Buf<int64_t> start({}, 10), limit({}, 1), delta({}, -3), out({3});
  call("range", {start.view, limit.view, delta.view}, {out.view});
  CHECK(out[0] == 10 && out[1] == 7 && out[2] == 4);
  Buf<int64_t> zero({}, 0);
  CHECK_THROWS(call("range", {start.view, limit.view, zero.view}, {out.view}));
  Buf<int64_t> too_long({4});
  CHECK_THROWS(call("range", {start.view, limit.view, delta.view}, {too_long.view}));
}

TEST_CASE(adam_step_matches_formula_and_threads) {
  const int64_t n = 300007;
  Buf<float> grad({n});
  fill_random(grad, -1, 1, 9);
  auto step = [&](int threads) {
    Buf<float> var({n}, 1.0f), m({n}), v({n});
    Buf<float> b1p({}, 0.9f), b2p({}, 0.999f), lr({}, 0.01f), b1({}, 0.9f), b2({}, 0.999f),
        eps({}, 1e-8f);
    tfl_test::with_threads(threads, [&] {
      call("apply_adam", {b1p.view, b2p.view, lr.view, b1.view, b2.view, eps.view, grad.view},
           {var.view, m.view, v.view});
      return 0;
    });
    return var.data;
  };
  const auto one = step(1), two = step(2);
  CHECK(one == two);
  const float lr_t = 0.01f * std::sqrt(1.0f - 0.999f) / (1.0f - 0.9f);
  for (int64_t k = 0; k < n; k += 997) {
    const float g = grad[size_t(k)], m = g * (1.0f - 0.9f), v = g * g * (1.0f - 0.999f);
    CHECK_NEAR(one[size_t(k)], 1.0f - lr_t * m / (std::sqrt(v) + 1e-8f), 1e-6);
  }
}

TEST_CASE(optimizer_updates_check_shapes) {
  Buf<float> var({4}), accum({4}), grad({5}), lr({}, 0.1f), mom({}, 0.9f);
  CHECK_THROWS(call("apply_momentum", {lr.view, grad.view, mom.view}, {var.view, accum.view}));
  Buf<float> grad4({4}), vec_lr({2});
  CHECK_THROWS(call("apply_adagrad", {vec_lr.view, grad4.view}, {var.view, accum.view}));
  Buf<double> wrong_dtype({4});
  CHECK_THROWS(call("apply_adagrad", {lr.view, grad4.view}, {var.view, wrong_dtype.view}));
}
