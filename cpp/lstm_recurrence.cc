// lstm_recurrence.cc: lstm_seq's time loop on packed recurrent weights (lstm_cell.h).
//
// Per step the loop multiplies h_{t-1} [B,H] by w_h [H,4H]. With sgemm that product repacks the
// whole w_h (4 MB at H = 512) on every step, and the cell runs as a second parallel region. Here
// w_h is packed once per call, into 16-column panels, and an AVX2+FMA micro-kernel multiplies
// 6 rows of h by one panel in registers (12 accumulators). Each thread owns whole unit blocks:
// their panels of all four gates, so it can run the cell for its units right after its products;
// the step ends at one barrier, after which every thread reads all of h_t. On CPUs with AVX-512
// (cpu::has_avx512f(), which TFLITE_CORE_MAX_ISA=avx2 turns off) a second micro-kernel multiplies
// 8 rows of h by two panels at once (two gates of a block, one 16-float vector each: 16
// accumulators of the 32 registers), a broadcast feeding two FMAs as in the AVX2 tile, and B = 64
// rows make whole tiles.
#include <omp.h>

#include <cstring>

#include "cpu.h"
#include "kernels.h"
#include "lstm_cell.h"

#if TFL_CPU_X86
#include <immintrin.h>
#endif

namespace tfl {

constexpr int64_t kBlock = kLstmBlock;

template <typename T>
void pack_recurrent_weights(const T* wh, int64_t h, T* packed) {
  const int64_t nblk = (h + kBlock - 1) / kBlock;
  parallel_for(nblk, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; ++blk) {
      const int64_t u0 = blk * kBlock, n = std::min(kBlock, h - u0);
      for (int g = 0; g < 4; ++g) {
        // panels before this one: blocks 0..blk-1 (all 16 wide) and gates 0..g-1 of this block
        T* dst = packed + (u0 * 4 + g * n) * h;
        for (int64_t k = 0; k < h; ++k)
          std::memcpy(dst + k * n, wh + k * 4 * h + g * h + u0, size_t(n) * sizeof(T));
      }
    }
  });
}

template void pack_recurrent_weights<float>(const float*, int64_t, float*);
template void pack_recurrent_weights<double>(const double*, int64_t, double*);

void pack_recurrent_weights_t(const float* wh, int64_t h, float* packed) {
  const int64_t g4 = 4 * h, nblk = h / kBlock;
  parallel_for(nblk, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; ++blk) {
      float* dst = packed + blk * kBlock * g4;
      for (int64_t k = 0; k < g4; ++k)
        for (int64_t j = 0; j < kBlock; ++j) dst[k * kBlock + j] = wh[(blk * kBlock + j) * g4 + k];
    }
  });
}

