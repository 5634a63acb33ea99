// Elementwise kernels: broadcasting edges, odd sizes, empty dims, NaN, thread-count invariance.
#include <cstring>
#include <limits>
#include <string>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

TEST_CASE(add_same_shape_odd_sizes) {
  for (int64_t n : {1, 3, 7, 15, 16, 17, 31, 33, 1023, 100003}) {
    Buf<float> a({n}), b({n}), c({n});
    fill_random(a, -1, 1, 1);
    fill_random(b, -1, 1, 2);
    call("add", {a.view, b.view}, {c.view});
    for (int64_t i = 0; i < n; ++i) CHECK(c[size_t(i)] == a[size_t(i)] + b[size_t(i)]);
  }
}

TEST_CASE(broadcast_row_column_scalar) {
  Buf<double> a({4, 1, 5}), b({3, 1}), c({4, 3, 5});
  fill_random(a, -2, 2, 3);
  fill_random(b, -2, 2, 4);
  call("mul", {a.view, b.view}, {c.view});
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 5; ++k)
        CHECK(c[size_t((i * 3 + j) * 5 + k)] == a[size_t(i * 5 + k)] * b[size_t(j)]);
  Buf<double> s({}, 2.5), d({4, 1, 5});
  call("sub", {s.view, a.view}, {d.view});
  for (size_t i = 0; i < a.size(); ++i) CHECK(d[i] == 2.5 - a[i]);
}

TEST_CASE(broadcast_size_one_both_sides) {
  Buf<float> a({1, 7}), b({9, 1}), c({9, 7});
  fill_random(a, 0, 1, 5);
  fill_random(b, 0, 1, 6);
  call("maximum", {a.view, b.view}, {c.view});
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 7; ++j) CHECK(c[size_t(i * 7 + j)] == std::max(a[size_t(j)], b[size_t(i)]));
}

TEST_CASE(empty_dimension) {
  Buf<float> a({0, 3}), b({3}), c({0, 3});
  call("add", {a.view, b.view}, {c.view});
  Buf<float> u({0}), v({0});
  call("exp", {u.view}, {v.view});
  CHECK(c.size() == 0 && v.size() == 0);
}

TEST_CASE(incompatible_shapes_throw) {
  Buf<float> a({2, 3}), b({4}), c({2, 3});
  CHECK_THROWS(call("add", {a.view, b.view}, {c.view}));
  Buf<double> d({2, 3});
  CHECK_THROWS(call("add", {a.view, a.view}, {d.view}));  // dtype mismatch
  CHECK_THROWS(call("no_such_kernel", {a.view}, {c.view}));
}

TEST_CASE(nan_and_inf_propagate) {
  Buf<float> a({4}), b({4}), c({4});
  a[0] = NAN;
  a[1] = INFINITY;
  a[2] = -INFINITY;
  a[3] = 1;
  b[0] = 1;
  b[1] = 1;
  b[2] = NAN;
  b[3] = NAN;
  call("maximum", {a.view, b.view}, {c.view});
  CHECK(std::isnan(c[0]) && c[1] == INFINITY && std::isnan(c[2]) && std::isnan(c[3]));
  call("relu", {a.view}, {c.view});
  CHECK(std::isnan(c[0]) && c[1] == INFINITY && c[2] == 0 && c[3] == 1);
  call("add", {a.view, b.view}, {c.view});
  CHECK(std::isnan(c[0]) && c[1] == INFINITY && std::isnan(c[2]));
}

TEST_CASE(unary_values) {
  Buf<double> x({6}), y({6});
  const double v[6] = {-3.5, -1, -0.0, 0.25, 2, 40};
  for (int i = 0; i < 6; ++i) x[size_t(i)] = v[i];
  call("sigmoid", {x.view}, {y.view});
  for (int i = 0; i < 6; ++i) CHECK_NEAR(y[size_t(i)], 1 / (1 + std::exp(-v[i])), 1e-15);
  call("tanh", {x.view}, {y.view});
  for (int i = 0; i < 6; ++i) CHECK_NEAR(y[size_t(i)], std::tanh(v[i]), 1e-15);
  call("square", {x.view}, {y.view});
  for (int i = 0; i < 6; ++i) CHECK(y[size_t(i)] == v[i] * v[i]);
  call("sign", {x.view}, {y.view});
  CHECK(y[0] == -1 && y[3] == 1 && y[2] == 0);
}

