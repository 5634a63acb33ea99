// SparseTensor kernels (sparse_tensor.cc): empty inputs, checked indices and output sizes,
// stable reordering, and thread-count invariance of the sparse-dense matmul.
#include <cmath>
#include <cstdint>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(where_checks_the_count_it_was_given) {
  Buf<float> x({2, 3});
  x[1] = 2.0f;
  x[5] = NAN;  // NaN is true, as TF's
  Buf<int64_t> out({2, 2});
  call("where", {x.view}, {out.view});
  CHECK(out[0] == 0 && out[1] == 1 && out[2] == 1 && out[3] == 2);
  Buf<int64_t> wrong({3, 2});
  CHECK_THROWS(call("where", {x.view}, {wrong.view}));
  Buf<bool> none({0, 4});
  Buf<int64_t> empty({0, 2});
  call("where", {none.view}, {empty.view});
}

TEST_CASE(sparse_to_dense_checks_bounds_and_order) {
  Buf<int64_t> ind({2, 2}), shape({2});
  shape[0] = 2;
  shape[1] = 3;
  ind[0] = 0, ind[1] = 2, ind[2] = 1, ind[3] = 0;
  Buf<float> vals({2}), dflt({}, -1.0f), out({2, 3});
  vals[0] = 5.0f;
  vals[1] = 6.0f;
  call("sparse_to_dense", {ind.view, shape.view, vals.view, dflt.view}, {out.view}, {1});
  CHECK(out[2] == 5.0f && out[3] == 6.0f && out[0] == -1.0f);
  ind[2] = 0;  // [0,0] after [0,2]: out of order, allowed without validation
  CHECK_THROWS(
      call("sparse_to_dense", {ind.view, shape.view, vals.view, dflt.view}, {out.view}, {1}));
  call("sparse_to_dense", {ind.view, shape.view, vals.view, dflt.view}, {out.view}, {0});
  ind[3] = 3;  // out of bounds: never written
  CHECK_THROWS(
      call("sparse_to_dense", {ind.view, shape.view, vals.view, dflt.view}, {out.view}, {0}));
  Buf<float> wrong({3, 3});
  ind[3] = 0;
  CHECK_THROWS(
      call("sparse_to_dense", {ind.view, shape.view, vals.view, dflt.view}, {wrong.view}, {0}));
}

TEST_CASE(sparse_dense_matmul_does_not_depend_on_threads) {
  const int64_t n = 3000, rows = 50, inner = 40, m = 700;
  Buf<int64_t> ind({n, 2}), shape({2});
  shape[0] = rows;
  shape[1] = inner;
  for (int64_t k = 0; k < n; ++k) {
    ind[size_t(2 * k)] = (k * 7) % rows;
    ind[size_t(2 * k + 1)] = (k * 13) % inner;
  }
  Buf<double> vals({n}), b({inner, m}), one({rows, m}), two({rows, m});
  fill_random(vals, -1, 1, 5);
  fill_random(b, -1, 1, 6);
  tfl::set_num_threads(1);
  call("sparse_dense_matmul", {ind.view, vals.view, shape.view, b.view}, {one.view}, {0, 0});
  tfl::set_num_threads(2);
  call("sparse_dense_matmul", {ind.view, vals.view, shape.view, b.view}, {two.view}, {0, 0});
  for (size_t i = 0; i < one.size(); ++i) CHECK(one[i] == two[i]);
  double want = 0;  // out[r, c] against a direct sum
  for (int64_t k = 0; k < n; ++k)
    if (ind[size_t(2 * k)] == 3)
      want += vals[size_t(k)] * b[size_t(ind[size_t(2 * k + 1)] * m + 5)];
  CHECK_NEAR(one[size_t(3 * m + 5)], want, 1e-12);
  ind[1] = inner;  // a column past the inner dimension
  CHECK_THROWS(
      call("sparse_dense_matmul", {ind.view, vals.view, shape.view, b.view}, {one.view}, {0, 0}));
}

TEST_CASE(sparse_reorder_is_stable_and_handles_empty) {
  Buf<int64_t> ind({3, 2}), shape({2}), out_ind({3, 2});
  shape[0] = shape[1] = 4;
  const int64_t rows[6] = {2, 1, 0, 3, 2, 1};
  for (int k = 0; k < 6; ++k) ind[size_t(k)] = rows[k];
  Buf<int32_t> vals({3}), out_vals({3});
  vals[0] = 10, vals[1] = 20, vals[2] = 30;
  call("sparse_reorder", {ind.view, vals.view, shape.view}, {out_ind.view, out_vals.view});
  CHECK(out_vals[0] == 20 && out_vals[1] == 10 && out_vals[2] == 30);
  CHECK(out_ind[0] == 0 && out_ind[1] == 3 && out_ind[2] == 2 && out_ind[3] == 1);
  Buf<int64_t> e_ind({0, 2}), e_out({0, 2});
  Buf<int32_t> e_vals({0}), e_vout({0});
  call("sparse_reorder", {e_ind.view, e_vals.view, shape.view}, {e_out.view, e_vout.view});
}

TEST_CASE(sparse_segment_checks_ids) {
  Buf<float> data({3, 2}, 1.0f), out({2, 2});
  Buf<int32_t> ids({3}), seg({3});
  ids[0] = 0, ids[1] = 2, ids[2] = 1;
  seg[0] = 0, seg[1] = 0, seg[2] = 1;
  call("sparse_segment", {data.view, ids.view, seg.view}, {out.view}, {1, 0});
  CHECK(out[0] == 1.0f && out[2] == 1.0f);
  call("sparse_segment", {data.view, ids.view, seg.view}, {out.view}, {2, 0});
  CHECK_NEAR(out[0], std::sqrt(2.0f), 1e-6);
  seg[2] = 5;  // past the output's segments
  CHECK_THROWS(call("sparse_segment", {data.view, ids.view, seg.view}, {out.view}, {0, 1}));
  seg[2] = 1;
  ids[1] = 3;  // past data's rows
  CHECK_THROWS(call("sparse_segment", {data.view, ids.view, seg.view}, {out.view}, {0, 0}));
}

TEST_CASE(sparse_cross_counts_and_checks_batches) {
  Buf<int64_t> ind({2, 2}), vals({2}), shape({2}), dense({2, 2});
  ind[0] = 0, ind[1] = 0, ind[2] = 0, ind[3] = 1;  // row 0 has two features, row 1 none
  shape[0] = 2, shape[1] = 2;
  Buf<int64_t> oi({4, 2}), ov({4}), os({2});
  call("sparse_cross", {ind.view, vals.view, shape.view, dense.view}, {oi.view, ov.view, os.view},
       {1, 10, 7});
  CHECK(os[0] == 2 && os[1] == 4);
  for (int k = 0; k < 4; ++k)
    CHECK(oi[size_t(2 * k)] == 0 && ov[size_t(k)] >= 0 && ov[size_t(k)] < 10);
  Buf<int64_t> small({3, 2});
  CHECK_THROWS(call("sparse_cross", {ind.view, vals.view, shape.view, dense.view},
                    {small.view, ov.view, os.view}, {1, 10, 7}));
  ind[2] = 2;  // a batch index past the batch
  CHECK_THROWS(call("sparse_cross", {ind.view, vals.view, shape.view, dense.view},
                    {oi.view, ov.view, os.view}, {1, 10, 7}));
}