#if TFL_CPU_X86
namespace {

// The tile's rows: (row, its two accumulators). Each step below applies to rows < MR.
#define TFL_TILE_ROWS(X) \
  X(0, c00, c01) X(1, c10, c11) X(2, c20, c21) X(3, c30, c31) X(4, c40, c41) X(5, c50, c51)
#define TFL_LOAD(r, acc0, acc1)              \
  if constexpr (MR > r) {                    \
    acc0 = _mm256_loadu_ps(c + r * ldc);     \
    acc1 = _mm256_loadu_ps(c + r * ldc + 8); \
  }
#define TFL_FMA(r, acc0, acc1)                \
  if constexpr (MR > r) {                     \
    x = _mm256_broadcast_ss(a + r * lda + q); \
    acc0 = _mm256_fmadd_ps(x, b0, acc0);      \
    acc1 = _mm256_fmadd_ps(x, b1, acc1);      \
  }
#define TFL_STORE(r, acc0, acc1)             \
  if constexpr (MR > r) {                    \
    _mm256_storeu_ps(c + r * ldc, acc0);     \
    _mm256_storeu_ps(c + r * ldc + 8, acc1); \
  }

// C[MR,16] += A[MR,k] (rows lda apart) @ P[k,16] (a packed panel), accumulated in registers.
// Named accumulators: with arrays GCC spilled them to the stack on every iteration.
template <int MR>
TFL_TARGET_AVX2_FMA __attribute__((always_inline)) inline void tile(int64_t k, const float* a,
                                                                    int64_t lda, const float* p,
                                                                    float* c, int64_t ldc) {
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  TFL_TILE_ROWS(TFL_LOAD)
  for (int64_t q = 0; q < k; ++q) {
    const __m256 b0 = _mm256_loadu_ps(p + kBlock * q), b1 = _mm256_loadu_ps(p + kBlock * q + 8);
    __m256 x;
    TFL_TILE_ROWS(TFL_FMA)
  }
  TFL_TILE_ROWS(TFL_STORE)
}
#undef TFL_TILE_ROWS
#undef TFL_LOAD
#undef TFL_FMA
#undef TFL_STORE

// C[m,16] += A[m,k] @ P[k,16]: tiles of 6 rows, then the remaining 1..5.
TFL_TARGET_AVX2_FMA void panel_product(int64_t m, int64_t k, const float* a, int64_t lda,
                                       const float* p, float* c, int64_t ldc) {
  int64_t r = 0;
  for (; r + 6 <= m; r += 6) tile<6>(k, a + r * lda, lda, p, c + r * ldc, ldc);
  const float* ar = a + r * lda;
  float* cr = c + r * ldc;
  switch (m - r) {
    case 5: tile<5>(k, ar, lda, p, cr, ldc); break;
    case 4: tile<4>(k, ar, lda, p, cr, ldc); break;
    case 3: tile<3>(k, ar, lda, p, cr, ldc); break;
    case 2: tile<2>(k, ar, lda, p, cr, ldc); break;
    case 1: tile<1>(k, ar, lda, p, cr, ldc); break;
    default: break;
  }
}

// ---- AVX-512: 8 rows x two panels ----
#define TFL_TILE_ROWS(X) \
  X(0, d00, d01)         \
  X(1, d10, d11)         \
  X(2, d20, d21) X(3, d30, d31) X(4, d40, d41) X(5, d50, d51) X(6, d60, d61) X(7, d70, d71)
#define TFL_LOAD(r, acc0, acc1)           \
  if constexpr (MR > r) {                 \
    acc0 = _mm512_loadu_ps(c0 + r * ldc); \
    acc1 = _mm512_loadu_ps(c1 + r * ldc); \
  }
#define TFL_FMA(r, acc0, acc1)           \
  if constexpr (MR > r) {                \
    x = _mm512_set1_ps(a[r * lda + q]);  \
    acc0 = _mm512_fmadd_ps(x, b0, acc0); \
    acc1 = _mm512_fmadd_ps(x, b1, acc1); \
  }
#define TFL_STORE(r, acc0, acc1)          \
  if constexpr (MR > r) {                 \
    _mm512_storeu_ps(c0 + r * ldc, acc0); \
    _mm512_storeu_ps(c1 + r * ldc, acc1); \
  }

// C0[MR,16] += A[MR,k] @ P0[k,16] and C1[MR,16] += A @ P1 (two packed panels).
template <int MR>
TFL_TARGET_AVX512F __attribute__((always_inline)) inline void tile2(int64_t k, const float* a,
                                                                    int64_t lda, const float* p0,
                                                                    const float* p1, float* c0,
                                                                    float* c1, int64_t ldc) {
  __m512 d00, d01, d10, d11, d20, d21, d30, d31, d40, d41, d50, d51, d60, d61, d70, d71;
  TFL_TILE_ROWS(TFL_LOAD)
  for (int64_t q = 0; q < k; ++q) {
    const __m512 b0 = _mm512_loadu_ps(p0 + kBlock * q), b1 = _mm512_loadu_ps(p1 + kBlock * q);
    __m512 x;
    TFL_TILE_ROWS(TFL_FMA)
  }
  TFL_TILE_ROWS(TFL_STORE)
}
#undef TFL_TILE_ROWS
#undef TFL_LOAD
#undef TFL_FMA
#undef TFL_STORE

// C0[m,16] += A[m,k] @ P0[k,16], C1 likewise with P1: tiles of 8 rows, then the remaining 1..7.
TFL_TARGET_AVX512F void panel_pair_product(int64_t m, int64_t k, const float* a, int64_t lda,
                                           const float* p0, const float* p1, float* c0, float* c1,
                                           int64_t ldc) {
  int64_t r = 0;
  for (; r + 8 <= m; r += 8) tile2<8>(k, a + r * lda, lda, p0, p1, c0 + r * ldc, c1 + r * ldc, ldc);
  const float* ar = a + r * lda;
  float *c0r = c0 + r * ldc, *c1r = c1 + r * ldc;
  switch (m - r) {
    case 7: tile2<7>(k, ar, lda, p0, p1, c0r, c1r, ldc); break;
    case 6: tile2<6>(k, ar, lda, p0, p1, c0r, c1r, ldc); break;
    case 5: tile2<5>(k, ar, lda, p0, p1, c0r, c1r, ldc); break;
    case 4: tile2<4>(k, ar, lda, p0, p1, c0r, c1r, ldc); break;
    case 3: tile2<3>(k, ar, lda, p0, p1, c0r, c1r, ldc); break;
    case 2: tile2<2>(k, ar, lda, p0, p1, c0r, c1r, ldc); break;
    case 1: tile2<1>(k, ar, lda, p0, p1, c0r, c1r, ldc); break;
    default: break;
  }
}

// The cell for units [u0, u0 + n) of every row.
TFL_TARGET_AVX2_FMA void cell_units(const float* bias, float fb, const float* cp, float* act,
                                    float* nc, float* tc, float* nh, int64_t b, int64_t h,
                                    int64_t u0, int64_t n) {
  for (int64_t r = 0; r < b; ++r)
    cell_row<float>(bias + u0, fb, cp + r * h + u0, act + r * 4 * h + u0, nc + r * h + u0,
                    tc + r * h + u0, nh + r * h + u0, n, h);
}

}  // namespace

