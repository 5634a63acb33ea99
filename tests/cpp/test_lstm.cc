// The fused LSTM step: forward against the cell's definition, backward against central
// differences of the forward (float64), odd sizes, shape errors, thread-count invariance.
#include <cmath>

#include "harness.h"

using tfl_test::Buf;
using tfl_test::call;
using tfl_test::fill_random;

namespace {
double sig(double x) { return 1 / (1 + std::exp(-x)); }
}  // namespace

TEST_CASE(lstm_step_matches_definition_odd_sizes) {
  for (int64_t b : {1, 3}) {
    for (int64_t h : {1, 5, 13}) {
      Buf<double> g({b, 4 * h}), cp({b, h}), nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h});
      fill_random(g, -3, 3, uint64_t(b * 100 + h));
      fill_random(cp, -2, 2, uint64_t(b * 7 + h));
      const double fb = 0.75;
      call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {fb});
      for (int64_t r = 0; r < b; ++r)
        for (int64_t u = 0; u < h; ++u) {
          const double* gr = &g.data[size_t(r * 4 * h)];
          const double i = sig(gr[u]), j = std::tanh(gr[h + u]);
          const double f = sig(gr[2 * h + u] + fb), o = sig(gr[3 * h + u]);
          const double c = cp[size_t(r * h + u)] * f + i * j;
          CHECK_NEAR(nc[size_t(r * h + u)], c, 1e-14);
          CHECK_NEAR(nh[size_t(r * h + u)], std::tanh(c) * o, 1e-14);
          CHECK_NEAR(tc[size_t(r * h + u)], std::tanh(c), 1e-14);
          CHECK_NEAR(act[size_t(r * 4 * h + 2 * h + u)], f, 1e-14);
        }
    }
  }
}

TEST_CASE(lstm_step_grad_matches_central_differences) {
  const int64_t b = 2, h = 3;
  Buf<double> g({b, 4 * h}), cp({b, h}), wc({b, h}), wh({b, h});
  fill_random(g, -2, 2, 1);
  fill_random(cp, -2, 2, 2);
  fill_random(wc, -1, 1, 3);
  fill_random(wh, -1, 1, 4);
  // loss = sum(new_c * wc + new_h * wh)
  auto loss = [&](Buf<double>& gg, Buf<double>& cc) {
    Buf<double> nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h});
    call("lstm_step", {gg.view, cc.view}, {nc.view, nh.view, act.view, tc.view}, {}, {1.0});
    double s = 0;
    for (size_t k = 0; k < nc.size(); ++k) s += nc[k] * wc[k] + nh[k] * wh[k];
    return s;
  };
  Buf<double> nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h}), dg({b, 4 * h}), dcp({b, h});
  call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {1.0});
  call("lstm_step_grad", {act.view, cp.view, tc.view, wc.view, wh.view}, {dg.view, dcp.view});
  const double eps = 1e-6;
  for (auto [in, grad] : {std::pair{&g, &dg}, {&cp, &dcp}})
    for (size_t k = 0; k < in->size(); ++k) {
      const double v = (*in)[k];
      (*in)[k] = v + eps;
      const double up = loss(g, cp);
      (*in)[k] = v - eps;
      const double dn = loss(g, cp);
      (*in)[k] = v;
      CHECK_NEAR((*grad)[k], (up - dn) / (2 * eps), 1e-8);
    }
}

TEST_CASE(lstm_step_shape_errors_and_empty) {
  Buf<float> g({2, 6}), cp({2, 2}), o({2, 2}), a({2, 8});
  CHECK_THROWS(call("lstm_step", {g.view, cp.view}, {o.view, o.view, a.view, o.view}, {}, {1}));
  Buf<float> g8({2, 8}), cp3({2, 3});
  CHECK_THROWS(call("lstm_step", {g8.view, cp3.view}, {o.view, o.view, a.view, o.view}, {}, {1}));
  CHECK_THROWS(call("lstm_step", {g8.view, cp.view}, {o.view, o.view, a.view, o.view}));
  Buf<float> e({0, 8}), ec({0, 2}), ea({0, 8});
  call("lstm_step", {e.view, ec.view}, {ec.view, ec.view, ea.view, ec.view}, {}, {1});
  CHECK_THROWS(
      call("lstm_step_grad", {a.view, cp3.view, o.view, o.view, o.view}, {a.view, o.view}));
}

