// Transpose, concat/split, strided slice and its gradient: permutations, empty pieces, bounds.
#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(transpose_3d_all_perms) {
  const int d[3] = {2, 3, 5};
  Buf<int32_t> x({2, 3, 5});
  for (size_t i = 0; i < x.size(); ++i) x[i] = int32_t(i);
  const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (auto& p : perms) {
    Buf<int32_t> y({d[p[0]], d[p[1]], d[p[2]]});
    call("transpose", {x.view}, {y.view}, {p[0], p[1], p[2]});
    int idx[3];
    for (idx[0] = 0; idx[0] < d[p[0]]; ++idx[0])
      for (idx[1] = 0; idx[1] < d[p[1]]; ++idx[1])
        for (idx[2] = 0; idx[2] < d[p[2]]; ++idx[2]) {
          int src[3];
          for (int k = 0; k < 3; ++k) src[p[k]] = idx[k];
          const int out = (idx[0] * d[p[1]] + idx[1]) * d[p[2]] + idx[2];
          CHECK(y[size_t(out)] == (src[0] * 3 + src[1]) * 5 + src[2]);
        }
  }
  Buf<int32_t> bad({3, 2, 5});
  CHECK_THROWS(call("transpose", {x.view}, {bad.view}, {0, 0, 2}));
}

TEST_CASE(concat_split_roundtrip_with_empty_piece) {
  Buf<float> a({2, 3}), b({2, 0}), c({2, 4}), out({2, 7});
  fill_random(a, -1, 1, 51);
  fill_random(c, -1, 1, 52);
  call("concat", {a.view, b.view, c.view}, {out.view}, {1});
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) CHECK(out[size_t(i * 7 + j)] == a[size_t(i * 3 + j)]);
    for (int j = 0; j < 4; ++j) CHECK(out[size_t(i * 7 + 3 + j)] == c[size_t(i * 4 + j)]);
  }
  Buf<float> a2({2, 3}), b2({2, 0}), c2({2, 4});
  call("split", {out.view}, {a2.view, b2.view, c2.view}, {-1});
  CHECK(a2.data == a.data && c2.data == c.data);
  Buf<float> wrong({2, 8});
  CHECK_THROWS(call("concat", {a.view, c.view}, {wrong.view}, {1}));
}

TEST_CASE(strided_slice_and_grad) {
  Buf<double> x({5, 6});
  for (size_t i = 0; i < x.size(); ++i) x[i] = double(i);
  // x[4:0:-2, 1::2] -> rows 4,2 ; cols 1,3,5
  Buf<double> y({2, 3});
  call("strided_slice", {x.view}, {y.view}, {4, 1, -2, 2, 2, 3});
  const double want[6] = {25, 27, 29, 13, 15, 17};
  for (int i = 0; i < 6; ++i) CHECK(y[size_t(i)] == want[i]);
  Buf<double> dx({5, 6}, 9.0);
  call("strided_slice_grad", {y.view}, {dx.view}, {4, 1, -2, 2, 2, 3});
  double total = 0;
  for (size_t i = 0; i < dx.size(); ++i) total += dx[i];
  CHECK(dx[25] == 25 && dx[13] == 13 && dx[0] == 0 && total == 25 + 27 + 29 + 13 + 15 + 17);
  Buf<double> oob({2, 3});
  CHECK_THROWS(call("strided_slice", {x.view}, {oob.view}, {4, 1, 2, 2, 2, 3}));  // row 6
}

TEST_CASE(same_result_one_and_two_threads) {
  Buf<float> x({300, 400});
  fill_random(x, -1, 1, 53);
  auto run = [&] {
    Buf<float> t({400, 300});
    call("transpose", {x.view}, {t.view}, {1, 0});
    return t.data;
  };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}
