// Matmul: every transpose combination against a double-precision loop, odd and tiny sizes,
// empty dims, shape errors, thread-count invariance.
#include "blas.h"
#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

template <typename T>
static void check_product(int64_t m, int64_t n, int64_t k, bool ta, bool tb, double tol) {
  Buf<T> a(ta ? std::vector<int64_t>{k, m} : std::vector<int64_t>{m, k});
  Buf<T> b(tb ? std::vector<int64_t>{n, k} : std::vector<int64_t>{k, n});
  Buf<T> c({m, n});
  fill_random(a, -1, 1, uint64_t(m * 7 + k));
  fill_random(b, -1, 1, uint64_t(n * 13 + k));
  call("matmul", {a.view, b.view}, {c.view}, {ta, tb});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p) {
        const double av = ta ? a.data[size_t(p * m + i)] : a.data[size_t(i * k + p)];
        const double bv = tb ? b.data[size_t(j * k + p)] : b.data[size_t(p * n + j)];
        s += av * bv;
      }
      CHECK_NEAR(c.data[size_t(i * n + j)], s, tol);
    }
}

TEST_CASE(transpose_combinations_float32) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      check_product<float>(1, 3, 3, ta, tb, 1e-6);     // the tutorial's size (loop path)
      check_product<float>(37, 29, 53, ta, tb, 1e-5);  // odd sizes (library path)
      check_product<float>(128, 65, 200, ta, tb, 1e-5);
      check_product<float>(64, 96, 400, ta, tb, 1e-4);  // B^T: oneDNN's matmul primitive
    }
}

TEST_CASE(transpose_combinations_float64) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) check_product<double>(17, 33, 9, ta, tb, 1e-13);
}

TEST_CASE(empty_dims) {
  Buf<float> a({0, 4}), b({4, 5}), c({0, 5});
  call("matmul", {a.view, b.view}, {c.view}, {0, 0});
  Buf<float> d({3, 0}), e({0, 2}), f({3, 2}, 7.0f);
  call("matmul", {d.view, e.view}, {f.view}, {0, 0});
  for (size_t i = 0; i < f.size(); ++i) CHECK(f[i] == 0);  // k = 0 gives zeros
}

TEST_CASE(shape_errors) {
  Buf<float> a({1, 3}), b({4, 4}), c({1, 4});
  CHECK_THROWS(call("matmul", {a.view, b.view}, {c.view}, {0, 0}));
  Buf<float> v({3});
  CHECK_THROWS(call("matmul", {v.view, b.view}, {c.view}, {0, 0}));
  CHECK_THROWS(call("matmul", {a.view, b.view}, {c.view}, {}));  // missing transpose flags
}

TEST_CASE(same_result_one_and_two_threads) {
  Buf<float> a({300, 170}), b({170, 90});
  fill_random(a, -1, 1, 31);
  fill_random(b, -1, 1, 32);
  auto run = [&] {
    Buf<float> c({300, 90});
    call("matmul", {a.view, b.view}, {c.view}, {0, 0});
    return c.data;
  };
  const auto one = tfl_test::with_threads(1, run), two = tfl_test::with_threads(2, run);
  for (size_t i = 0; i < one.size(); ++i) CHECK_NEAR(one[i], two[i], 1e-5);
}

// tfl::gemm (used inside the LSTM kernels): sub-matrices through leading dimensions, beta = 1
// accumulation, k = 0 (beta * C), float32 on both paths (loops and sgemm) and float64.
template <typename T>
static void check_gemm_strided(int64_t m, int64_t n, int64_t k, bool ta, bool tb, T beta,
                               double tol) {
  const int64_t pad = 3;
  const int64_t ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
  Buf<T> a({ar, ac + pad}), b({br, bc + pad}), c({m, n + pad});
  fill_random(a, -1, 1, uint64_t(m + 3 * k));
  fill_random(b, -1, 1, uint64_t(n + 5 * k));
  fill_random(c, -1, 1, uint64_t(m + n));
  const std::vector<typename Buf<T>::S> c0 = c.data;
  tfl::gemm(ta, tb, m, n, k, a.data.data(), ac + pad, b.data.data(), bc + pad, c.data.data(),
            n + pad, beta);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double s = double(beta) * double(c0[size_t(i * (n + pad) + j)]);
      for (int64_t p = 0; p < k; ++p) {
        const double av = ta ? a[size_t(p * (ac + pad) + i)] : a[size_t(i * (ac + pad) + p)];
        const double bv = tb ? b[size_t(j * (bc + pad) + p)] : b[size_t(p * (bc + pad) + j)];
        s += av * bv;
      }
      CHECK_NEAR(c[size_t(i * (n + pad) + j)], s, tol);
    }
    for (int64_t j = n; j < n + pad; ++j)  // the padding columns are not written
      CHECK(c[size_t(i * (n + pad) + j)] == c0[size_t(i * (n + pad) + j)]);
  }
}

TEST_CASE(gemm_leading_dimensions_and_beta) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      for (float beta : {0.0f, 1.0f}) {
        check_gemm_strided<float>(3, 4, 2, ta, tb, beta, 1e-6);      // loops
        check_gemm_strided<float>(37, 29, 53, ta, tb, beta, 1e-5);   // sgemm
        check_gemm_strided<float>(64, 96, 400, ta, tb, beta, 1e-4);  // B^T: matmul primitive
        check_gemm_strided<float>(5, 7, 0, ta, tb, beta, 1e-7);      // k = 0: beta * C
      }
      check_gemm_strided<double>(17, 33, 9, ta, tb, 1.0, 1e-13);
      check_gemm_strided<double>(4, 3, 0, ta, tb, 0.0, 1e-15);
    }
}