TEST_CASE(lstm_same_result_one_and_two_threads) {
  const int64_t b = 67, h = 131;
  Buf<float> g({b, 4 * h}), cp({b, h}), dc({b, h}), dh({b, h});
  fill_random(g, -4, 4, 5);
  fill_random(cp, -2, 2, 6);
  fill_random(dc, -1, 1, 7);
  fill_random(dh, -1, 1, 8);
  auto run = [&] {
    Buf<float> nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h}), dg({b, 4 * h}), dcp({b, h});
    call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {1.0});
    call("lstm_step_grad", {act.view, cp.view, tc.view, dc.view, dh.view}, {dg.view, dcp.view});
    std::vector<float> r = nc.data;
    for (auto* v : {&nh.data, &act.data, &tc.data, &dg.data, &dcp.data})
      r.insert(r.end(), v->begin(), v->end());
    return r;
  };
  CHECK(tfl_test::with_threads(1, run) == tfl_test::with_threads(2, run));
}

TEST_CASE(lstm_step_float32_fast_exp_is_accurate_over_the_range) {
  // float32 uses a vectorised exp: check it against double libm from -100 to 100, 0 included.
  const int64_t h = 1001;
  Buf<float> g({1, 4 * h}), cp({1, h}), nc({1, h}), nh({1, h}), act({1, 4 * h}), tc({1, h});
  for (int64_t k = 0; k < 4 * h; ++k)
    g[size_t(k)] = float(-100.0 + 200.0 * double(k % h) / (h - 1));
  for (int64_t u = 0; u < h; ++u) cp[size_t(u)] = float(-3.0 + 6.0 * double(u) / (h - 1));
  call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {0.0});
  for (int64_t u = 0; u < h; ++u) {
    const double x = double(g[size_t(u)]);
    const double i = sig(x), j = std::tanh(x), c = double(cp[size_t(u)]) * i + i * j;
    CHECK_NEAR(act[size_t(u)], i, 2e-7 * std::max(1.0, i));
    CHECK_NEAR(act[size_t(h + u)], j, 2e-7);
    CHECK_NEAR(nc[size_t(u)], c, 1e-6 * std::max(1.0, std::fabs(c)));
    CHECK_NEAR(nh[size_t(u)], std::tanh(c) * i, 1e-6);
  }
}

// ---- lstm_seq / lstm_seq_grad: the whole recurrence in one kernel -------------------------------
namespace {

struct Seq {
  int64_t t, b, d, h;
  Buf<double> x, c0, h0, w, bias;
  Seq(int64_t t_, int64_t b_, int64_t d_, int64_t h_)
      : t(t_), b(b_), d(d_), h(h_), x({t_, b_, d_}), c0({b_, h_}), h0({b_, h_}),
        w({d_ + h_, 4 * h_}), bias({4 * h_}) {
    fill_random(x, -2, 2, uint64_t(t * 31 + d));
    fill_random(c0, -2, 2, uint64_t(b * 17 + h));
    fill_random(h0, -1, 1, uint64_t(b * 13 + h));
    fill_random(w, -1, 1, uint64_t(d * 11 + h));
    fill_random(bias, -1, 1, uint64_t(h * 7 + 1));
  }
  // lstm_seq's outputs: c, h, act, tanh_c
  std::vector<Buf<double>> run(double fb) {
    std::vector<Buf<double>> o;
    for (int64_t k : {1, 1, 4, 1}) o.emplace_back(std::vector<int64_t>{t, b, k * h});
    o.emplace_back(std::vector<int64_t>{4 * h * h});
    call("lstm_seq", {x.view, c0.view, h0.view, w.view, bias.view},
         {o[0].view, o[1].view, o[2].view, o[3].view, o[4].view}, {}, {fb});
    return o;
  }
};

}  // namespace

TEST_CASE(lstm_seq_matches_chained_steps) {
  for (auto dims : {std::vector<int64_t>{3, 2, 3, 5}, {4, 1, 0, 2}, {1, 3, 4, 1}}) {
    Seq s(dims[0], dims[1], dims[2], dims[3]);
    const int64_t b = s.b, d = s.d, h = s.h;
    auto o = s.run(0.75);
    std::vector<double> c(s.c0.data), hp(s.h0.data);
    for (int64_t t = 0; t < s.t; ++t) {
      Buf<double> g({b, 4 * h}), cp({b, h}), nc({b, h}), nh({b, h}), act({b, 4 * h}), tc({b, h});
      for (int64_t r = 0; r < b; ++r)
        for (int64_t u = 0; u < 4 * h; ++u) {
          double v = s.bias[size_t(u)];
          for (int64_t k = 0; k < d; ++k)
            v += s.x[size_t((t * b + r) * d + k)] * s.w[size_t(k * 4 * h + u)];
          for (int64_t k = 0; k < h; ++k)
            v += hp[size_t(r * h + k)] * s.w[size_t((d + k) * 4 * h + u)];
          g[size_t(r * 4 * h + u)] = v;
        }
      cp.data = c;
      call("lstm_step", {g.view, cp.view}, {nc.view, nh.view, act.view, tc.view}, {}, {0.75});
      for (size_t k = 0; k < nc.size(); ++k) {
        CHECK_NEAR(o[0][size_t(t * b * h) + k], nc[k], 1e-13);
        CHECK_NEAR(o[1][size_t(t * b * h) + k], nh[k], 1e-13);
        CHECK_NEAR(o[3][size_t(t * b * h) + k], tc[k], 1e-13);
      }
      for (size_t k = 0; k < act.size(); ++k)
        CHECK_NEAR(o[2][size_t(t * b * 4 * h) + k], act[k], 1e-13);
      c = nc.data;
      hp = nh.data;
    }
  }
}

