// The plan executor: steps run in order over slots; errors name the node.
#include <cstring>

#include "harness.h"
#include "plan.h"

using tfl_test::Buf;

TEST_CASE(relu_of_matmul_plus_bias) {
  Buf<float> x({1, 3}), w({3, 3}), b({1, 3}), y({1, 3}), z({1, 3}), r({1, 3});
  const float xv[3] = {1, 2, 3};
  std::memcpy(x.data.data(), xv, sizeof xv);
  for (int i = 0; i < 9; ++i) w[size_t(i)] = float(i % 4) - 1.5f;
  b[0] = 0.5f;
  b[1] = -100;
  b[2] = 0;
  tfl::Plan p;
  const int sx = p.add_slot(x.view), sw = p.add_slot(w.view), sb = p.add_slot(b.view);
  const int sy = p.add_slot(y.view), sz = p.add_slot(z.view), sr = p.add_slot(r.view);
  p.add_step("matmul", "MatMul", {sx, sw}, {sy}, tfl::Attrs{{0, 0}, {}});
  p.add_step("add", "Add", {sy, sb}, {sz}, tfl::Attrs{});
  p.add_step("relu", "Relu", {sz}, {sr}, tfl::Attrs{});
  p.run();
  for (int j = 0; j < 3; ++j) {
    float s = b[size_t(j)];
    for (int k = 0; k < 3; ++k) s += x[size_t(k)] * w[size_t(k * 3 + j)];
    CHECK(r[size_t(j)] == (s > 0 ? s : 0));
  }
  CHECK(p.num_steps() == 3);
}

TEST_CASE(errors_name_the_node_and_bad_slots_are_refused) {
  Buf<float> a({2, 3}), b({4, 4}), c({2, 4});
  tfl::Plan p;
  const int sa = p.add_slot(a.view), sb = p.add_slot(b.view), sc = p.add_slot(c.view);
  CHECK_THROWS(p.add_step("matmul", "x", {sa, 9}, {sc}, tfl::Attrs{{0, 0}, {}}));
  CHECK_THROWS(p.add_step("nope", "x", {sa}, {sc}, tfl::Attrs{}));
  p.add_step("matmul", "layer1/MatMul", {sa, sb}, {sc}, tfl::Attrs{{0, 0}, {}});
  bool named = false;
  try {
    p.run();
  } catch (const tfl::KernelError& e) {
    named = std::strstr(e.what(), "layer1/MatMul") != nullptr &&
            std::strstr(e.what(), "[MatMul]") != nullptr;
  }
  CHECK(named);
}