TEST_CASE(integer_ops_and_compare) {
  Buf<int32_t> a({5}), b({5}), c({5});
  for (int i = 0; i < 5; ++i) {
    a[size_t(i)] = i - 2;
    b[size_t(i)] = 3;
  }
  call("pow", {a.view, b.view}, {c.view});
  for (int i = 0; i < 5; ++i) CHECK(c[size_t(i)] == (i - 2) * (i - 2) * (i - 2));
  Buf<bool> m({5});
  call("greater", {a.view, b.view}, {m.view});
  for (int i = 0; i < 5; ++i) CHECK(!m[size_t(i)]);
  call("less_equal", {a.view, b.view}, {m.view});
  for (int i = 0; i < 5; ++i) CHECK(m[size_t(i)]);
}

TEST_CASE(cast_and_fill_and_add_n) {
  Buf<float> a({7});
  fill_random(a, -3, 3, 9);
  Buf<int64_t> b({7});
  call("cast", {a.view}, {b.view});
  for (size_t i = 0; i < 7; ++i) CHECK(b[i] == int64_t(a[i]));
  Buf<float> v({}, 4.5f), f({3, 5});
  call("fill", {v.view}, {f.view});
  for (size_t i = 0; i < f.size(); ++i) CHECK(f[i] == 4.5f);
  Buf<float> s({3, 5});
  call("add_n", {f.view, f.view, f.view}, {s.view});
  for (size_t i = 0; i < s.size(); ++i) CHECK(s[i] == 13.5f);
}

TEST_CASE(broadcast_to_values) {
  Buf<double> a({3, 1}), b({2, 3, 4});
  fill_random(a, -1, 1, 11);
  call("broadcast_to", {a.view}, {b.view});
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) CHECK(b[size_t((i * 3 + j) * 4 + k)] == a[size_t(j)]);
}

TEST_CASE(same_result_one_and_two_threads) {
  const int64_t rows = 513, cols = 257;  // large enough for the parallel path
  Buf<float> a({rows, cols}), b({cols});
  fill_random(a, -5, 5, 12);
  fill_random(b, -5, 5, 13);
  auto run = [&] {
    Buf<float> c({rows, cols});
    call("div", {a.view, b.view}, {c.view});
    Buf<float> d({rows, cols});
    call("tanh", {c.view}, {d.view});
    return d.data;
  };
  const auto one = tfl_test::with_threads(1, run);
  const auto two = tfl_test::with_threads(2, run);
  CHECK(one == two);
}

TEST_CASE(integer_edge_cases_are_defined) {
  Buf<int32_t> base({2}), expo({2}), out({2});
  base[0] = 2;
  base[1] = 3;
  expo[0] = -1;
  expo[1] = 2;
  CHECK_THROWS(call("pow", {base.view, expo.view}, {out.view}));  // as TF
  Buf<int32_t> x({3}), y({3});
  x[0] = std::numeric_limits<int32_t>::lowest();
  x[1] = -5;
  x[2] = 7;
  call("neg", {x.view}, {y.view});
  CHECK(y[0] == std::numeric_limits<int32_t>::lowest() && y[1] == 5 && y[2] == -7);  // wraps
  call("abs", {x.view}, {y.view});
  CHECK(y[0] == std::numeric_limits<int32_t>::lowest() && y[1] == 5 && y[2] == 7);
  Buf<float> f({5});
  f[0] = NAN;
  f[1] = INFINITY;
  f[2] = -3e10f;
  f[3] = -2.9f;
  f[4] = 2147483520.0f;
  Buf<int32_t> i({5});
  call("cast", {f.view}, {i.view});
  const int32_t lo = std::numeric_limits<int32_t>::lowest();
  CHECK(i[0] == lo && i[1] == lo && i[2] == lo && i[3] == -2 && i[4] == 2147483520);
}

// float32 exp and sigmoid run a vectorised polynomial exp (fast_math.h): within ~1 ulp of the
// exact value over the whole range, +inf on overflow, through the denormals to 0, NaN kept.
TEST_CASE(float_exp_and_sigmoid_whole_range) {
  const int64_t n = 400003;
  Buf<float> x({n + 6}), y({n + 6}), s({n + 6});
  for (int64_t i = 0; i < n; ++i) x[size_t(i)] = -110.0f + 205.0f * float(i) / float(n);
  const float special[6] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 88.7f};
  for (int i = 0; i < 6; ++i) x[size_t(n + i)] = special[i];
  call("exp", {x.view}, {y.view});
  call("sigmoid", {x.view}, {s.view});
  const double tiny = std::numeric_limits<float>::min(), big = std::numeric_limits<float>::max();
  for (int64_t i = 0; i < n + 6; ++i) {
    const double v = x[size_t(i)], e = std::exp(v), got = y[size_t(i)];
    if (std::isnan(v)) {
      CHECK(std::isnan(got) && std::isnan(s[size_t(i)]));
      continue;
    }
    if (e > big) CHECK(got == INFINITY);
    else if (e < tiny) CHECK(std::fabs(got - e) <= 2e-45);  // denormal: within a denormal step
    else CHECK(std::fabs(got - e) <= 1.5 * std::nextafter(float(e), INFINITY) - 1.5 * float(e));
    const double sig = 1 / (1 + std::exp(-v));
    if (sig < tiny) CHECK(std::fabs(s[size_t(i)] - sig) <= 2e-45);
    else CHECK(std::fabs(s[size_t(i)] - sig) <= 3e-7 * sig);
  }
  CHECK(y[size_t(n + 1)] == INFINITY && y[size_t(n + 2)] == 0 && y[size_t(n + 3)] == 1);
  CHECK(s[size_t(n + 1)] == 1 && s[size_t(n + 2)] == 0 && s[size_t(n + 4)] == 0.5f);
}

