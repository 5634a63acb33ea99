// LAPACK-backed linalg kernels: factors that multiply back, empty and batched inputs, the
// broadcast batches of the triangular solve, singular matrices, wrong output shapes and
// thread-count invariance (batches run on OpenMP threads with OpenBLAS at one thread).
#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

namespace {

// a [b, n, n] batch of diagonally dominant matrices
Buf<double> dominant(int64_t b, int64_t n, uint64_t seed) {
  Buf<double> a({b, n, n});
  fill_random(a, -1, 1, seed);
  for (int64_t k = 0; k < b; ++k)
    for (int64_t i = 0; i < n; ++i) a[size_t(k * n * n + i * n + i)] += 3.0 * double(n);
  return a;
}

// c = a @ b for row-major [n, m] @ [m, p] at the given offsets
std::vector<double> product(const double* a, const double* b, int64_t n, int64_t m, int64_t p) {
  std::vector<double> c(size_t(n * p), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < m; ++k)
      for (int64_t j = 0; j < p; ++j) c[size_t(i * p + j)] += a[i * m + k] * b[k * p + j];
  return c;
}

}  // namespace

TEST_CASE(cholesky_factors_multiply_back) {
  const int64_t n = 5;
  Buf<double> a = dominant(3, n, 71), spd({3, n, n}), low({3, n, n});
  for (int64_t k = 0; k < 3; ++k)  // spd = a a^T
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t t = 0; t < n; ++t)
          s += a[size_t(k * 25 + i * n + t)] * a[size_t(k * 25 + j * n + t)];
        spd[size_t(k * 25 + i * n + j)] = s;
      }
  call("cholesky", {spd.view}, {low.view});
  for (int64_t k = 0; k < 3; ++k)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t t = 0; t < n; ++t)
          s += low[size_t(k * 25 + i * n + t)] * low[size_t(k * 25 + j * n + t)];
        CHECK_NEAR(s, spd[size_t(k * 25 + i * n + j)], 1e-12);
        if (j > i) CHECK(low[size_t(k * 25 + i * n + j)] == 0.0);
      }
  Buf<double> neg({1, 2, 2}), out({1, 2, 2});
  neg[0] = -1.0;
  neg[3] = 1.0;
  call("cholesky", {neg.view}, {out.view});  // as TF 2.21: NaN lower triangle, no error
  CHECK(std::isnan(out[0]) && std::isnan(out[2]) && std::isnan(out[3]) && out[1] == 0.0);
}

TEST_CASE(inverse_and_solve) {
  const int64_t n = 4;
  Buf<double> a = dominant(2, n, 72), inv({2, n, n}), b({2, n, 3}), x({2, n, 3});
  fill_random(b, -1, 1, 73);
  call("matrix_inverse", {a.view}, {inv.view}, {0});
  call("matrix_solve", {a.view, b.view}, {x.view}, {0});
  for (int64_t k = 0; k < 2; ++k) {
    const auto eye = product(&a[size_t(k * 16)], &inv[size_t(k * 16)], n, n, n);
    for (int64_t i = 0; i < n * n; ++i)
      CHECK_NEAR(eye[size_t(i)], i % (n + 1) == 0 ? 1.0 : 0.0, 1e-12);
    const auto ax = product(&a[size_t(k * 16)], &x[size_t(k * 12)], n, n, 3);
    for (int64_t i = 0; i < n * 3; ++i) CHECK_NEAR(ax[size_t(i)], b[size_t(k * 12 + i)], 1e-12);
  }
  Buf<double> singular({1, 2, 2}, 1.0), out({1, 2, 2}), rhs({1, 2, 1}, 1.0), sol({1, 2, 1});
  CHECK_THROWS(call("matrix_inverse", {singular.view}, {out.view}, {0}));
  CHECK_THROWS(call("matrix_solve", {singular.view, rhs.view}, {sol.view}, {0}));
  Buf<double> wide({2, 3}), wout({2, 3});
  CHECK_THROWS(call("matrix_inverse", {wide.view}, {wout.view}, {0}));  // not square
  Buf<double> wrong({2, n, n + 1});
  CHECK_THROWS(call("matrix_inverse", {a.view}, {wrong.view}, {0}));  // wrong output shape
}

