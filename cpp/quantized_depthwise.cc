// quantized_depthwise.cc: the direct int8 depthwise sums (quantized_depthwise.h).
//
// AVX-512 VNNI (DepthwiseRowSums' ring): four input rows at a time as bytes, one vpdpbusd per 4
// filter rows of 16 channels; the input rows stay in a ring from one output row to the next (see
// ring_put).
//
// AVX2 (qdepthwise_row_sums): an output row reads, for each pair of filter rows j, two input
// rows. For each block of 16 channels, every input column those rows cover is made once into two
// vectors (the "column cache"): 16 channels of each row sign-extended to 16 bits (vpmovsxbw) and
// interleaved within 128-bit lanes (vpunpcklwd/vpunpckhwd: channels 0-3 and 8-11, then 4-7 and
// 12-15). A column serves every output pixel and filter column that reads it (kw of them at
// stride 1), each with one multiply-add (vpmaddwd) per vector. Four output pixels are summed at a
// time in registers; their sums come out in the interleaved order and are put back in channel
// order once.
//
// Products are at most 255 * 128 in magnitude and at most kDepthwiseMaxTaps of them are not
// by zero, so the sums are exact in int32.
#include "quantized_depthwise.h"

#include <algorithm>
#include <atomic>
#include <limits>

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

// The input columns an output row reads, from the first one's left padding on: column q is
// input column q - pl.
int64_t row_columns(const ConvGeom& g) { return (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1; }

// The first element of v at a multiple of `bytes` (v has room for it).
template <typename T>
T* aligned(std::vector<T>& v, uintptr_t bytes) {
  return v.data() + (bytes - (uintptr_t(v.data()) & (bytes - 1))) % bytes / sizeof(T);
}

// The input rows of output row oh, one per filter row: rows[r] (null outside the image, and for
// the zero row that makes an odd count of filter rows whole pairs), and the columns they cover:
// input column q - pl for q in [0, columns).
struct RowPairs {
  const ConvGeom& g;
  const int8_t* zp_row;
  int64_t pairs, columns;
  const int8_t* rows[kDepthwiseMaxTaps + 1];

  RowPairs(const ConvGeom& geom, const int8_t* image, const int8_t* zp, int64_t oh)
      : g(geom), zp_row(zp) {
    pairs = (g.kh + 1) / 2;
    columns = row_columns(g);
    for (int64_t r = 0; r < 2 * pairs; ++r) {
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

// AVX-512 VNNI: four input rows at a time, as bytes (vpdpbusd: 64 products of unsigned by signed
// bytes per instruction, each group of 4 added into its channel's int32 lane). The rows live in
// a ring of 4 * quads slots (input row r in slot r mod 4 * quads: byte r mod 4 of each channel's
// 4, in group (r mod 4 * quads) / 4), each slot's every column and channel, as x + 128 (its top
// bit flipped); the sums start at -128 times their filter's sum. Going down the output rows,
// only the rows that come into the window are written (one per output row at stride 1), and the
// filter is taken in the rotation that puts each tap on its row's slot.
// (GCC 12 reports the _mm512_undefined_* operands inside its own intrinsics as maybe
// uninitialized: a false positive, silenced for this function only)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
TFL_TARGET_AVX512_VNNI void ring_put(const ConvGeom& g, const int8_t* row, const int8_t* zp_row,
                                     int64_t slot, int64_t columns, int64_t c16, uint8_t* ring) {
  const __mmask64 bytes = 0x1111111111111111ull << (slot % 4);
  const __m128i shift = _mm_cvtsi32_si128(int(8 * (slot % 4)));
  const __m128i flip = _mm_set1_epi8(int8_t(0x80));
  uint8_t* base = ring + (slot / 4) * columns * c16 * 4;
  for (int64_t q = 0; q < columns; ++q) {
    const int64_t iw = q - g.pl;
    const int8_t* src = row != nullptr && iw >= 0 && iw < g.w ? row + iw * g.c : zp_row;
    for (int64_t c = 0; c < c16; c += 16) {
      const __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i*)(src + c)), flip);
      _mm512_mask_storeu_epi8(base + (q * c16 + c) * 4, bytes,
                              _mm512_sll_epi32(_mm512_cvtepu8_epi32(v), shift));
    }
  }
}
#pragma GCC diagnostic pop

template <int G>
TFL_TARGET_AVX512_VNNI inline int64_t ring_pixels(const ConvGeom& g, int64_t quads, int64_t columns,
                                                  int64_t c16, const uint8_t* ring,
                                                  const int8_t* filter, __m512i start, int64_t c,
                                                  int64_t ow, int32_t* acc) {
  const int64_t step = g.sw * c16 * 4;  // (bytes from one output pixel's column to the next's)
  for (; ow + G <= g.ow; ow += G) {
    __m512i s[G];
    for (int i = 0; i < G; ++i) s[i] = start;
    for (int64_t j = 0; j < quads; ++j) {
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        const __m512i f = _mm512_loadu_si512(filter + ((j * g.kw + kw) * g.c + c) * 4);
        const uint8_t* col = ring + ((j * columns + ow * g.sw + kw * g.dw) * c16 + c) * 4;
        for (int i = 0; i < G; ++i)
          s[i] = _mm512_dpbusd_epi32(s[i], _mm512_loadu_si512(col + i * step), f);
      }
    }
    for (int i = 0; i < G; ++i) _mm512_storeu_si512(acc + (ow + i) * g.c + c, s[i]);
  }
  return ow;
}

