// quantized_depthwise.cc: the direct int8 depthwise sums (quantized_depthwise.h).
//
// An output row reads, for each pair of filter rows j, two input rows. For each block of 16
// channels, every input column those rows cover is made once into two vectors (the "column
// cache"): 16 channels of each row sign-extended to 16 bits (vpmovsxbw) and interleaved within
// 128-bit lanes (vpunpcklwd/vpunpckhwd: channels 0-3 and 8-11, then 4-7 and 12-15). A column
// serves every output pixel and filter column that reads it (kw of them at stride 1), each with
// one multiply-add per vector and no more shuffles. Four output pixels are summed at a time in
// registers; their sums come out in the interleaved order and are put back in channel order once.
// Products are at most 128 * 128 in magnitude, so kDepthwiseMaxTaps of them sum exactly in int32.
#include "quantized_depthwise.h"

#include <algorithm>
#include <atomic>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu.h"
#include "kernels.h"

namespace tfl {

namespace {

std::atomic<bool> g_direct{true};

// Where channel ch's pair goes among the channels of its column: within each whole block of 16
// channels, the order the vector loop's interleaving gives (0-3, 8-11, 4-7, 12-15).
int64_t pair_place(int64_t ch, int64_t channels) {
  const int64_t block = ch / 16 * 16, i = ch % 16;
  if (block + 16 > channels) return ch;
  return block + (i % 8 < 4 ? 0 : 8) + i / 8 * 4 + i % 4;
}

// The input rows of output row oh, one per filter row: rows[r] (null outside the image, and for
// the zero rows that make the filter's rows whole pairs and groups of 4), and the columns they
// cover: input column q - pl for q in [0, columns).
struct RowPairs {
  const ConvGeom& g;
  const int8_t* zp_row;
  int64_t pairs, quads, columns;
  const int8_t* rows[kDepthwiseMaxTaps + 4];