TEST_CASE(lstm_seq_grad_matches_central_differences) {
  Seq s(3, 2, 2, 3);
  const int64_t t = s.t, b = s.b, d = s.d, h = s.h;
  Buf<double> wc({t, b, h}), wh({t, b, h});
  fill_random(wc, -1, 1, 21);
  fill_random(wh, -1, 1, 22);
  auto loss = [&] {  // sum(c * wc + h * wh)
    auto o = s.run(1.0);
    double v = 0;
    for (size_t k = 0; k < wc.size(); ++k) v += o[0][k] * wc[k] + o[1][k] * wh[k];
    return v;
  };
  auto o = s.run(1.0);
  Buf<double> dx({t, b, d}), dc0({b, h}), dh0({b, h}), dw({d + h, 4 * h}), db({4 * h});
  Buf<double> dg({t, b, 4 * h}), xh({t, b, d + h});
  call("lstm_seq_grad",
       {s.x.view, s.c0.view, s.h0.view, s.w.view, o[0].view, o[1].view, o[2].view, o[3].view,
        wc.view, wh.view},
       {dx.view, dc0.view, dh0.view, dw.view, db.view, dg.view, xh.view});
  const double eps = 1e-6;
  std::vector<std::pair<Buf<double>*, Buf<double>*>> pairs = {
      {&s.x, &dx}, {&s.c0, &dc0}, {&s.h0, &dh0}, {&s.w, &dw}, {&s.bias, &db}};
  for (auto& [in, grad] : pairs)
    for (size_t k = 0; k < in->size(); ++k) {
      const double v = (*in)[k];
      (*in)[k] = v + eps;
      const double up = loss();
      (*in)[k] = v - eps;
      const double dn = loss();
      (*in)[k] = v;
      CHECK_NEAR((*grad)[k], (up - dn) / (2 * eps), 1e-7);
    }
  // the work buffer xh holds [x_t, h_{t-1}]
  CHECK(xh[size_t(d)] == s.h0[0]);
  CHECK(xh[size_t((b * 1) * (d + h) + d)] == o[1][0]);
}

TEST_CASE(lstm_seq_one_and_two_threads_agree) {
  // h = 45 runs the sgemm loop; h = 48 the packed panels (on AVX2+FMA CPUs)
  for (int64_t h : {45, 48}) {
    const int64_t t = 5, b = 9, d = 37;
    Buf<float> x({t, b, d}), c0({b, h}), h0({b, h}), w({d + h, 4 * h}), bias({4 * h});
    Buf<float> dc({t, b, h}), dh({t, b, h});
    fill_random(x, -2, 2, 1);
    fill_random(c0, -1, 1, 2);
    fill_random(h0, -1, 1, 3);
    fill_random(w, -0.3, 0.3, 4);
    fill_random(bias, -1, 1, 5);
    fill_random(dc, -1, 1, 6);
    fill_random(dh, -1, 1, 7);
    auto run = [&] {
      Buf<float> c({t, b, h}), hs({t, b, h}), act({t, b, 4 * h}), tc({t, b, h}), p({4 * h * h});
      call("lstm_seq", {x.view, c0.view, h0.view, w.view, bias.view},
           {c.view, hs.view, act.view, tc.view, p.view}, {}, {1.0});
      Buf<float> dx({t, b, d}), dc0({b, h}), dh0({b, h}), dw({d + h, 4 * h}), db({4 * h});
      Buf<float> dg({t, b, 4 * h}), xh({t, b, d + h});
      call("lstm_seq_grad",
           {x.view, c0.view, h0.view, w.view, c.view, hs.view, act.view, tc.view, dc.view, dh.view},
           {dx.view, dc0.view, dh0.view, dw.view, db.view, dg.view, xh.view});
      std::vector<float> r = c.data;
      for (auto* v : {&hs.data, &dx.data, &dc0.data, &dh0.data, &dw.data, &db.data})
        r.insert(r.end(), v->begin(), v->end());
      return r;
    };
    const auto one = tfl_test::with_threads(1, run), two = tfl_test::with_threads(2, run);
    CHECK(one.size() == two.size());
    for (size_t k = 0; k < one.size(); ++k) CHECK_NEAR(one[k], two[k], 1e-5);
  }
}

