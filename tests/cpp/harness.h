// harness.h: a minimal test harness for the kernel tests (no external framework): CHECK macros,
// buffers with views, and a runner that reports "N passed, N failed".
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels.h"

namespace tfl_test {

struct Failure {};
inline int& failures() {
  static int n = 0;
  return n;
}

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::printf("  CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      throw ::tfl_test::Failure{};                                             \
    }                                                                          \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                   \
  do {                                                                                          \
    const double _a = double(a), _b = double(b);                                                \
    if (!(std::fabs(_a - _b) <= (tol) * (1.0 + std::fabs(_b))) &&                               \
        !(std::isnan(_a) && std::isnan(_b))) {                                                  \
      std::printf("  CHECK_NEAR failed at %s:%d: %s = %.9g vs %s = %.9g\n", __FILE__, __LINE__, \
                  #a, _a, #b, _b);                                                              \
      throw ::tfl_test::Failure{};                                                              \
    }                                                                                           \
  } while (0)

#define CHECK_THROWS(stmt)                                                            \
  do {                                                                                \
    bool _thrown = false;                                                             \
    try {                                                                             \
      stmt;                                                                           \
    } catch (const tfl::KernelError&) {                                               \
      _thrown = true;                                                                 \
    }                                                                                 \
    if (!_thrown) {                                                                   \
      std::printf("  CHECK_THROWS failed at %s:%d: %s\n", __FILE__, __LINE__, #stmt); \
      throw ::tfl_test::Failure{};                                                    \
    }                                                                                 \
  } while (0)

// An owning buffer of T with a view.
template <typename T>
struct Buf {
  using S = std::conditional_t<std::is_same<T, bool>::value, uint8_t, T>;  // no vector<bool>
  std::vector<S> data;
  tfl::TensorView view;
  explicit Buf(std::vector<int64_t> shape, T fill = T(0)) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    data.assign(size_t(n), S(fill));
    view.ndim = int(shape.size());
    for (size_t i = 0; i < shape.size(); ++i) view.shape[i] = shape[i];
    view.dtype = dtype_of();
    view.data = data.data();
  }
  static tfl::DType dtype_of() {
    if (std::is_same<T, float>::value) return tfl::DType::kFloat32;
    if (std::is_same<T, double>::value) return tfl::DType::kFloat64;
    if (std::is_same<T, int32_t>::value) return tfl::DType::kInt32;
    if (std::is_same<T, int64_t>::value) return tfl::DType::kInt64;
    return tfl::DType::kBool;
  }
  S& operator[](size_t i) { return data[i]; }
  size_t size() const { return data.size(); }
};

// Deterministic pseudo-random fill in [lo, hi).
template <typename T>
void fill_random(Buf<T>& b, double lo = -1.0, double hi = 1.0, uint64_t seed = 1) {
  uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  for (auto& x : b.data) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = double(s >> 11) * 0x1.0p-53;
    x = T(lo + (hi - lo) * u);
  }
}

// Runs a kernel by name on views.
inline void call(const std::string& name, std::vector<tfl::TensorView> in,
                 std::vector<tfl::TensorView> out, std::vector<int64_t> ints = {},
                 std::vector<double> floats = {}) {
  tfl::Attrs a{ints, floats};
  tfl::find_kernel(name)(in.data(), int(in.size()), out.data(), int(out.size()), a);
}

struct Case {
  const char* name;
  std::function<void()> fn;
};

inline std::vector<Case>& cases() {
  static std::vector<Case> c;
  return c;
}

struct Register {
  Register(const char* name, std::function<void()> fn) { cases().push_back({name, fn}); }
};

#define TEST_CASE(NAME)                                \
  static void NAME();                                  \
  static ::tfl_test::Register reg_##NAME(#NAME, NAME); \
  static void NAME()

inline int run_all() {
  int passed = 0, failed = 0;
  for (auto& c : cases()) {
    try {
      c.fn();
      ++passed;
      std::printf("ok    %s\n", c.name);
    } catch (const Failure&) {
      ++failed;
      std::printf("FAIL  %s\n", c.name);
    } catch (const std::exception& e) {
      ++failed;
      std::printf("FAIL  %s: unexpected exception: %s\n", c.name, e.what());
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

// Runs fn with 1 thread and with 2 threads and returns both results.
template <typename F>
auto with_threads(int n, F&& fn) {
  const int saved = tfl::get_num_threads();
  tfl::set_num_threads(n);
  auto r = fn();
  tfl::set_num_threads(saved);
  return r;
}

}  // namespace tfl_test
