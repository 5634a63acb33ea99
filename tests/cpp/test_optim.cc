// In-place variable updates.
#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(assign_family) {
  Buf<float> var({3, 17}), val({3, 17});
  fill_random(val, -1, 1, 61);
  call("assign", {val.view}, {var.view});
  CHECK(var.data == val.data);
  call("assign_add", {val.view}, {var.view});
  for (size_t i = 0; i < var.size(); ++i) CHECK(var[i] == 2 * val[i]);
  call("assign_sub", {val.view}, {var.view});
  for (size_t i = 0; i < var.size(); ++i) CHECK(var[i] == val[i]);
  Buf<float> wrong({17, 3});
  CHECK_THROWS(call("assign", {wrong.view}, {var.view}));
}

TEST_CASE(apply_gradient_descent) {
  Buf<double> var({100003}), grad({100003}), lr({}, 0.25);
  fill_random(var, -1, 1, 62);
  fill_random(grad, -1, 1, 63);
  const auto before = var.data;
  call("apply_gradient_descent", {lr.view, grad.view}, {var.view});
  for (size_t i = 0; i < var.size(); ++i) CHECK(var[i] == before[i] - 0.25 * grad[i]);
  Buf<double> bad_lr({2});
  CHECK_THROWS(call("apply_gradient_descent", {bad_lr.view, grad.view}, {var.view}));
}

// The updates below against their formulas written out per element in double.
TEST_CASE(apply_adadelta) {
  Buf<double> var({1001}), acc({1001}, 0.0), upd({1001}, 0.0), grad({1001});
  Buf<double> lr({}, 0.5), rho({}, 0.95), eps({}, 1e-6);
  fill_random(var, -1, 1, 64);
  fill_random(grad, -1, 1, 65);
  auto v = var.data, a = acc.data, u = upd.data;
  for (int step = 0; step < 2; ++step) {
    call("apply_adadelta", {lr.view, rho.view, eps.view, grad.view},
         {var.view, acc.view, upd.view});
    for (size_t i = 0; i < var.size(); ++i) {
      a[i] = 0.95 * a[i] + 0.05 * grad[i] * grad[i];
      const double d = std::sqrt(u[i] + 1e-6) / std::sqrt(a[i] + 1e-6) * grad[i];
      v[i] -= 0.5 * d;
      u[i] = 0.95 * u[i] + 0.05 * d * d;
      CHECK_NEAR(var[i], v[i], 1e-12);
      CHECK_NEAR(acc[i], a[i], 1e-12);
      CHECK_NEAR(upd[i], u[i], 1e-12);
    }
  }
  Buf<double> bad({3});
  CHECK_THROWS(call("apply_adadelta", {lr.view, rho.view, eps.view, bad.view},
                    {var.view, acc.view, upd.view}));
}

static double prox(double v, double rate, double l1, double l2) {
  if (l1 > 0) {
    const double s = v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0);
    return s * std::max(std::fabs(v) - rate * l1, 0.0) / (1 + l2 * rate);
  }
  return v / (1 + l2 * rate);
}

TEST_CASE(apply_proximal_gradient_descent_and_adagrad) {
  for (double l1 : {0.0, 0.3}) {
    Buf<double> var({513}), acc({513}, 0.1), grad({513});
    Buf<double> lr({}, 0.2), vl1({}, l1), vl2({}, 0.05);
    fill_random(var, -1, 1, 66);
    fill_random(grad, -1, 1, 67);
    auto v = var.data;
    call("apply_proximal_gradient_descent", {lr.view, vl1.view, vl2.view, grad.view}, {var.view});
    for (size_t i = 0; i < v.size(); ++i)
      CHECK_NEAR(var[i], prox(v[i] - 0.2 * grad[i], 0.2, l1, 0.05), 1e-12);
    v = var.data;
    call("apply_proximal_adagrad", {lr.view, vl1.view, vl2.view, grad.view}, {var.view, acc.view});
    for (size_t i = 0; i < v.size(); ++i) {
      const double a = 0.1 + grad[i] * grad[i], rate = 0.2 / std::sqrt(a);
      CHECK_NEAR(acc[i], a, 1e-12);
      CHECK_NEAR(var[i], prox(v[i] - rate * grad[i], rate, l1, 0.05), 1e-12);
    }
    if (l1 > 0) {
      bool some_zero = false;  // the l1 shrinkage sets small entries to exactly 0
      for (size_t i = 0; i < v.size(); ++i) some_zero |= var[i] == 0.0;
      CHECK(some_zero);
    }
  }
  // ProximalAdagrad refuses lr <= 0 and negative l1 / l2, before writing anything
  Buf<float> var({4}, 1.0f), acc({4}, 0.1f), grad({4}, 0.5f), zero({}, 0.0f), pos({}, 0.1f),
      neg({}, -0.1f);
  CHECK_THROWS(call("apply_proximal_adagrad", {zero.view, pos.view, pos.view, grad.view},
                    {var.view, acc.view}));
  CHECK_THROWS(call("apply_proximal_adagrad", {pos.view, neg.view, pos.view, grad.view},
                    {var.view, acc.view}));
  CHECK_THROWS(call("apply_proximal_adagrad", {pos.view, pos.view, neg.view, grad.view},
                    {var.view, acc.view}));
  CHECK(var[0] == 1.0f && acc[0] == 0.1f);
}