TEST_CASE(triangular_solve_broadcasts_batches) {
  const int64_t n = 3;
  Buf<double> a = dominant(2, n, 74), b({3, 1, n, 2}), x({3, 2, n, 2});
  fill_random(b, -1, 1, 75);
  call("matrix_triangular_solve", {a.view, b.view}, {x.view}, {1, 0});
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t k = 0; k < 2; ++k) {
      std::vector<double> low(&a[size_t(k * 9)], &a[size_t(k * 9)] + 9);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t c = r + 1; c < n; ++c) low[size_t(r * n + c)] = 0.0;
      const auto lx = product(low.data(), &x[size_t((i * 2 + k) * 6)], n, n, 2);
      for (int64_t e = 0; e < 6; ++e) CHECK_NEAR(lx[size_t(e)], b[size_t(i * 6 + e)], 1e-12);
    }
  Buf<double> bad({3, n, 2}), bad_out({3, n, 2});  // batch 2 vs 3
  CHECK_THROWS(call("matrix_triangular_solve", {a.view, bad.view}, {bad_out.view}, {1, 0}));
}

TEST_CASE(qr_svd_eig_of_empty_and_tall_matrices) {
  Buf<double> a({2, 5, 3}), q({2, 5, 3}), r({2, 3, 3});
  fill_random(a, -1, 1, 76);
  call("qr", {a.view}, {q.view, r.view}, {0});
  for (int64_t k = 0; k < 2; ++k) {
    const auto qr = product(&q[size_t(k * 15)], &r[size_t(k * 9)], 5, 3, 3);
    for (int64_t i = 0; i < 15; ++i) CHECK_NEAR(qr[size_t(i)], a[size_t(k * 15 + i)], 1e-12);
  }
  Buf<double> s({2, 3}), u({2, 5, 3}), v({2, 3, 3});
  call("svd", {a.view}, {s.view, u.view, v.view}, {1, 0});
  for (int64_t k = 0; k < 2; ++k) CHECK(s[size_t(k * 3)] >= s[size_t(k * 3 + 1)]);
  Buf<double> empty({0, 4}), es({0}), eu({0, 0}), ev({4, 0});
  call("svd", {empty.view}, {es.view, eu.view, ev.view}, {1, 0});
  Buf<double> sq = dominant(1, 4, 77), e({1, 4}), vec({1, 4, 4});
  call("self_adjoint_eig", {sq.view}, {e.view, vec.view}, {1});
  for (int64_t i = 0; i + 1 < 4; ++i) CHECK(e[size_t(i)] <= e[size_t(i + 1)]);
}

TEST_CASE(lu_permutation_and_determinants) {
  const int64_t n = 4;
  Buf<double> a({1, n, n}), lu({1, n, n}), det({1}), sign({1}), logabs({1});
  fill_random(a, -1, 1, 78);
  Buf<int32_t> p({1, n});
  call("lu", {a.view}, {lu.view, p.view});
  std::vector<double> l(size_t(n * n), 0.0), up(size_t(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      if (j < i) l[size_t(i * n + j)] = lu[size_t(i * n + j)];
      else up[size_t(i * n + j)] = lu[size_t(i * n + j)];
      if (j == i) l[size_t(i * n + j)] = 1.0;
    }
  const auto prod = product(l.data(), up.data(), n, n, n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      CHECK_NEAR(prod[size_t(i * n + j)], a[size_t(p[size_t(i)] * n + j)], 1e-12);
  call("matrix_determinant", {a.view}, {det.view});
  call("log_matrix_determinant", {a.view}, {sign.view, logabs.view});
  CHECK_NEAR(det[0], sign[0] * std::exp(logabs[0]), 1e-12);
  Buf<double> zero({2, 2}), zs({}), zl({});
  call("log_matrix_determinant", {zero.view}, {zs.view, zl.view});
  CHECK(zs[0] == 0.0 && std::isinf(zl[0]) && zl[0] < 0);
}

TEST_CASE(matrix_functions) {
  Buf<double> zero({3, 3}), ex({3, 3});
  call("matrix_exponential", {zero.view}, {ex.view});  // exp(0) = I
  for (int64_t i = 0; i < 9; ++i) CHECK_NEAR(ex[size_t(i)], i % 4 == 0 ? 1.0 : 0.0, 1e-15);
  Buf<double> a = dominant(1, 3, 79), root({1, 3, 3});
  call("matrix_square_root", {a.view}, {root.view});
  const auto sq = product(&root[0], &root[0], 3, 3, 3);
  for (int64_t i = 0; i < 9; ++i) CHECK_NEAR(sq[size_t(i)], a[size_t(i)], 1e-10);
}

TEST_CASE(same_result_one_and_two_threads) {
  Buf<double> a = dominant(40, 6, 80);
  auto run = [&] {
    Buf<double> inv({40, 6, 6});
    call("matrix_inverse", {a.view}, {inv.view}, {0});
    return inv.data;
  };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}
