// The checking kernels (assert, check_numerics), identity_n, and the plan's callback steps and
// traced runs.
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "harness.h"
#include "plan.h"

using tfl_test::Buf;
using tfl_test::call;

namespace {
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const tfl::KernelError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE(assert_passes_on_true_and_fails_on_false_or_non_scalar) {
  Buf<bool> yes({}, true), no({1}, false), two({2}, true);
  Buf<float> data({3}, 1.0f);
  call("assert", {yes.view, data.view}, {});
  CHECK(message_of([&] { call("assert", {no.view, data.view}, {}); }) ==
        "[Assert] assertion failed");
  CHECK(message_of([&] { call("assert", {two.view}, {}); }) ==
        "[Assert] In[0] should be a scalar: [2]");
  CHECK_THROWS(call("assert", {data.view}, {}));  // not a bool
  CHECK_THROWS(call("assert", {}, {}));
}

TEST_CASE(check_numerics_copies_or_names_what_it_found) {
  Buf<double> x({4}), y({4});
  for (int i = 0; i < 4; ++i) x[size_t(i)] = i * 0.5;
  call("check_numerics", {x.view}, {y.view});
  for (int i = 0; i < 4; ++i) CHECK(y[size_t(i)] == i * 0.5);
  x[1] = NAN;
  CHECK(message_of([&] { call("check_numerics", {x.view}, {y.view}); }) ==
        "[CheckNumerics] Tensor had NaN values");
  x[3] = -INFINITY;
  CHECK(message_of([&] { call("check_numerics", {x.view}, {y.view}); }) ==
        "[CheckNumerics] Tensor had Inf and NaN values");
  x[1] = 0;
  CHECK(message_of([&] { call("check_numerics", {x.view}, {y.view}); }) ==
        "[CheckNumerics] Tensor had Inf values");
  Buf<float> big({1 << 20}), big_out({1 << 20});  // many chunks: the flags of each are joined
  big[size_t(1 << 19)] = NAN;
  CHECK_THROWS(call("check_numerics", {big.view}, {big_out.view}));
  Buf<int32_t> ints({2}), ints_out({2});
  CHECK_THROWS(call("check_numerics", {ints.view}, {ints_out.view}));
}

TEST_CASE(identity_n_copies_each_input) {
  Buf<float> a({2, 2}, 1.5f), a_out({2, 2});
  Buf<int64_t> b({3}, 7), b_out({3});
  call("identity_n", {a.view, b.view}, {a_out.view, b_out.view});
  CHECK(a_out[3] == 1.5f && b_out[2] == 7);
  CHECK_THROWS(call("identity_n", {a.view}, {b_out.view}));  // dtype differs
  CHECK_THROWS(call("identity_n", {a.view, b.view}, {a_out.view}));
}

namespace {
// A step calling back into its owner, as the bindings' Python callbacks (tf.Print) do.
struct Callback : tfl::ControlStep {
  std::function<void(tfl::Plan&, const std::vector<int>&, const std::vector<int>&)> fn;
  void run(tfl::Plan& p, const std::vector<int>& in, const std::vector<int>& out) override {
    fn(p, in, out);
  }
};
}  // namespace

TEST_CASE(callback_steps_run_in_order_and_pass_exceptions_on) {
  Buf<float> x({3}, 2.0f), y({3}), z({3});
  tfl::Plan p;
  const int sx = p.add_slot(x.view), sy = p.add_slot(y.view), sz = p.add_slot(z.view);
  p.add_step("neg", "Neg", {sx}, {sy}, tfl::Attrs{});
  int calls = 0;
  auto print = std::make_shared<Callback>();
  print->fn = [&](tfl::Plan& plan, const std::vector<int>& in, const std::vector<int>& out) {
    CHECK(in.size() == 1 && out.size() == 1 && plan.slot(in[0]).ptr<float>()[0] == -2.0f);
    std::memcpy(plan.slot(out[0]).data, plan.slot(in[0]).data, 3 * sizeof(float));
    ++calls;
  };
  p.add_control_step("callback", "Print", {sy}, {sz}, print);
  p.run();
  CHECK(calls == 1 && z[2] == -2.0f);
  CHECK(p.step(1).kernel == "callback");
  tfl::Plan q;
  q.add_slot(x.view);
  auto fail = std::make_shared<Callback>();
  fail->fn = [](tfl::Plan&, const std::vector<int>&, const std::vector<int>&) {
    throw std::runtime_error("from python");
  };
  q.add_control_step("callback", "Fail", {0}, {}, fail);
  bool passed_on = false;
  try {
    q.run();
  } catch (const std::runtime_error& e) {
    passed_on = std::string(e.what()) == "from python";
  }
  CHECK(passed_on);
}

TEST_CASE(run_traced_times_every_step) {
  Buf<float> x({64, 64}), y({64, 64}), z({64, 64});
  tfl_test::fill_random(x);
  tfl::Plan p;
  const int sx = p.add_slot(x.view), sy = p.add_slot(y.view), sz = p.add_slot(z.view);
  p.add_step("matmul", "MatMul", {sx, sx}, {sy}, tfl::Attrs{{0, 0}, {}});
  p.add_step("relu", "Relu", {sy}, {sz}, tfl::Attrs{});
  std::vector<int64_t> start, end;
  p.run_traced(start, end);
  CHECK(start.size() == 2 && end.size() == 2);
  CHECK(0 <= start[0] && start[0] <= end[0] && end[0] <= start[1] && start[1] <= end[1]);
  for (size_t i = 0; i < z.size(); ++i) CHECK(z[i] == (y[i] > 0 ? y[i] : 0));
}