template <typename T>
static void check_int_division() {
  const T lo = std::numeric_limits<T>::lowest();
  const T xs[7] = {7, -7, 7, -7, lo, lo, 0};
  const T ys[7] = {2, 2, -2, -2, -1, 1, -3};
  const T fd[7] = {3, -4, -4, 3, lo, lo, 0};  // floor; INT_MIN / -1 wraps to INT_MIN, as TF
  const T fm[7] = {1, 1, -1, -1, 0, 0, 0};    // the divisor's sign; INT_MIN % -1 = 0
  const T td[7] = {3, -3, -3, 3, lo, lo, 0};  // toward zero
  const T tm[7] = {1, -1, 1, -1, 0, 0, 0};    // the dividend's sign
  Buf<T> x({7}), y({7}), o({7});
  for (size_t i = 0; i < 7; ++i) {
    x[i] = xs[i];
    y[i] = ys[i];
  }
  const char* names[4] = {"floor_div", "floor_mod", "truncate_div", "truncate_mod"};
  const T* wants[4] = {fd, fm, td, tm};
  for (int k = 0; k < 4; ++k) {
    call(names[k], {x.view, y.view}, {o.view});
    for (size_t i = 0; i < 7; ++i) CHECK(o[i] == wants[k][i]);
  }
  y[3] = 0;  // a zero divisor: FloorDiv/FloorMod's InvalidArgument, the Truncate ops' Internal
  for (int k = 0; k < 4; ++k) {
    bool internal = false, thrown = false;
    try {
      call(names[k], {x.view, y.view}, {o.view});
    } catch (const tfl::InternalKernelError&) {
      internal = thrown = true;
    } catch (const tfl::KernelError& e) {
      thrown = std::string(e.what()).find("Integer division by zero") != std::string::npos;
    }
    CHECK(thrown && internal == (k >= 2));
  }
  Buf<T> e({0, 7}), eo({0, 7});  // an empty output divides nothing
  call("floor_div", {e.view, y.view}, {eo.view});
}

TEST_CASE(integer_division_follows_tf) {
  check_int_division<int32_t>();
  check_int_division<int64_t>();
}

TEST_CASE(float_floor_division_and_modulo) {
  const double xs[8] = {7, -7, 5.5, -1, 1, -0.0, INFINITY, 3};
  const double ys[8] = {2, 2, -2, INFINITY, -INFINITY, 3, 2, 0};
  Buf<double> x({8}), y({8}), o({8});
  for (size_t i = 0; i < 8; ++i) {
    x[i] = xs[i];
    y[i] = ys[i];
  }
  call("floor_div", {x.view, y.view}, {o.view});  // floor(x / y)
  CHECK(o[0] == 3 && o[1] == -4 && o[2] == -3 && o[6] == INFINITY);
  CHECK(o[3] == 0 && std::signbit(o[3]) && o[4] == 0 && std::signbit(o[4]));  // floor(-0.0)
  CHECK(o[5] == 0 && std::signbit(o[5]) && o[7] == INFINITY);
  call("floor_mod", {x.view, y.view}, {o.view});  // Python's sign rule, from fmod
  CHECK(o[0] == 1 && o[1] == 1 && o[2] == -0.5 && o[3] == INFINITY && o[4] == -INFINITY);
  CHECK(o[5] == 0 && std::signbit(o[5]) && std::isnan(o[6]) && std::isnan(o[7]));
  call("truncate_div", {x.view, y.view}, {o.view});
  CHECK(o[0] == 3 && o[1] == -3 && o[2] == -2);
  call("truncate_mod", {x.view, y.view}, {o.view});
  CHECK(o[0] == 1 && o[1] == -1 && o[2] == 1.5 && o[3] == -1);
}

