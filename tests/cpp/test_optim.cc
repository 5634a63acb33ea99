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
