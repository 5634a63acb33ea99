// Nd indexing (scatter.cc), moves (permute.cc), value-sized outputs (partition.cc) and grids
// (grid.cc): edge cases, checked indices, in-place updates and thread-count invariance.
#include <cmath>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(gather_nd_slices_and_checks_indices) {
  Buf<float> params({3, 2});
  for (size_t i = 0; i < params.size(); ++i) params[i] = float(i);
  Buf<int32_t> idx({2, 1});
  idx[0] = 2;
  idx[1] = 0;
  Buf<float> out({2, 2});
  call("gather_nd", {params.view, idx.view}, {out.view});
  CHECK(out[0] == 4 && out[1] == 5 && out[2] == 0 && out[3] == 1);
  idx[1] = 3;
  CHECK_THROWS(call("gather_nd", {params.view, idx.view}, {out.view}));
  Buf<int64_t> deep({1, 3});  // depth 3 > rank 2
  CHECK_THROWS(call("gather_nd", {params.view, deep.view}, {out.view}));
}

TEST_CASE(scatter_nd_sums_duplicates_in_order_with_any_thread_count) {
  const int rows = 50000, width = 8;
  Buf<int64_t> idx({rows, 1});
  for (int r = 0; r < rows; ++r) idx[size_t(r)] = r % 5;
  Buf<double> ups({rows, width});
  fill_random(ups, -1, 1, 7);
  Buf<double> one({5, width}), two({5, width});
  tfl::set_num_threads(1);
  call("scatter_nd", {idx.view, ups.view}, {one.view});
  tfl::set_num_threads(2);
  call("scatter_nd", {idx.view, ups.view}, {two.view});
  for (size_t i = 0; i < one.size(); ++i) CHECK(one[i] == two[i]);
  double want = 0;
  for (int r = 0; r < rows; r += 5) want += ups[size_t(r * width)];
  CHECK_NEAR(one[0], want, 1e-12);
}

TEST_CASE(scatter_ref_updates_in_place) {
  Buf<int32_t> var({4}, 10);
  Buf<int32_t> idx({3});
  idx[0] = 1;
  idx[1] = 3;
  idx[2] = 1;
  Buf<int32_t> ups({3});
  ups[0] = 2;
  ups[1] = -3;
  ups[2] = 5;
  call("scatter_ref", {idx.view, ups.view}, {var.view}, {6, 0});  // ScatterDiv
  CHECK(var[0] == 10 && var[1] == 1 && var[2] == 10 && var[3] == -3);
  ups[1] = 0;
  CHECK_THROWS(call("scatter_ref", {idx.view, ups.view}, {var.view}, {6, 0}));
  idx[0] = 4;  // out of range: nothing is written
  CHECK_THROWS(call("scatter_ref", {idx.view, ups.view}, {var.view}, {1, 0}));
  CHECK(var[1] == 1);
}

TEST_CASE(space_to_batch_and_back) {
  Buf<float> x({2, 3, 5, 2});
  fill_random(x, -1, 1, 3);
  // block [2, 3], paddings [[1, 0], [0, 1]]: padded 4 x 6 -> [2 * 6, 2, 2, 2]
  const std::vector<int64_t> ints = {2, 2, 3, 1, 0, 0, 1};
  Buf<float> b({12, 2, 2, 2});
  call("space_to_batch_nd", {x.view}, {b.view}, ints);
  Buf<float> back({2, 3, 5, 2});
  call("batch_to_space_nd", {b.view}, {back.view}, ints);
  for (size_t i = 0; i < x.size(); ++i) CHECK(back[i] == x[i]);
  Buf<float> wrong({12, 2, 3, 2});
  CHECK_THROWS(call("space_to_batch_nd", {x.view}, {wrong.view}, ints));
}

TEST_CASE(unique_and_where_count_what_the_output_holds) {
  Buf<float> x({5});
  x[0] = 1;
  x[1] = NAN;
  x[2] = 1;
  x[3] = -0.0f;
  x[4] = 0;
  Buf<float> y2({2});
  Buf<int32_t> idx({5});
  CHECK_THROWS(call("unique", {x.view}, {y2.view, idx.view}));  // 3 distinct: 1, NaN, 0
  Buf<float> y3({3});
  call("unique", {x.view}, {y3.view, idx.view});
  CHECK(idx[0] == 0 && idx[1] == 1 && idx[2] == 0 && idx[3] == 2 && idx[4] == 2);
  Buf<bool> c({2, 2});
  c[1] = true;
  c[2] = true;
  Buf<int64_t> coords({2, 2});
  call("where", {c.view}, {coords.view});
  CHECK(coords[0] == 0 && coords[1] == 1 && coords[2] == 1 && coords[3] == 0);
  Buf<int64_t> short_coords({1, 2});
  CHECK_THROWS(call("where", {c.view}, {short_coords.view}));
}

TEST_CASE(histogram_and_search_sorted) {
  Buf<double> v({6});
  const double vals[6] = {-1, 0, 1.5, 2, 5, 15};
  for (int i = 0; i < 6; ++i) v[size_t(i)] = vals[i];
  Buf<double> range({2});
  range[0] = 0;
  range[1] = 5;
  Buf<int32_t> h({5});
  call("histogram_fixed_width", {v.view, range.view}, {h.view});
  CHECK(h[0] == 2 && h[1] == 1 && h[2] == 1 && h[3] == 0 && h[4] == 2);
  range[1] = 0;
  CHECK_THROWS(call("histogram_fixed_width", {v.view, range.view}, {h.view}));
  Buf<int32_t> s({1, 4}), q({1, 3});
  const int32_t sv[4] = {0, 3, 3, 9}, qv[3] = {3, -1, 10};
  for (size_t i = 0; i < 4; ++i) s[i] = sv[i];
  for (size_t i = 0; i < 3; ++i) q[i] = qv[i];
  Buf<int64_t> lo({1, 3}), hi({1, 3});
  call("search_sorted", {s.view, q.view}, {lo.view}, {0});
  call("search_sorted", {s.view, q.view}, {hi.view}, {1});
  CHECK(lo[0] == 1 && lo[1] == 0 && lo[2] == 4 && hi[0] == 3);
}