bool lstm_packed_applies(int64_t h) { return h > 0 && h % kBlock == 0 && cpu::has_avx2_fma(); }

void lstm_grad_blocks(const float* packed_t, const float* dg, float* dh, int64_t b, int64_t h,
                      int64_t blk0, int64_t blk1) {
  const int64_t g4 = 4 * h, panel = kBlock * g4;
  for (int64_t r = 0; r < b; ++r)
    std::memset(dh + r * h + blk0 * kBlock, 0, size_t((blk1 - blk0) * kBlock) * sizeof(float));
  int64_t blk = blk0;
  if (cpu::has_avx512f())
    for (; blk + 2 <= blk1; blk += 2)
      panel_pair_product(b, g4, dg, g4, packed_t + blk * panel, packed_t + (blk + 1) * panel,
                         dh + blk * kBlock, dh + (blk + 1) * kBlock, h);
  for (; blk < blk1; ++blk)
    panel_product(b, g4, dg, g4, packed_t + blk * panel, dh + blk * kBlock, h);
}

bool lstm_recurrence_packed(const float* packed, const float* c0, const float* h0,
                            const float* bias, float fb, float* c, float* hs, float* act, float* tc,
                            int64_t steps, int64_t b, int64_t h) {
  if (!lstm_packed_applies(h)) return false;
  const int64_t g4 = 4 * h, bh = b * h, nblk = h / kBlock;
  const bool avx512 = cpu::has_avx512f();
  // Nothing in the region throws: it only multiplies and runs the cell on checked buffers.
#pragma omp parallel num_threads(get_num_threads())
  {
    const int64_t nth = omp_get_num_threads(), tid = omp_get_thread_num();
    const int64_t blk0 = nblk * tid / nth, blk1 = nblk * (tid + 1) / nth;
    for (int64_t t = 0; t < steps; ++t) {
      const float* hp = t == 0 ? h0 : hs + (t - 1) * bh;
      const float* cp = t == 0 ? c0 : c + (t - 1) * bh;
      float* at = act + t * b * g4;
      for (int64_t blk = blk0; blk < blk1; ++blk) {
        const float* p = packed + blk * 4 * kBlock * h;  // the block's 4 panels, one after another
        float* ab = at + blk * kBlock;
        if (avx512) {
          panel_pair_product(b, h, hp, h, p, p + kBlock * h, ab, ab + h, g4);
          panel_pair_product(b, h, hp, h, p + 2 * kBlock * h, p + 3 * kBlock * h, ab + 2 * h,
                             ab + 3 * h, g4);
        } else {
          for (int g = 0; g < 4; ++g)
            panel_product(b, h, hp, h, p + g * kBlock * h, ab + g * h, g4);
        }
      }
      if (blk1 > blk0)
        cell_units(bias, fb, cp, at, c + t * bh, tc + t * bh, hs + t * bh, b, h, blk0 * kBlock,
                   (blk1 - blk0) * kBlock);
#pragma omp barrier
    }
  }
  return true;
}

#else
bool lstm_packed_applies(int64_t) { return false; }
void lstm_grad_blocks(const float*, const float*, float*, int64_t, int64_t, int64_t, int64_t) {}
bool lstm_recurrence_packed(const float*, const float*, const float*, const float*, float, float*,
                            float*, float*, float*, int64_t, int64_t, int64_t) {
  return false;
}
#endif

}  // namespace tfl