TEST_CASE(apply_adagrad_da) {
  for (double l1 : {0.0, 0.01}) {
    Buf<double> var({257}, 0.0), ga({257}, 0.0), gg({257}, 0.1), grad({257});
    Buf<double> lr({}, 0.3), vl1({}, l1), vl2({}, 0.02);
    fill_random(grad, -1, 1, 68);
    auto a = ga.data, b = gg.data;
    for (int64_t t = 1; t <= 3; ++t) {
      Buf<int64_t> step({}, t);
      call("apply_adagrad_da", {grad.view, lr.view, vl1.view, vl2.view, step.view},
           {var.view, ga.view, gg.view});
      for (size_t i = 0; i < a.size(); ++i) {
        a[i] += grad[i];
        b[i] += grad[i] * grad[i];
        const double s = a[i] > 0 ? 1.0 : (a[i] < 0 ? -1.0 : 0.0);
        const double num = l1 > 0 ? s * std::max(std::fabs(a[i]) - double(t) * l1, 0.0) : a[i];
        CHECK_NEAR(var[i], -0.3 * num / (0.02 * double(t) * 0.3 + std::sqrt(b[i])), 1e-12);
      }
    }
  }
  Buf<double> var({2}), ga({2}), gg({2}, 0.1), grad({2}), lr({}, 0.1), steps({2}, 1.0);
  Buf<int64_t> bad_step({2}, 1);
  CHECK_THROWS(call("apply_adagrad_da", {grad.view, lr.view, lr.view, lr.view, bad_step.view},
                    {var.view, ga.view, gg.view}));
  CHECK_THROWS(call("apply_adagrad_da", {grad.view, lr.view, lr.view, lr.view, steps.view},
                    {var.view, ga.view, gg.view}));  // a float global step
}

// One FTRL step in double, as TF's kernel (p = lr_power).
static void ftrl_ref(double& v, double& a, double& l, double g, double lr, double l1, double l2,
                     double shrink, double p) {
  const double gs = g + 2 * shrink * v, na = a + g * g;
  l += gs - (std::pow(na, -p) - std::pow(a, -p)) / lr * v;
  const double quad = std::pow(na, -p) / lr + 2 * l2;
  const double s = l > 0 ? 1.0 : (l < 0 ? -1.0 : 0.0);
  v = std::fabs(l) > l1 ? (s * l1 - l) / quad : 0.0;
  a = na;
}

TEST_CASE(apply_ftrl_and_v2) {
  for (double p : {-0.5, -0.7}) {
    for (bool v2 : {false, true}) {
      Buf<double> var({300}), acc({300}, 0.1), lin({300}, 0.0), grad({300});
      Buf<double> lr({}, 0.2), l1({}, 0.05), l2({}, 0.01), shrink({}, 0.1), power({}, p);
      fill_random(var, -1, 1, 69);
      fill_random(grad, -1, 1, 70);
      auto v = var.data, a = acc.data, l = lin.data;
      for (int step = 0; step < 2; ++step) {
        if (v2)
          call("apply_ftrl_v2", {grad.view, lr.view, l1.view, l2.view, shrink.view, power.view},
               {var.view, acc.view, lin.view});
        else
          call("apply_ftrl", {grad.view, lr.view, l1.view, l2.view, power.view},
               {var.view, acc.view, lin.view});
        for (size_t i = 0; i < v.size(); ++i) {
          ftrl_ref(v[i], a[i], l[i], grad[i], 0.2, 0.05, 0.01, v2 ? 0.1 : 0.0, p);
          CHECK_NEAR(var[i], v[i], 1e-11);
          CHECK_NEAR(acc[i], a[i], 1e-12);
          CHECK_NEAR(lin[i], l[i], 1e-11);
        }
      }
    }
  }
  Buf<float> var({3}), acc({3}, 0.1f), lin({3}), grad({3}), s({}, 0.1f), vec({2});
  CHECK_THROWS(call("apply_ftrl", {grad.view, vec.view, s.view, s.view, s.view},
                    {var.view, acc.view, lin.view}));
  Buf<float> acc_bad({4}, 0.1f);
  CHECK_THROWS(call("apply_ftrl", {grad.view, s.view, s.view, s.view, s.view},
                    {var.view, acc_bad.view, lin.view}));
}

TEST_CASE(apply_centered_rms_prop) {
  Buf<double> var({777}), mg({777}, 0.0), ms({777}, 1.0), mom({777}, 0.0), grad({777});
  Buf<double> lr({}, 0.01), rho({}, 0.9), momentum({}, 0.5), eps({}, 1e-10);
  fill_random(var, -1, 1, 73);
  fill_random(grad, -1, 1, 74);
  auto v = var.data, a = mg.data, b = ms.data, m = mom.data;
  for (int step = 0; step < 2; ++step) {
    call("apply_centered_rms_prop", {lr.view, rho.view, momentum.view, eps.view, grad.view},
         {var.view, mg.view, ms.view, mom.view});
    for (size_t i = 0; i < v.size(); ++i) {
      b[i] = 0.9 * b[i] + 0.1 * grad[i] * grad[i];
      a[i] = 0.9 * a[i] + 0.1 * grad[i];
      m[i] = 0.5 * m[i] + 0.01 * grad[i] / std::sqrt(b[i] - a[i] * a[i] + 1e-10);
      v[i] -= m[i];
      CHECK_NEAR(var[i], v[i], 1e-12);
      CHECK_NEAR(mg[i], a[i], 1e-12);
      CHECK_NEAR(ms[i], b[i], 1e-12);
      CHECK_NEAR(mom[i], m[i], 1e-12);
    }
  }
}
