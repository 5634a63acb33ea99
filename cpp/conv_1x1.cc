// conv_1x1.cc: the direct float32 1x1 convolution (conv_1x1.h).
//
// The output is cut into tiles of up to 8 rows (pixels) by 48 columns (output channels, three
// AVX-512 vectors; the last vector of a row's tail masked). A tile's 24 sums stay in registers
// through the whole depth: for each input channel k, the three filter vectors f[k, col..col+48)
// are loaded once and each of the 8 pixels' x[row, k] is broadcast into three multiply-adds.
// The filter is read where it lies ([c, oc], rows oc floats apart), so nothing is packed or
// cached. Tiles are taken row-block by row-block, each row block across all its column blocks,
// so its 8 input rows stay in L1 while the filter comes from L2; threads take contiguous runs
// of tiles.
#include "conv_1x1.h"

#include <algorithm>

#include "cpu.h"
#include "kernels.h"
#include "relu_avx512.h"

namespace tfl {

namespace {

constexpr int kRows = 8;     // pixels per tile
constexpr int kVectors = 3;  // 16-channel vectors per tile
constexpr int64_t kCols = 16 * kVectors;
// Products below this many multiply-adds run on one thread (waking the other costs more).
constexpr int64_t kParallelMacs = int64_t{1} << 18;

#if TFL_CPU_X86

struct Operands {
  const float* x;     // [rows, c]
  const float* f;     // [c, oc]
  const float* bias;  // [oc] or null
  float* y;           // [rows, oc]
  int64_t c, oc;
  int act;
};

// The tile of MR rows from `row` and NV vectors from `col`; `last`: the lanes of the last vector
// inside the output (kFull: all of them, stored without a mask).
template <int MR, int NV, bool kFull>
TFL_TARGET_AVX512F void tile(const Operands& o, int64_t row, int64_t col, __mmask16 last) {
  __m512 acc[MR][NV];
#pragma GCC unroll 4
  for (int j = 0; j < NV; ++j) {
    const __mmask16 m = j == NV - 1 ? last : __mmask16(0xFFFF);
    const __m512 b = o.bias ? _mm512_maskz_loadu_ps(m, o.bias + col + 16 * j) : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) acc[i][j] = b;
  }
  const float* a = o.x + row * o.c;
  const float* w = o.f + col;
#pragma GCC unroll 2
  for (int64_t k = 0; k < o.c; ++k, w += o.oc) {
    __m512 wv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j)
      wv[j] = j == NV - 1 ? _mm512_maskz_loadu_ps(last, w + 16 * j) : _mm512_loadu_ps(w + 16 * j);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const __m512 v = _mm512_set1_ps(a[i * o.c + k]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = _mm512_fmadd_ps(v, wv[j], acc[i][j]);
    }
  }
  float* y = o.y + row * o.oc + col;
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      const __m512 v = relu16(acc[i][j], o.act);
      if (!kFull && j == NV - 1) _mm512_mask_storeu_ps(y + i * o.oc + 16 * j, last, v);
      else _mm512_storeu_ps(y + i * o.oc + 16 * j, v);
    }
  }
}

using TileFn = void (*)(const Operands&, int64_t, int64_t, __mmask16);

// clang-format off
#define TFL_TILE_ROW(MR) {tile<MR, 1, false>, tile<MR, 2, false>, tile<MR, 3, false>, \
                          tile<MR, 1, true>, tile<MR, 2, true>, tile<MR, 3, true>}
const TileFn kTiles[kRows][2 * kVectors] = {
    TFL_TILE_ROW(1), TFL_TILE_ROW(2), TFL_TILE_ROW(3), TFL_TILE_ROW(4),
    TFL_TILE_ROW(5), TFL_TILE_ROW(6), TFL_TILE_ROW(7), TFL_TILE_ROW(8)};
#undef TFL_TILE_ROW
// clang-format on

#endif  // TFL_CPU_X86

}  // namespace

bool conv1x1_takes(const ConvGeom& g) {
  return conv_direct() && cpu::has_avx512f() && !g.depthwise() && g.kh == 1 && g.kw == 1 &&
         g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pb == 0 && g.pl == 0 && g.pr == 0 &&
         g.oh == g.h && g.ow == g.w && g.c > 0;
}

void conv1x1_f32(const ConvGeom& g, const float* x, const float* f, const float* bias, float* y,
                 int act) {
#if TFL_CPU_X86
  const Operands o{x, f, bias, y, g.c, g.oc, act};
  const int64_t rows = g.n * g.oh * g.ow;
  const int64_t row_blocks = (rows + kRows - 1) / kRows;
  const int64_t col_blocks = (g.oc + kCols - 1) / kCols;
  const int64_t tiles = row_blocks * col_blocks;
  const int nt = rows * g.c * g.oc < kParallelMacs ? 1 : std::max(get_num_threads(), 1);
  // a filter larger than half an L2 is swept once, column block by column block, each over every
  // row block (the input stays in L2); a smaller one stays in L2 while the row blocks go by
  const bool cols_outer = g.c * g.oc * int64_t(sizeof(float)) > (int64_t{1} << 19);
  parallel_for(tiles, (tiles + nt - 1) / nt, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t rb = cols_outer ? t % row_blocks : t / col_blocks;
      const int64_t cb = cols_outer ? t / row_blocks : t % col_blocks;
      const int64_t row = rb * kRows, col = cb * kCols;
      const int64_t mr = std::min<int64_t>(kRows, rows - row);
      const int64_t cols = std::min(kCols, g.oc - col);
      const int64_t nv = (cols + 15) / 16;
      const __mmask16 last = __mmask16((1u << (cols - 16 * (nv - 1))) - 1);
      kTiles[mr - 1][(cols % 16 == 0) * kVectors + nv - 1](o, row, col, last);
    }
  });
#else
  (void)g, (void)x, (void)f, (void)bias, (void)y, (void)act;
  throw KernelError("[conv1x1_f32] needs x86-64 with AVX-512");
#endif
}

}  // namespace tfl
