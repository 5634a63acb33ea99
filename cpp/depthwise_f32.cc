// depthwise_f32.cc: the direct float32 depthwise convolution (depthwise_f32.h).
//
// A work item is one output row of one image for one block of 16 channels (the last block
// masked). Its K*K filter vectors and the bias are loaded into registers once. The output
// columns whose taps all lie inside the image run four at a time: each input vector of a filter
// row is loaded once and multiplied into every one of the four sums that reads it (K * (3S + K)
// loads for 4 K^2 multiply-adds); the columns next to the left and right borders, and the rest
// of the interior, one at a time. Filter rows outside the image are skipped (TF's zero padding
// adds nothing). Items go row by row, the channel blocks of a row together, so the K input rows
// stay in L2 while the blocks go by; threads take contiguous runs of items.
#include "depthwise_f32.h"

#include <algorithm>

#include "cpu.h"
#include "kernels.h"
#include "relu_avx512.h"

namespace tfl {

namespace {

// Layers below this many multiply-adds run on one thread.
constexpr int64_t kParallelMacs = int64_t{1} << 17;

#if TFL_CPU_X86

struct Layer {
  const ConvGeom& g;
  const float* x;
  const float* f;     // [K, K, c]
  const float* bias;  // [c] or null
  float* y;
  int act;
};

template <bool kFull>
TFL_TARGET_AVX512F inline __m512 load(__mmask16 m, const float* p) {
  return kFull ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(m, p);
}

template <bool kFull>
TFL_TARGET_AVX512F inline void store(__mmask16 m, float* p, __m512 v, int act) {
  v = relu16(v, act);
  if (kFull) _mm512_storeu_ps(p, v);
  else _mm512_mask_storeu_ps(p, m, v);
}

// Output column oc of a row (row_block's filter w, bias b, input rows and output), taps outside
// the image left out (check: columns too, else only rows).
template <int K, int S, bool kFull>
TFL_TARGET_AVX512F inline void single(const Layer& L, const __m512* w, __m512 b,
                                      const float* const* rows, float* out, int64_t oc, bool check,
                                      __mmask16 m) {
  const ConvGeom& g = L.g;
  __m512 acc = b;
  const int64_t c0 = oc * S - g.pl;
#pragma GCC unroll 5
  for (int i = 0; i < K; ++i) {
    if (!rows[i]) continue;
#pragma GCC unroll 5
    for (int s = 0; s < K; ++s) {
      if (check && (c0 + s < 0 || c0 + s >= g.w)) continue;
      acc = _mm512_fmadd_ps(load<kFull>(m, rows[i] + (c0 + s) * g.c), w[i * K + s], acc);
    }
  }
  store<kFull>(m, out + oc * g.c, acc, L.act);
}

// Output row r of image n, channels [ch, ch + 16) (lanes m inside c).
template <int K, int S, bool kFull>
TFL_TARGET_AVX512F void row_block(const Layer& L, int64_t n, int64_t r, int64_t ch, __mmask16 m) {
  const ConvGeom& g = L.g;
  __m512 w[K * K];
#pragma GCC unroll 25
  for (int t = 0; t < K * K; ++t) w[t] = load<kFull>(m, L.f + t * g.c + ch);
  const __m512 b = L.bias ? load<kFull>(m, L.bias + ch) : _mm512_setzero_ps();
  const float* rows[K];  // the input row of each filter row, at column 0 (null: outside)
  for (int i = 0; i < K; ++i) {
    const int64_t ih = r * S - g.pt + i;
    rows[i] = ih >= 0 && ih < g.h ? L.x + ((n * g.h + ih) * g.w) * g.c + ch : nullptr;
  }
  float* out = L.y + ((n * g.oh + r) * g.ow) * g.c + ch;
  // the columns whose taps are all inside: c0 >= 0 and c0 + K <= w
  const int64_t lo = std::min(g.ow, (g.pl + S - 1) / S);
  const int64_t hi =
      std::max(lo, std::min(g.ow, g.w - K + g.pl >= 0 ? (g.w - K + g.pl) / S + 1 : 0));
  for (int64_t oc = 0; oc < lo; ++oc) single<K, S, kFull>(L, w, b, rows, out, oc, true, m);
  int64_t oc = lo;
  for (; oc + 4 <= hi; oc += 4) {
    __m512 acc[4] = {b, b, b, b};
    const int64_t c0 = oc * S - g.pl;
#pragma GCC unroll 5
    for (int i = 0; i < K; ++i) {
      if (!rows[i]) continue;
      const float* p = rows[i] + c0 * g.c;
#pragma GCC unroll 16
      for (int t = 0; t < 3 * S + K; ++t) {
        const __m512 v = load<kFull>(m, p + t * g.c);
#pragma GCC unroll 4
        for (int o = 0; o < 4; ++o) {
          const int s = t - o * S;
          if (s >= 0 && s < K) acc[o] = _mm512_fmadd_ps(v, w[i * K + s], acc[o]);
        }
      }
    }
#pragma GCC unroll 4
    for (int o = 0; o < 4; ++o) store<kFull>(m, out + (oc + o) * g.c, acc[o], L.act);
  }
  for (; oc < hi; ++oc) single<K, S, kFull>(L, w, b, rows, out, oc, false, m);
  for (oc = hi; oc < g.ow; ++oc) single<K, S, kFull>(L, w, b, rows, out, oc, true, m);
}

using RowFn = void (*)(const Layer&, int64_t, int64_t, int64_t, __mmask16);

// [K == 5][S == 2][full block]
const RowFn kRows[2][2][2] = {
    {{row_block<3, 1, false>, row_block<3, 1, true>},
     {row_block<3, 2, false>, row_block<3, 2, true>}},
    {{row_block<5, 1, false>, row_block<5, 1, true>},
     {row_block<5, 2, false>, row_block<5, 2, true>}},
};

#endif  // TFL_CPU_X86

}  // namespace

bool depthwise_f32_takes(const ConvGeom& g) {
  return conv_direct() && cpu::has_avx512f() && g.depthwise() && g.mult == 1 && g.kh == g.kw &&
         (g.kh == 3 || g.kh == 5) && g.sh == g.sw && (g.sh == 1 || g.sh == 2) && g.dh == 1 &&
         g.dw == 1 && g.c > 0;
}

void depthwise_f32(const ConvGeom& g, const float* x, const float* f, const float* bias, float* y,
                   int act) {
#if TFL_CPU_X86
  const Layer L{g, x, f, bias, y, act};
  const int64_t blocks = (g.c + 15) / 16;
  const int64_t items = g.n * g.oh * blocks;
  const int nt = g.y_size() * g.kh * g.kw < kParallelMacs ? 1 : std::max(get_num_threads(), 1);
  const int tail = int(g.c % 16);
  const __mmask16 tail_mask = __mmask16((1u << tail) - 1);
  parallel_for(items, (items + nt - 1) / nt, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t block = t % blocks, row = t / blocks;
      const bool full = tail == 0 || block + 1 < blocks;
      kRows[g.kh == 5][g.sh == 2][full](L, row / g.oh, row % g.oh, block * 16,
                                        full ? __mmask16(0xFFFF) : tail_mask);
    }
  });
#else
  (void)g, (void)x, (void)f, (void)bias, (void)y, (void)act;
  throw KernelError("[depthwise_f32] needs x86-64 with AVX-512");
#endif
}

}  // namespace tfl