TFL_TARGET_AVX512_VNNI void ring_sums(const ConvGeom& g, int64_t quads, int64_t columns,
                                      const uint8_t* ring, const int8_t* filter,
                                      const int32_t* u8_sums, int32_t* acc) {
  const int64_t c16 = g.c & ~int64_t(15);
  for (int64_t c = 0; c < c16; c += 16) {
    const __m512i start = _mm512_loadu_si512(u8_sums + c);
    const int64_t ow = ring_pixels<4>(g, quads, columns, c16, ring, filter, start, c, 0, acc);
    ring_pixels<1>(g, quads, columns, c16, ring, filter, start, c, ow, acc);
  }
}
#endif

// The sums of output row oh of image n without the zero point's part, on AVX2 (or one by one):
// acc[ow * c + ch] = the sum over the taps of x * filter, where a tap in the padding reads xzp
// (zp_row: c bytes of it).
void qdepthwise_row_sums(const ConvGeom& g, const int8_t* x, const DepthwiseFilter& f,
                         const int8_t* zp_row, int64_t n, int64_t oh, int32_t* acc) {
  const RowPairs rp(g, x + n * g.h * g.w * g.c, zp_row, oh);
  const int16_t* pairs = f.pairs.data();
  int64_t c = 0;
#if TFL_CPU_X86
  if (g.c >= 16 && cpu::has_avx2_fma()) {
    // (the column cache, 32-byte aligned: the loop's aligned loads)
    thread_local std::vector<int16_t> cache;
    thread_local std::vector<const int8_t*> pixels;
    const size_t need = size_t(rp.pairs * rp.columns * 32 + 16);
    if (cache.size() < need) cache.resize(need);

    const int64_t rows = 2 * rp.pairs;
    pixels.resize(size_t(rows * rp.columns));
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t q = 0; q < rp.columns; ++q) pixels[size_t(r * rp.columns + q)] = rp.at(r, q);
    blocks_avx2(rp, pixels.data(), pairs, aligned(cache, 32), acc);
    c = g.c & ~int64_t(15);
  }
#endif
  if (c < g.c) row_tail(rp, pairs, c, acc);
}

}  // namespace

bool set_int8_depthwise_direct(bool on) { return g_direct.exchange(on); }

bool qdepthwise_direct_takes(const ConvGeom& g) {
  return TFL_CPU_X86 && g_direct && g.mult == 1 && g.kh * g.kw <= kDepthwiseMaxTaps &&
         cpu::has_avx2_fma();
}