  RowPairs(const ConvGeom& geom, const int8_t* image, const int8_t* zp, int64_t oh)
      : g(geom), zp_row(zp) {
    pairs = (g.kh + 1) / 2;
    quads = (g.kh + 3) / 4;
    columns = (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1;
    for (int64_t r = 0; r < 4 * quads; ++r) {
      const int64_t ih = oh * g.sh - g.pt + r * g.dh;
      rows[r] = r < g.kh && ih >= 0 && ih < g.h ? image + ih * g.w * g.c : nullptr;
    }
  }
  // The pixel of row r at column q (the zero-point row where it is padding).
  const int8_t* at(int64_t r, int64_t q) const {
    const int64_t iw = q - g.pl;
    return rows[r] != nullptr && iw >= 0 && iw < g.w ? rows[r] + iw * g.c : zp_row;
  }
};

// Channels [c0, c) of the row's pixels, one by one (c0 starts no whole block of 16).
void row_tail(const RowPairs& rp, const int16_t* pairs, int64_t c0, int32_t* acc) {
  const ConvGeom& g = rp.g;
  for (int64_t ow = 0; ow < g.ow; ++ow) {
    for (int64_t ch = c0; ch < g.c; ++ch) {
      int32_t s = 0;
      for (int64_t j = 0; j < rp.pairs; ++j) {
        for (int64_t kw = 0; kw < g.kw; ++kw) {
          const int64_t q = ow * g.sw + kw * g.dw;
          const int16_t* f = pairs + ((j * g.kw + kw) * g.c + ch) * 2;
          s += int32_t(rp.at(2 * j, q)[ch]) * f[0] + int32_t(rp.at(2 * j + 1, q)[ch]) * f[1];
        }
      }
      acc[ow * g.c + ch] = s;
    }
  }
}

#if TFL_CPU_X86
TFL_TARGET_AVX2_FMA inline __m256i dot_avx2(__m256i s, __m256i v, __m256i f) {
  return _mm256_add_epi32(s, _mm256_madd_epi16(v, f));
}

// The sums of the whole blocks of 16 channels, for one instruction set (DOT(s, v, f) adds v's
// pairwise products by f to s, defined before each use). pixels: each row's pixel at each column
// (RowPairs::at), 2 * pairs rows of columns; cache: pairs * columns * 32 int16.
// G: output pixels summed at once (4, then 1 for the rest of the row).
#define TFL_DEPTHWISE_BLOCK(NAME, TARGET)                                                          \
  template <int G>                                                                                 \
  TARGET inline int64_t NAME##_pixels(const RowPairs& rp, const int16_t* cache,                    \
                                      const int16_t* filter, int64_t c, int64_t ow,                \
                                      int32_t* acc) {                                              \
    const ConvGeom& g = rp.g;                                                                      \
    for (; ow + G <= g.ow; ow += G) {                                                              \
      __m256i s[2 * G];                                                                            \
      for (int i = 0; i < 2 * G; ++i) s[i] = _mm256_setzero_si256();                               \
      for (int64_t j = 0; j < rp.pairs; ++j) {                                                     \
        for (int64_t kw = 0; kw < g.kw; ++kw) {                                                    \
          const int16_t* f = filter + ((j * g.kw + kw) * g.c + c) * 2;                             \
          const __m256i f0 = _mm256_loadu_si256((const __m256i*)f);                                \
          const __m256i f1 = _mm256_loadu_si256((const __m256i*)(f + 16));                         \
          const int16_t* col = cache + (j * rp.columns + ow * g.sw + kw * g.dw) * 32;              \
          for (int i = 0; i < G; ++i) {                                                            \
            const int16_t* v = col + i * g.sw * 32;                                                \
            s[2 * i] = DOT(s[2 * i], _mm256_load_si256((const __m256i*)v), f0);                    \
            s[2 * i + 1] = DOT(s[2 * i + 1], _mm256_load_si256((const __m256i*)(v + 16)), f1);     \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
      for (int i = 0; i < G; ++i) {                                                                \
        int32_t* a = acc + (ow + i) * g.c + c;                                                     \
        _mm256_storeu_si256((__m256i*)a, _mm256_permute2x128_si256(s[2 * i], s[2 * i + 1], 0x20)); \
        _mm256_storeu_si256((__m256i*)(a + 8),                                                     \
                            _mm256_permute2x128_si256(s[2 * i], s[2 * i + 1], 0x31));              \
      }                                                                                            \
    }                                                                                              \
    return ow;                                                                                     \
  }                                                                                                \
  TARGET void NAME(const RowPairs& rp, const int8_t* const* pixels, const int16_t* filter,         \
                   int16_t* cache, int32_t* acc) {                                                 \
    const ConvGeom& g = rp.g;                                                                      \
    for (int64_t c = 0; c + 16 <= g.c; c += 16) {                                                  \
      for (int64_t j = 0; j < rp.pairs; ++j) {                                                     \
        const int8_t* const* p0 = pixels + 2 * j * rp.columns;                                     \
        const int8_t* const* p1 = p0 + rp.columns;                                                 \
        for (int64_t q = 0; q < rp.columns; ++q) {                                                 \
          const __m256i a = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(p0[q] + c)));    \
          const __m256i b = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(p1[q] + c)));    \
          __m256i* v = (__m256i*)(cache + (j * rp.columns + q) * 32);                              \
          _mm256_store_si256(v, _mm256_unpacklo_epi16(a, b));                                      \
          _mm256_store_si256(v + 1, _mm256_unpackhi_epi16(a, b));                                  \
        }                                                                                          \
      }                                                                                            \
      const int64_t ow = NAME##_pixels<4>(rp, cache, filter, c, 0, acc);                           \
      NAME##_pixels<1>(rp, cache, filter, c, ow, acc);                                             \
    }                                                                                              \
  }

#define DOT dot_avx2
TFL_DEPTHWISE_BLOCK(blocks_avx2, TFL_TARGET_AVX2_FMA)
#undef DOT
#undef TFL_DEPTHWISE_BLOCK

// AVX-512 VNNI: four filter rows at a time, as bytes (vpdpbusd: 64 products of unsigned by
// signed bytes per instruction, each group of 4 added into its channel's int32 lane). The input
// goes in as x + 128 (its top bit flipped), and each sum starts at -128 times its filter's sum.
// cache: quads * columns * 64 bytes, each column's 16 channels as 4 bytes each (rows 4i..4i+3).
template <int G>
TFL_TARGET_AVX512_VNNI inline int64_t quad_pixels(const RowPairs& rp, const uint8_t* cache,
                                                  const int8_t* filter, __m512i start, int64_t c,
                                                  int64_t ow, int32_t* acc) {
  const ConvGeom& g = rp.g;
  for (; ow + G <= g.ow; ow += G) {
    __m512i s[G];
    for (int i = 0; i < G; ++i) s[i] = start;
    for (int64_t j = 0; j < rp.quads; ++j) {
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        const __m512i f = _mm512_loadu_si512(filter + ((j * g.kw + kw) * g.c + c) * 4);
        const uint8_t* col = cache + (j * rp.columns + ow * g.sw + kw * g.dw) * 64;
        for (int i = 0; i < G; ++i)
          s[i] = _mm512_dpbusd_epi32(s[i], _mm512_load_si512(col + i * g.sw * 64), f);
      }
    }
    for (int i = 0; i < G; ++i) _mm512_storeu_si512(acc + (ow + i) * g.c + c, s[i]);
  }
  return ow;
}