// A view of n elements of T starting `off` elements into `store` (a 1-D array).
template <typename T>
static tfl::TensorView view_at(std::vector<T>& store, int64_t off, int64_t n, tfl::DType dt) {
  tfl::TensorView v;
  v.ndim = 1;
  v.shape[0] = n;
  v.dtype = dt;
  v.data = store.data() + off;
  return v;
}

// The integer rows built for AVX2 and AVX-512BW (chosen at run time; ctest runs this file again
// under each TFLITE_CORE_MAX_ISA cap): every output alignment within a cache line, lengths around
// the vector widths, and a broadcast operand on either side, bit for bit against the scalar loop.
template <typename T>
static void check_int_rows(tfl::DType dt) {
  std::vector<T> a(400), b(400), o(400);
  uint64_t s = 7;
  for (size_t i = 0; i < a.size(); ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    a[i] = T(s >> 40);
    b[i] = T(s >> 20);
  }
  const char* ops[] = {"add", "sub", "mul", "maximum", "minimum"};
  for (int op = 0; op < 5; ++op) {
    for (int64_t off = 0; off < 64; off += 3) {
      for (int64_t n : {1, 15, 31, 32, 33, 63, 64, 65, 129, 300}) {
        for (int bcast = 0; bcast < 3; ++bcast) {  // none, a scalar, b scalar
          const int64_t na = bcast == 1 ? 1 : n, nb = bcast == 2 ? 1 : n;
          call(ops[op], {view_at(a, 5, na, dt), view_at(b, 9, nb, dt)}, {view_at(o, off, n, dt)});
          for (int64_t k = 0; k < n; ++k) {
            using W = std::make_unsigned_t<std::conditional_t<sizeof(T) < 4, int32_t, T>>;
            const T x = a[size_t(5 + (bcast == 1 ? 0 : k))],
                    y = b[size_t(9 + (bcast == 2 ? 0 : k))];
            const T want = op == 0   ? T(W(x) + W(y))
                           : op == 1 ? T(W(x) - W(y))
                           : op == 2 ? T(W(x) * W(y))
                           : op == 3 ? (x > y ? x : y)
                                     : (x < y ? x : y);
            CHECK(o[size_t(off + k)] == want);
          }
        }
      }
    }
  }
}

TEST_CASE(integer_rows_every_alignment_and_length) {
  check_int_rows<int8_t>(tfl::DType::kInt8);
  check_int_rows<uint8_t>(tfl::DType::kUInt8);
  check_int_rows<int16_t>(tfl::DType::kInt16);
  check_int_rows<uint16_t>(tfl::DType::kUInt16);
  check_int_rows<int32_t>(tfl::DType::kInt32);
  check_int_rows<int64_t>(tfl::DType::kInt64);
}

// Rows of at least two grains are cut into pieces that run on different threads: a 1-D operand,
// long rows with one operand broadcast along the rows, and a scalar, each with 1 and 2 threads.
TEST_CASE(long_rows_split_across_threads) {
  const int64_t n = 2 * tfl::kCheapGrain + 777;
  Buf<float> a({3, n}), row({1, n}), s({});
  fill_random(a, -5, 5, 21);
  fill_random(row, -5, 5, 22);
  s[0] = 0.25f;
  auto run = [&](const tfl::TensorView& x, const tfl::TensorView& y, int64_t rows) {
    Buf<float> c({rows, n});
    call("mul", {x, y}, {c.view});
    return c.data;
  };
  tfl::TensorView one_row = a.view;
  one_row.ndim = 1;
  one_row.shape[0] = n;
  for (int threads : {1, 2}) {
    const auto flat = tfl_test::with_threads(threads, [&] { return run(one_row, s.view, 1); });
    for (int64_t k = 0; k < n; ++k) CHECK(flat[size_t(k)] == a[size_t(k)] * 0.25f);
    const auto rows = tfl_test::with_threads(threads, [&] { return run(a.view, row.view, 3); });
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t k = 0; k < n; ++k)
        CHECK(rows[size_t(r * n + k)] == a[size_t(r * n + k)] * row[size_t(k)]);
  }
}