// The ring's size: groups of 4 input rows that hold the rows one output row reads (kh of them:
// the ring is for undilated filters only).
int64_t ring_quads(const ConvGeom& g) { return (g.kh + 3) / 4; }
bool ring_takes(const ConvGeom& g) {
  return TFL_CPU_X86 && g.c >= 16 && g.dh == 1 && cpu::has_avx512_vnni();
}

void qdepthwise_filter(const ConvGeom& g, const int8_t* f, int32_t xzp, DepthwiseFilter* out) {
  const int64_t pairs = (g.kh + 1) / 2, quads = ring_quads(g);
  const int64_t slots = ring_takes(g) ? 4 * quads : 0, per_phase = quads * g.kw * g.c * 4;
  out->pairs.assign(size_t(pairs * g.kw * g.c * 2), 0);
  out->quads.assign(size_t(slots * per_phase), 0);
  out->zp_sums.assign(size_t(g.c), 0);
  out->u8_sums.assign(size_t(g.c), 0);
  for (int64_t kh = 0; kh < g.kh; ++kh) {
    for (int64_t kw = 0; kw < g.kw; ++kw) {
      for (int64_t ch = 0; ch < g.c; ++ch) {
        const int8_t v = f[(kh * g.kw + kw) * g.c + ch];
        out->pairs[size_t(((kh / 2 * g.kw + kw) * g.c + pair_place(ch, g.c)) * 2 + kh % 2)] = v;
        for (int64_t phase = 0; phase < slots; ++phase) {
          const int64_t slot = (phase + kh) % slots;
          const int64_t at = phase * per_phase + ((slot / 4 * g.kw + kw) * g.c + ch) * 4 + slot % 4;
          out->quads[size_t(at)] = v;
        }
        out->zp_sums[size_t(ch)] -= xzp * int32_t(v);
        out->u8_sums[size_t(ch)] -= 128 * int32_t(v);
      }
    }
  }
}

DepthwiseRowSums::DepthwiseRowSums(const ConvGeom& g, const int8_t* x, const DepthwiseFilter& f,
                                   const int8_t* zp_row)
    : g_(g), x_(x), f_(f), zp_row_(zp_row) {
  ring_ = ring_takes(g);
  if (!ring_) return;
  quads_ = ring_quads(g);
  columns_ = row_columns(g);
  // (zeros: a slot not yet written is read only with a zero filter)
  memory_.assign(size_t(quads_ * columns_ * (g.c & ~int64_t(15)) * 4 + 64), 0);
  slot_row_.assign(size_t(4 * quads_), 0);
}

void DepthwiseRowSums::row(int64_t n, int64_t oh, int32_t* acc) {
  if (!ring_) return qdepthwise_row_sums(g_, x_, f_, zp_row_, n, oh, acc);
#if TFL_CPU_X86
  const ConvGeom& g = g_;
  const int64_t slots = 4 * quads_, c16 = g.c & ~int64_t(15);
  if (n != image_) {  // (a new image: no slot holds one of its rows)
    image_ = n;
    std::fill(slot_row_.begin(), slot_row_.end(), std::numeric_limits<int64_t>::min());
  }
  uint8_t* ring = aligned(memory_, 64);
  const int8_t* image = x_ + n * g.h * g.w * g.c;
  const int64_t first = oh * g.sh - g.pt;
  for (int64_t kh = 0; kh < g.kh; ++kh) {
    const int64_t r = first + kh, slot = ((r % slots) + slots) % slots;
    if (slot_row_[size_t(slot)] == r) continue;
    ring_put(g, r >= 0 && r < g.h ? image + r * g.w * g.c : nullptr, zp_row_, slot, columns_, c16,
             ring);
    slot_row_[size_t(slot)] = r;
  }
  const int64_t phase = ((first % slots) + slots) % slots;
  ring_sums(g, quads_, columns_, ring, f_.quads.data() + phase * quads_ * g.kw * g.c * 4,
            f_.u8_sums.data(), acc);
  if (c16 < g.c) {
    const RowPairs rp(g, image, zp_row_, oh);
    row_tail(rp, f_.pairs.data(), c16, acc);
  }
#endif
}

}  // namespace tfl