TFL_TARGET_AVX512_VNNI void blocks_vnni(const RowPairs& rp, const int8_t* const* pixels,
                                        const int8_t* filter, const int32_t* u8_sums,
                                        uint8_t* cache, int32_t* acc) {
  const ConvGeom& g = rp.g;
  const __m128i flip = _mm_set1_epi8(int8_t(0x80));
  for (int64_t c = 0; c + 16 <= g.c; c += 16) {
    for (int64_t j = 0; j < rp.quads; ++j) {
      const int8_t* const* p = pixels + 4 * j * rp.columns;
      const int64_t n = rp.columns;
      for (int64_t q = 0; q < n; ++q) {
        const __m128i r0 = _mm_xor_si128(_mm_loadu_si128((const __m128i*)(p[q] + c)), flip);
        const __m128i r1 = _mm_xor_si128(_mm_loadu_si128((const __m128i*)(p[n + q] + c)), flip);
        const __m128i r2 = _mm_xor_si128(_mm_loadu_si128((const __m128i*)(p[2 * n + q] + c)), flip);
        const __m128i r3 = _mm_xor_si128(_mm_loadu_si128((const __m128i*)(p[3 * n + q] + c)), flip);
        const __m128i a = _mm_unpacklo_epi8(r0, r1), b = _mm_unpackhi_epi8(r0, r1);
        const __m128i d = _mm_unpacklo_epi8(r2, r3), e = _mm_unpackhi_epi8(r2, r3);
        __m128i* v = (__m128i*)(cache + (j * n + q) * 64);
        _mm_store_si128(v, _mm_unpacklo_epi16(a, d));
        _mm_store_si128(v + 1, _mm_unpackhi_epi16(a, d));
        _mm_store_si128(v + 2, _mm_unpacklo_epi16(b, e));
        _mm_store_si128(v + 3, _mm_unpackhi_epi16(b, e));
      }
    }
    const __m512i start = _mm512_loadu_si512(u8_sums + c);
    const int64_t ow = quad_pixels<4>(rp, cache, filter, start, c, 0, acc);
    quad_pixels<1>(rp, cache, filter, start, c, ow, acc);
  }
}
#endif

}  // namespace

bool set_int8_depthwise_direct(bool on) { return g_direct.exchange(on); }

bool qdepthwise_direct_takes(const ConvGeom& g) {
  return TFL_CPU_X86 && g_direct && g.mult == 1 && g.kh * g.kw <= kDepthwiseMaxTaps &&
         cpu::has_avx2_fma();
}

void qdepthwise_filter(const ConvGeom& g, const int8_t* f, int32_t xzp, DepthwiseFilter* out) {
  const int64_t pairs = (g.kh + 1) / 2, quads = (g.kh + 3) / 4;
  out->pairs.assign(size_t(pairs * g.kw * g.c * 2), 0);
  out->quads.assign(size_t(quads * g.kw * g.c * 4), 0);
  out->zp_sums.assign(size_t(g.c), 0);
  out->u8_sums.assign(size_t(g.c), 0);
  for (int64_t kh = 0; kh < g.kh; ++kh) {
    for (int64_t kw = 0; kw < g.kw; ++kw) {
      for (int64_t ch = 0; ch < g.c; ++ch) {
        const int8_t v = f[(kh * g.kw + kw) * g.c + ch];
        out->pairs[size_t(((kh / 2 * g.kw + kw) * g.c + pair_place(ch, g.c)) * 2 + kh % 2)] = v;
        out->quads[size_t(((kh / 4 * g.kw + kw) * g.c + ch) * 4 + kh % 4)] = v;
        out->zp_sums[size_t(ch)] -= xzp * int32_t(v);
        out->u8_sums[size_t(ch)] -= 128 * int32_t(v);
      }
    }
  }
}

void qdepthwise_row_sums(const ConvGeom& g, const int8_t* x, const DepthwiseFilter& f,
                         const int8_t* zp_row, int64_t n, int64_t oh, int32_t* acc) {
  const RowPairs rp(g, x + n * g.h * g.w * g.c, zp_row, oh);
  const int16_t* pairs = f.pairs.data();
  int64_t c = 0;
#if TFL_CPU_X86
  if (g.c >= 16 && cpu::has_avx2_fma()) {
    // (the column cache, 64-byte aligned: the loops' aligned loads)
    thread_local std::vector<uint8_t> cache;
    thread_local std::vector<const int8_t*> pixels;
    const size_t need = size_t(std::max(rp.pairs, rp.quads) * rp.columns * 64 + 64);
    if (cache.size() < need) cache.resize(need);
    uint8_t* aligned = cache.data() + (64 - (uintptr_t(cache.data()) & 63)) % 64;
    const int64_t rows = 4 * rp.quads;
    pixels.resize(size_t(rows * rp.columns));
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t q = 0; q < rp.columns; ++q) pixels[size_t(r * rp.columns + q)] = rp.at(r, q);
    if (cpu::has_avx512_vnni())
      blocks_vnni(rp, pixels.data(), f.quads.data(), f.u8_sums.data(), aligned, acc);
    else blocks_avx2(rp, pixels.data(), pairs, reinterpret_cast<int16_t*>(aligned), acc);
    c = g.c & ~int64_t(15);
  }
#endif
  if (c < g.c) row_tail(rp, pairs, c, acc);
}

}  // namespace tfl