// Batches 1..9, 13 and 17 cover the packed products' tiles (6 rows with AVX2, 8 rows of two panels
// with AVX-512; ctest runs this again under TFLITE_CORE_MAX_ISA=avx2) and every remainder; H = 48
// has an odd number of blocks. float64 runs the sgemm loop, so the two paths are compared. The
// panels hold w[D:] as pack_recurrent_weights says.
TEST_CASE(lstm_seq_packed_panels_match_float64) {
  for (int64_t h : {16, 32, 48})
    for (int64_t b : {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 17}) {
      const int64_t t = 3, d = 5;
      Seq s(t, b, d, h);
      auto want = s.run(1.0);
      Buf<float> x({t, b, d}), c0({b, h}), h0({b, h}), w({d + h, 4 * h}), bias({4 * h});
      for (auto [f, g] :
           {std::pair{&x, &s.x}, {&c0, &s.c0}, {&h0, &s.h0}, {&w, &s.w}, {&bias, &s.bias}})
        for (size_t k = 0; k < f->size(); ++k) (*f)[k] = float((*g)[k]);
      std::vector<Buf<float>> o;
      for (int64_t k : {1, 1, 4, 1}) o.emplace_back(std::vector<int64_t>{t, b, k * h});
      o.emplace_back(std::vector<int64_t>{4 * h * h});
      auto run = [&] {
        call("lstm_seq", {x.view, c0.view, h0.view, w.view, bias.view},
             {o[0].view, o[1].view, o[2].view, o[3].view, o[4].view}, {}, {1.0});
        std::vector<float> r;
        for (int k = 0; k < 4; ++k) {
          const auto& v = o[size_t(k)].data;
          r.insert(r.end(), v.begin(), v.end());
        }
        return r;
      };
      const auto one = tfl_test::with_threads(1, run), two = tfl_test::with_threads(2, run);
      for (size_t k = 0; k < one.size(); ++k) CHECK(one[k] == two[k]);  // each value: one thread
      for (int k = 0; k < 4; ++k)
        for (size_t q = 0; q < want[size_t(k)].size(); ++q) {
          const double v = want[size_t(k)][q];
          CHECK_NEAR(o[size_t(k)][q], v, 2e-5 * (1 + std::fabs(v)));
        }
      for (int64_t blk = 0; blk < h / 16; ++blk)
        for (int64_t g = 0; g < 4; ++g)
          for (int64_t r = 0; r < h; ++r)
            for (int64_t u = 0; u < 16; ++u)
              CHECK(o[4][size_t(((blk * 4 + g) * h + r) * 16 + u)] ==
                    w[size_t((d + r) * 4 * h + g * h + blk * 16 + u)]);
    }
}

// The backward's packed loop (float32, H a multiple of 16: w_h^T's panels) against float64's sgemm
// loop, for the tiles' remainders, an odd number of blocks, one and two threads.
TEST_CASE(lstm_seq_grad_packed_matches_float64) {
  for (int64_t h : {16, 48, 64})
    for (int64_t b : {1, 3, 8, 9, 13}) {
      const int64_t t = 4, d = 3;
      Seq s(t, b, d, h);
      auto o64 = s.run(1.0);
      Buf<double> wc({t, b, h}), wh({t, b, h});
      fill_random(wc, -1, 1, 31);
      fill_random(wh, -1, 1, 32);
      auto grads = [&](auto zero, const std::vector<tfl::TensorView>& in) {
        using T = decltype(zero);
        std::vector<Buf<T>> g;
        for (auto dims : std::vector<std::vector<int64_t>>{
                 {t, b, d}, {b, h}, {b, h}, {d + h, 4 * h}, {4 * h}, {t, b, 4 * h}, {t, b, d + h}})
          g.emplace_back(dims);
        call("lstm_seq_grad", in,
             {g[0].view, g[1].view, g[2].view, g[3].view, g[4].view, g[5].view, g[6].view});
        std::vector<double> r;
        for (int k = 0; k < 5; ++k)
          for (auto v : g[size_t(k)].data) r.push_back(double(v));
        return r;
      };
      const auto want = grads(0.0, {s.x.view, s.c0.view, s.h0.view, s.w.view, o64[0].view,
                                    o64[1].view, o64[2].view, o64[3].view, wc.view, wh.view});
      // the same inputs in float32 (the forward outputs rounded too)
      std::vector<Buf<float>> f;
      for (Buf<double>* v :
           {&s.x, &s.c0, &s.h0, &s.w, &o64[0], &o64[1], &o64[2], &o64[3], &wc, &wh}) {
        f.emplace_back(std::vector<int64_t>(v->view.shape, v->view.shape + v->view.ndim));
        for (size_t k = 0; k < v->size(); ++k) f.back()[k] = float((*v)[k]);
      }
      std::vector<tfl::TensorView> in;
      for (auto& v : f) in.push_back(v.view);
      auto run = [&] { return grads(0.0f, in); };
      const auto one = tfl_test::with_threads(1, run), two = tfl_test::with_threads(2, run);
      for (size_t k = 0; k < want.size(); ++k) {
        CHECK(one[k] == two[k]);
        CHECK_NEAR(one[k], want[k], 1e-4 * (1 + std::fabs(want[k])));
      }
    }
}

