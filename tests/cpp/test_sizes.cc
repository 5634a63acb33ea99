// Sizes computed from shapes are checked before anything is allocated: an element count or byte
// size that overflows int64 throws ResourceError (never wraps), a negative dimension KernelError;
// an exception inside a parallel region reaches the caller (never std::terminate); attributes at
// the extremes of int64 are refused, or computed without signed overflow.
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "harness.h"
#include "plan.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// Whether stmt throws a tfl::ResourceError whose message holds `want`.
template <typename F>
bool throws_resource_error(F&& stmt, const char* want) {
  try {
    stmt();
  } catch (const tfl::ResourceError& e) {
    return std::strstr(e.what(), want) != nullptr;
  }
  return false;
}

}  // namespace

TEST_CASE(checked_mul_and_add_refuse_overflow) {
  CHECK(tfl::checked_mul("Op", 0, kMax) == 0);
  CHECK(tfl::checked_mul("Op", int64_t(1) << 31, int64_t(1) << 31) == int64_t(1) << 62);
  CHECK(tfl::checked_mul("Op", kMax, 1) == kMax);
  CHECK(throws_resource_error([] { tfl::checked_mul("Op", int64_t(1) << 32, int64_t(1) << 31); },
                              "[Op] size overflows int64"));
  CHECK(throws_resource_error([] { tfl::checked_mul("Op", kMax, 2); }, "[Op]"));
  CHECK(tfl::checked_add("Op", kMax - 1, 1) == kMax);
  CHECK(throws_resource_error([] { tfl::checked_add("Op", kMax, 1); }, "[Op] size overflows"));
  CHECK_THROWS(tfl::checked_mul("Op", -1, 4));
  CHECK_THROWS(tfl::checked_add("Op", 4, -1));
}

TEST_CASE(checked_num_elements_of_an_overflowing_shape_is_an_error_not_a_wrap) {
  const int64_t ok[3] = {2, 3, 4};
  CHECK(tfl::checked_num_elements("Op", ok, 3) == 24);
  CHECK(tfl::checked_num_elements("Op", ok, 0) == 1);  // a scalar
  const int64_t empty[3] = {0, kMax, kMax};  // no elements, whatever the other dims
  CHECK(tfl::checked_num_elements("Op", empty, 3) == 0);
  // 2^32 * 2^32 wraps to 0 in int64 arithmetic; 3 * 2^62 wraps to a negative count
  const int64_t wraps_to_zero[2] = {int64_t(1) << 32, int64_t(1) << 32};
  CHECK(throws_resource_error([&] { tfl::checked_num_elements("Fill", wraps_to_zero, 2); },
                              "[Fill] size overflows int64"));
  const int64_t wraps_negative[2] = {3, int64_t(1) << 62};
  CHECK(throws_resource_error([&] { tfl::checked_num_elements("Fill", wraps_negative, 2); },
                              "[Fill]"));
  const int64_t negative[2] = {4, -2};
  CHECK_THROWS(tfl::checked_num_elements("Fill", negative, 2));
  // bytes: 2^61 float64 elements fit int64 as a count, not as bytes
  CHECK(tfl::checked_bytes("Op", int64_t(1) << 59, 8) == size_t(1) << 62);
  CHECK(throws_resource_error([] { tfl::checked_bytes("Op", int64_t(1) << 61, 8); }, "[Op]"));
}

TEST_CASE(exceptions_in_parallel_regions_reach_the_caller) {
  tfl::set_num_threads(2);
  for (int rep = 0; rep < 20; ++rep) {
    int64_t done = 0;
    bool caught = false;
    try {
      // (one call over [0, 64) when the other cores are busy: get_num_threads() is 1 then)
      tfl::parallel_for(64, 1, [&](int64_t b, int64_t e) {
        if (b <= 17 && 17 < e) throw std::bad_alloc();
#pragma omp atomic
        ++done;
      });
    } catch (const std::bad_alloc&) {
      caught = true;
    }
    CHECK(caught);
    CHECK(done < 64);
  }
  // and the pool still works afterwards
  int64_t sum = 0;
  tfl::parallel_for(1000, 10, [&](int64_t b, int64_t e) {
#pragma omp atomic
    sum += e - b;
  });
  CHECK(sum == 1000);
  tfl::set_num_threads(1);
}