// fused_elementwise (elementwise_fused.cc) gives the bits of its ops run one by one: for every
// instruction code, a program (code over a full input and a bias row; times a scalar; the code
// again) against the three kernels, on values with NaN, infinities and signed zeros, at the
// ISA cap this test runs under, split across threads.
TEST_CASE(fused_elementwise_gives_the_unfused_bits) {
  const char* binary[] = {"add",     "sub", "mul",       "div",          "maximum",
                          "minimum", "pow", "relu_grad", "sigmoid_grad", "tanh_grad"};
  const char* unary[] = {"neg", "abs",  "relu",   "sigmoid",    "tanh", "exp",
                         "log", "sqrt", "square", "reciprocal", "sign", "floor"};
  const int64_t rows = 1001, cols = 37;
  Buf<float> a({rows, cols}), row({cols}), s({}, -1.25f);
  fill_random(a, -4, 4, 21);
  fill_random(row, -3, 3, 22);
  const float special[5] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f};
  for (int i = 0; i < 5; ++i) {
    a[size_t(7 * i)] = special[i];
    row[size_t(i + 3)] = special[i];
  }
  auto check_code = [&](int64_t code, const char* name, bool is_binary) {
    Buf<float> t0({rows, cols}), t1({rows, cols}), want({rows, cols}), got({rows, cols});
    if (is_binary) {
      call(name, {a.view, row.view}, {t0.view});
      call("mul", {t0.view, s.view}, {t1.view});
      call(name, {t1.view, row.view}, {want.view});
    } else {
      call(name, {a.view}, {t0.view});
      call("mul", {t0.view, s.view}, {t1.view});
      call(name, {t1.view}, {want.view});
    }
    // registers: 0 a, 1 row, 2 s; 3, 4, 5 the instructions'
    const int64_t b = is_binary ? 1 : 0;
    call("fused_elementwise", {a.view, row.view, s.view}, {got.view},
         {3, code, 3, 0, b, 2, 4, 3, 2, code, 5, 4, b});
    CHECK(std::memcmp(got.data.data(), want.data.data(), got.data.size() * sizeof(float)) == 0);
  };
  for (int64_t k = 0; k < 10; ++k) check_code(k, binary[k], true);
  for (int64_t k = 0; k < 12; ++k) check_code(16 + k, unary[k], false);
}

TEST_CASE(fused_elementwise_refuses_bad_programs) {
  Buf<float> a({3, 4}), out({3, 4});
  Buf<double> d({3, 4});
  CHECK_THROWS(call("fused_elementwise", {a.view}, {out.view}, {0}));
  CHECK_THROWS(call("fused_elementwise", {a.view}, {out.view}, {1, 99, 1, 0, 0}));
  CHECK_THROWS(call("fused_elementwise", {a.view}, {out.view}, {1, 0, 2, 0, 0}));
  CHECK_THROWS(call("fused_elementwise", {a.view}, {out.view}, {1, 0, 1, 0, 1}));
  CHECK_THROWS(call("fused_elementwise", {a.view}, {out.view}, {2, 16, 1, 0, 0}));
  CHECK_THROWS(call("fused_elementwise", {d.view}, {out.view}, {1, 16, 1, 0, 0}));
  Buf<float> five({5});
  CHECK_THROWS(call("fused_elementwise", {a.view, five.view}, {out.view}, {1, 0, 2, 0, 1}));
}

// float32 tanh (fast_math.h's tanh_f32, under the ISA cap this test runs under): within 3e-7 of
// tanh in double precision (relative) from 1e-30 to 20 on both sides, odd, and exact at the
// special values.
TEST_CASE(float_tanh_whole_range) {
  const int64_t n = 200001;
  Buf<float> x({2 * n + 6}), y({2 * n + 6});
  for (int64_t i = 0; i < n; ++i) {
    const float v = std::pow(10.0f, -30.0f + 31.3f * float(i) / float(n));  // 1e-30 .. 20
    x[size_t(2 * i)] = v;
    x[size_t(2 * i + 1)] = -v;
  }
  const float special[6] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 0.625f};
  for (int i = 0; i < 6; ++i) x[size_t(2 * n + i)] = special[i];
  call("tanh", {x.view}, {y.view});
  for (int64_t i = 0; i < 2 * n; ++i) {
    const double want = std::tanh(double(x[size_t(i)]));
    CHECK(std::fabs(y[size_t(i)] - want) <= 3e-7 * std::fabs(want));
    if (i % 2 == 1) CHECK(y[size_t(i)] == -y[size_t(i - 1)]);
  }
  CHECK(std::isnan(y[size_t(2 * n)]));
  CHECK(y[size_t(2 * n + 1)] == 1.0f && y[size_t(2 * n + 2)] == -1.0f);
  CHECK(y[size_t(2 * n + 3)] == 0.0f && !std::signbit(y[size_t(2 * n + 3)]));
  CHECK(y[size_t(2 * n + 4)] == 0.0f && std::signbit(y[size_t(2 * n + 4)]));
}