// A narrower last block (H = 5: one block of 5 units) packs as [4 gates][H rows][5].
TEST_CASE(lstm_seq_panels_of_a_narrow_block) {
  Seq s(2, 3, 2, 5);
  auto o = s.run(0.0);
  for (int64_t g = 0; g < 4; ++g)
    for (int64_t r = 0; r < 5; ++r)
      for (int64_t u = 0; u < 5; ++u)
        CHECK(o[4][size_t((g * 5 + r) * 5 + u)] == s.w[size_t((2 + r) * 20 + g * 5 + u)]);
}

TEST_CASE(lstm_seq_shape_errors) {
  Buf<float> x({2, 1, 3}), s({1, 2}), w({5, 8}), w4({4, 8}), bias({8}), b6({6});
  Buf<float> o2({2, 1, 2}), o8({2, 1, 8}), o3({2, 1, 3}), p({16}), p15({15});
  call("lstm_seq", {x.view, s.view, s.view, w.view, bias.view},
       {o2.view, o2.view, o8.view, o2.view, p.view}, {}, {1});
  CHECK_THROWS(call("lstm_seq", {x.view, s.view, s.view, w4.view, bias.view},
                    {o2.view, o2.view, o8.view, o2.view, p.view}, {}, {1}));  // 4 rows, not 3 + 2
  CHECK_THROWS(call("lstm_seq", {x.view, s.view, s.view, w.view, b6.view},
                    {o2.view, o2.view, o8.view, o2.view, p.view}, {}, {1}));  // bias [6]
  CHECK_THROWS(call("lstm_seq", {x.view, s.view, s.view, w.view, bias.view},
                    {o2.view, o3.view, o8.view, o2.view, p.view}, {}, {1}));  // h output [2,1,3]
  CHECK_THROWS(call("lstm_seq", {x.view, s.view, s.view, w.view, bias.view},
                    {o2.view, o2.view, o8.view, o2.view, p.view}));  // no forget_bias
  CHECK_THROWS(call("lstm_seq", {x.view, s.view, s.view, w.view, bias.view},
                    {o2.view, o2.view, o8.view, o2.view, p15.view}, {}, {1}));  // panels [15]
  CHECK_THROWS(call("lstm_seq", {x.view, s.view, s.view, w.view, bias.view},
                    {o2.view, o2.view, o8.view, o2.view}, {}, {1}));  // no panels
  Buf<float> dx({2, 1, 3}), dw({5, 8}), xh({2, 1, 5});
  CHECK_THROWS(call("lstm_seq_grad",
                    {x.view, s.view, s.view, w.view, o2.view, o2.view, o8.view, o2.view, o2.view},
                    {dx.view, s.view, s.view, dw.view, bias.view, o8.view, xh.view}));
  CHECK_THROWS(
      call("lstm_seq_grad",
           {x.view, s.view, s.view, w.view, o2.view, o2.view, o8.view, o2.view, o2.view, o2.view},
           {dx.view, s.view, s.view, dw.view, bias.view, o8.view, o8.view}));  // xh
  Buf<float> e({0, 1, 3}), ec({0, 1, 2}), ea({0, 1, 8});
  call("lstm_seq", {e.view, s.view, s.view, w.view, bias.view},
       {ec.view, ec.view, ea.view, ec.view, p.view}, {}, {1});  // no steps
}
