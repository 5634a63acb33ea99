// fpmath.h: the bf16 maths mode. Mode names and refusals everywhere; where the CPU has bf16
// instructions, blas::sgemm (every transpose, alpha and beta) equals the double-precision product
// of the bfloat16-rounded operands, and small products stay float32.
#include <cmath>

#include "blas.h"
#include "dtypes.h"
#include "fpmath.h"
#include "harness.h"

using tfl_test::Buf;
using tfl_test::fill_random;

namespace {

double bf(float x) { return double(tfl::to_f32(tfl::from_f32<tfl::bfloat16_t>(x))); }

struct StrictAfter {
  ~StrictAfter() { tfl::set_fpmath_mode("strict"); }
};

// C = alpha * op(A) @ op(B) + beta * C0 in bf16 mode against the rounded operands in double.
void check_bf16_product(int64_t m, int64_t n, int64_t k, bool ta, bool tb, float alpha,
                        float beta) {
  Buf<float> a(ta ? std::vector<int64_t>{k, m} : std::vector<int64_t>{m, k});
  Buf<float> b(tb ? std::vector<int64_t>{n, k} : std::vector<int64_t>{k, n});
  Buf<float> c({m, n});
  fill_random(a, -1, 1, uint64_t(m * 7 + k));
  fill_random(b, -1, 1, uint64_t(n * 13 + k));
  fill_random(c, -1, 1, 5);
  const std::vector<float> c0 = c.data;
  tfl::set_fpmath_mode("bf16");
  tfl::blas::sgemm("MatMul", ta, tb, m, n, k, alpha, a.data.data(), ta ? m : k, b.data.data(),
                   tb ? k : n, beta, c.data.data(), n);
  double worst_exact = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0, mag = 0, exact = 0;
      for (int64_t p = 0; p < k; ++p) {
        const float av = ta ? a.data[size_t(p * m + i)] : a.data[size_t(i * k + p)];
        const float bv = tb ? b.data[size_t(j * k + p)] : b.data[size_t(p * n + j)];
        s += bf(alpha * av) * bf(bv);
        mag += std::fabs(bf(alpha * av) * bf(bv));
        exact += double(alpha) * av * bv;
      }
      const double want = s + double(beta) * c0[size_t(i * n + j)];
      const double got = c.data[size_t(i * n + j)];
      CHECK(std::fabs(got - want) <= 4.0 * double(k + 2) * 0x1p-24 * (mag + std::fabs(want)));
      worst_exact =
          std::max(worst_exact, std::fabs(got - exact - double(beta) * c0[size_t(i * n + j)]));
    }
  CHECK(worst_exact > 1e-4);  // the operands were rounded: not float32's product
}

}  // namespace

TEST_CASE(mode_names) {
  StrictAfter restore;
  CHECK(std::string(tfl::fpmath_mode()) == "strict");
  CHECK_THROWS(tfl::set_fpmath_mode("tf32"));
  CHECK(std::string(tfl::fpmath_mode()) == "strict");
  if (!tfl::fpmath_bf16_unavailable().empty()) {
    CHECK_THROWS(tfl::set_fpmath_mode("bf16"));  // refused, mode unchanged
    CHECK(std::string(tfl::fpmath_mode()) == "strict");
    return;
  }
  tfl::set_fpmath_mode("bf16");
  CHECK(std::string(tfl::fpmath_mode()) == "bf16");
}

TEST_CASE(bf16_products) {
  StrictAfter restore;
  if (!tfl::fpmath_bf16_unavailable().empty()) {
    std::printf("  (bf16 products not run: %s)\n", tfl::fpmath_bf16_unavailable().c_str());
    return;
  }
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      check_bf16_product(37, 64, 53, ta, tb, 1.0f, 0.0f);
      check_bf16_product(128, 65, 200, ta, tb, -0.3f, 1.0f);  // an SGD update's form
      check_bf16_product(33, 40, 48, ta, tb, 1.0f, 0.5f);
    }
}

TEST_CASE(small_products_stay_float32) {
  StrictAfter restore;
  if (!tfl::fpmath_bf16_unavailable().empty()) return;  // reported by bf16_products
  Buf<float> a({16, 16}), b({16, 16}), c({16, 16}), d({16, 16});
  fill_random(a, -1, 1, 3);
  fill_random(b, -1, 1, 4);
  tfl::blas::sgemm("MatMul", false, false, 16, 16, 16, 1.0f, a.data.data(), 16, b.data.data(), 16,
                   0.0f, c.data.data(), 16);
  tfl::set_fpmath_mode("bf16");  // 4,096 multiply-adds < kBf16MinMacs
  tfl::blas::sgemm("MatMul", false, false, 16, 16, 16, 1.0f, a.data.data(), 16, b.data.data(), 16,
                   0.0f, d.data.data(), 16);
  for (size_t i = 0; i < c.size(); ++i) CHECK(c[i] == d[i]);
}