TEST_CASE(a_refused_work_buffer_in_a_plan_is_a_resource_error_naming_the_node) {
  // conv2d on the reference backend with a filter whose im2col block would need 2^63 bytes:
  // the filter [1, kw, c, 1] is a view of a tiny buffer (never read: the size is refused first)
  tfl::set_conv_backend("reference");
  Buf<float> x({1, 1, 1, 1}), f({1, 1, 1, 1}), y({1, 1, 1, 1});
  x.view.shape[3] = int64_t(1) << 40;  // c: never read, the geometry only
  f.view.shape[1] = 3;
  f.view.shape[2] = int64_t(1) << 40;
  x.view.shape[2] = 3;  // w = 3, kw = 3, VALID: ow = 1
  tfl::Plan p;
  const int sx = p.add_slot(x.view), sf = p.add_slot(f.view), sy = p.add_slot(y.view);
  p.add_step("conv2d", "net/conv", {sx, sf}, {sy}, tfl::Attrs{{1, 1, 1, 1, 0, 0, 0, 0}, {}});
  CHECK(throws_resource_error([&] { p.run(); }, "(node 'net/conv')"));
}

TEST_CASE(work_buffers_beyond_the_memory_limit_are_refused_before_allocating) {
  tfl::set_conv_backend("reference");
  Buf<float> x({1, 5, 5, 4}), f({3, 3, 4, 2}), y({1, 3, 3, 2});
  fill_random(x);
  fill_random(f);
  setenv("TFLITE_CORE_MEMORY_LIMIT", "1000", 1);  // im2col needs 16 x 36 floats
  tfl::Plan p;
  const int sx = p.add_slot(x.view), sf = p.add_slot(f.view), sy = p.add_slot(y.view);
  p.add_step("conv2d", "small/conv", {sx, sf}, {sy}, tfl::Attrs{{1, 1, 1, 1, 0, 0, 0, 0}, {}});
  CHECK(throws_resource_error([&] { p.run(); }, "beyond the memory limit of 1000 bytes"));
  unsetenv("TFLITE_CORE_MEMORY_LIMIT");
  p.run();  // and works again under the machine's limit
}

TEST_CASE(conv_and_pool_attributes_at_int64_extremes_are_refused) {
  Buf<float> x({1, 4, 4, 1}), f({2, 2, 1, 1}), y({1, 3, 3, 1});
  // (kh - 1) * dilation + 1 and h + pads overflow int64
  CHECK_THROWS(call("conv2d", {x.view, f.view}, {y.view}, {1, 1, kMax, 1, 0, 0, 0, 0}));
  CHECK_THROWS(call("conv2d", {x.view, f.view}, {y.view}, {1, 1, 1, 1, kMax, kMax, 0, 0}));
  CHECK_THROWS(call("conv2d", {x.view, f.view}, {y.view}, {1, 1, 1, 1, 0, 0, kMax - 2, 3}));
  Buf<float> py({1, 1, 1, 1});
  CHECK_THROWS(call("max_pool", {x.view}, {py.view}, {kMax, kMax, 1, 1, kMax - 1, kMax - 1, 0, 0}));
}

TEST_CASE(range_at_the_extremes_of_its_dtype) {
  // int32: limit - start and i * delta overflow int32; the values themselves do not
  Buf<int32_t> s({}), l({}), d({}), out({4});
  s[0] = std::numeric_limits<int32_t>::min();
  l[0] = std::numeric_limits<int32_t>::max();
  d[0] = 1 << 30;
  call("range", {s.view, l.view, d.view}, {out.view});
  for (int i = 0; i < 4; ++i) CHECK(out[size_t(i)] == int64_t(s[0]) + int64_t(i) * d[0]);
  // downwards, with delta = INT32_MIN (whose negation overflows)
  Buf<int32_t> out2({2});
  s[0] = std::numeric_limits<int32_t>::max();
  l[0] = -2;
  d[0] = std::numeric_limits<int32_t>::min();
  call("range", {s.view, l.view, d.view}, {out2.view});
  CHECK(out2[0] == std::numeric_limits<int32_t>::max() && out2[1] == -1);
  // int64: the whole range needs 2^64 - 1 elements: refused, not wrapped
  Buf<int64_t> s64({}), l64({}), d64({}), o64({3});
  s64[0] = kMin;
  l64[0] = kMax;
  d64[0] = 1;
  CHECK_THROWS(call("range", {s64.view, l64.view, d64.view}, {o64.view}));
  d64[0] = kMax;  // 3 elements: kMin, -1, kMax - 1
  call("range", {s64.view, l64.view, d64.view}, {o64.view});
  CHECK(o64[0] == kMin && o64[1] == -1 && o64[2] == kMax - 1);
  // float: an infinite count is refused
  Buf<float> sf({}), lf({}), df({}), of({1});
  sf[0] = -3e38f;
  lf[0] = 3e38f;
  df[0] = 1e-30f;
  CHECK_THROWS(call("range", {sf.view, lf.view, df.view}, {of.view}));
}
