// quantized_depthwise.cc: the direct int8 depthwise sums (quantized_depthwise.h).
//
// For each output pixel the taps' input pixels are listed as pointers (a tap in the padding
// points at a row of zero points), and taken two at a time: 16 channels of each tap are
// sign-extended to 16 bits (vpmovsxbw), the two taps' words interleaved within 128-bit lanes
// (vpunpcklwd/vpunpckhwd: channels 0-3 and 8-11, then 4-7 and 12-15), and each channel's pair
// multiplied by its pair of filter taps and added into its int32 lane. The two accumulators come
// out in that order and are put back in channel order once per pixel. Products are at most
// 128 * 128 in magnitude, so kDepthwiseMaxTaps of them sum exactly in int32.
#include "quantized_depthwise.h"

#include <atomic>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu.h"
#include "kernels.h"

namespace tfl {

namespace {

std::atomic<bool> g_direct{true};

// Where channel ch's pair goes among the channels of its pair of taps: within each whole block of
// 16 channels, the order the vector loop's interleaving gives (0-3, 8-11, 4-7, 12-15).
int64_t pair_place(int64_t ch, int64_t channels) {
  const int64_t block = ch / 16 * 16, i = ch % 16;
  if (block + 16 > channels) return ch;
  return block + (i % 8 < 4 ? 0 : 8) + i / 8 * 4 + i % 4;
}

// The input pixel of each tap of output pixel (oh, ow) (the zero-point row in the padding),
// padded with the zero-point row to an even count; returns that count.
int64_t tap_pointers(const ConvGeom& g, const int8_t* image, const int8_t* zp_row, int64_t oh,
                     int64_t ow, const int8_t** p) {
  int64_t t = 0;
  for (int64_t kh = 0; kh < g.kh; ++kh) {
    const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
    const bool row_ok = ih >= 0 && ih < g.h;
    for (int64_t kw = 0; kw < g.kw; ++kw) {
      const int64_t iw = ow * g.sw - g.pl + kw * g.dw;
      p[t++] = row_ok && iw >= 0 && iw < g.w ? image + (ih * g.w + iw) * g.c : zp_row;
    }
  }
  if (t % 2) p[t++] = zp_row;
  return t;
}

// Channels [c0, c) of one pixel, one by one (in channel order: c0 starts no whole block of 16).
void pixel_tail(const int8_t* const* p, int64_t taps, const int16_t* pairs, int64_t channels,
                int64_t c0, int32_t* acc) {
  for (int64_t ch = c0; ch < channels; ++ch) {
    int32_t s = 0;
    for (int64_t t = 0; t < taps; t += 2) {
      const int16_t* f = pairs + ((t / 2) * channels + ch) * 2;
      s += int32_t(p[t][ch]) * f[0] + int32_t(p[t + 1][ch]) * f[1];
    }
    acc[ch] = s;
  }
}

// Walks the output pixels of a row, listing each one's tap pointers: where every tap's column is
// inside the image, a pixel's taps are the previous pixel's moved by sw pixels.
struct RowTaps {
  const ConvGeom& g;
  const int8_t* image;
  const int8_t* zp_row;
  int64_t oh;
  int64_t first_in, last_in;  // (the pixels whose columns are all inside; may be none)
  const int8_t* p[kDepthwiseMaxTaps + 1];
  int64_t taps = 0;
  bool moved = false;

  RowTaps(const ConvGeom& geom, const int8_t* img, const int8_t* zp, int64_t row)
      : g(geom), image(img), zp_row(zp), oh(row) {
    first_in = (g.pl + g.sw - 1) / g.sw;
    const int64_t span = g.w - 1 + g.pl - (g.kw - 1) * g.dw;
    last_in = span < 0 ? -1 : span / g.sw;
  }
  void at(int64_t ow) {
    if (moved && ow <= last_in) {
      for (int64_t t = 0, real = g.kh * g.kw; t < real; ++t)
        if (p[t] != zp_row) p[t] += g.sw * g.c;
      return;
    }
    taps = tap_pointers(g, image, zp_row, oh, ow, p);
    moved = ow >= first_in && ow <= last_in;
  }
};

#if TFL_CPU_X86
TFL_TARGET_AVX2_FMA inline __m256i dot_avx2(__m256i s, __m256i v, __m256i f) {
  return _mm256_add_epi32(s, _mm256_madd_epi16(v, f));
}
TFL_TARGET_AVX512_VNNI inline __m256i dot_vnni(__m256i s, __m256i v, __m256i f) {
  return _mm256_dpwssd_epi32(s, v, f);
}
// The sums of a row, for one instruction set (DOT(s, v, f) adds v's pairwise products by f to s,
// defined before each use): the whole blocks of 16 channels in vectors, two blocks at a time
// while two remain (four independent chains), the channels after them one by one.
#define TFL_DEPTHWISE_PAIR(S0, S1, T, C, F)                                                    \
  {                                                                                            \
    const __m256i a = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(p[T] + (C))));     \
    const __m256i b = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(p[T + 1] + (C)))); \
    S0 = DOT(S0, _mm256_unpacklo_epi16(a, b), _mm256_loadu_si256(F));                          \
    S1 = DOT(S1, _mm256_unpackhi_epi16(a, b), _mm256_loadu_si256((F) + 1));                    \
  }
#define TFL_DEPTHWISE_STORE(S0, S1, C)                                               \
  _mm256_storeu_si256((__m256i*)(a + (C)), _mm256_permute2x128_si256(S0, S1, 0x20)); \
  _mm256_storeu_si256((__m256i*)(a + (C) + 8), _mm256_permute2x128_si256(S0, S1, 0x31));
#define TFL_DEPTHWISE_ROW(NAME, TARGET)                                                    \
  TARGET void NAME(RowTaps& row, const int16_t* pairs, int32_t* acc) {                     \
    const int64_t channels = row.g.c, step = 2 * channels; /* (int16s per pair of taps) */ \
    for (int64_t ow = 0; ow < row.g.ow; ++ow) {                                            \
      row.at(ow);                                                                          \
      const int8_t* const* p = row.p;                                                      \
      const int64_t taps = row.taps;                                                       \
      int32_t* a = acc + ow * channels;                                                    \
      int64_t c = 0;                                                                       \
      for (; c + 32 <= channels; c += 32) {                                                \
        __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;                    \
        const int16_t* q = pairs + 2 * c;                                                  \
        for (int64_t t = 0; t < taps; t += 2, q += step) {                                 \
          const __m256i* f = (const __m256i*)q;                                            \
          TFL_DEPTHWISE_PAIR(s0, s1, t, c, f)                                              \
          TFL_DEPTHWISE_PAIR(s2, s3, t, c + 16, f + 2)                                     \
        }                                                                                  \
        TFL_DEPTHWISE_STORE(s0, s1, c)                                                     \
        TFL_DEPTHWISE_STORE(s2, s3, c + 16)                                                \
      }                                                                                    \
      for (; c + 16 <= channels; c += 16) {                                                \
        __m256i s0 = _mm256_setzero_si256(), s1 = s0;                                      \
        const int16_t* q = pairs + 2 * c;                                                  \
        for (int64_t t = 0; t < taps; t += 2, q += step)                                   \
          TFL_DEPTHWISE_PAIR(s0, s1, t, c, (const __m256i*)q)                              \
        TFL_DEPTHWISE_STORE(s0, s1, c)                                                     \
      }                                                                                    \
      pixel_tail(p, taps, pairs, channels, c, a);                                          \
    }                                                                                      \
  }

#define DOT dot_avx2
TFL_DEPTHWISE_ROW(row_avx2, TFL_TARGET_AVX2_FMA)
#undef DOT
#define DOT dot_vnni
TFL_DEPTHWISE_ROW(row_vnni, TFL_TARGET_AVX512_VNNI)
#undef DOT
#undef TFL_DEPTHWISE_ROW
#undef TFL_DEPTHWISE_STORE
#undef TFL_DEPTHWISE_PAIR
#endif

}  // namespace

bool set_int8_depthwise_direct(bool on) { return g_direct.exchange(on); }

bool qdepthwise_direct_takes(const ConvGeom& g) {
  return TFL_CPU_X86 && g_direct && g.mult == 1 && g.kh * g.kw <= kDepthwiseMaxTaps &&
         cpu::has_avx2_fma();
}

void qdepthwise_filter(const ConvGeom& g, const int8_t* f, int32_t xzp, DepthwiseFilter* out) {
  const int64_t taps = g.kh * g.kw, even = taps + taps % 2;
  out->pairs.assign(size_t(even * g.c), 0);
  out->zp_sums.assign(size_t(g.c), 0);
  for (int64_t t = 0; t < taps; ++t) {
    for (int64_t ch = 0; ch < g.c; ++ch) {
      const int8_t v = f[t * g.c + ch];
      out->pairs[size_t(((t / 2) * g.c + pair_place(ch, g.c)) * 2 + t % 2)] = v;
      out->zp_sums[size_t(ch)] -= xzp * int32_t(v);
    }
  }
}

void qdepthwise_row_sums(const ConvGeom& g, const int8_t* x, const DepthwiseFilter& f,
                         const int8_t* zp_row, int64_t n, int64_t oh, int32_t* acc) {
  RowTaps row(g, x + n * g.h * g.w * g.c, zp_row, oh);
  const int16_t* pairs = f.pairs.data();
#if TFL_CPU_X86
  if (cpu::has_avx512_vnni()) return row_vnni(row, pairs, acc);
  if (cpu::has_avx2_fma()) return row_avx2(row, pairs, acc);
#endif
  for (int64_t ow = 0; ow < g.ow; ++ow) {
    row.at(ow);
    pixel_tail(row.p, row.taps, pairs, g.c, 0, acc + ow * g.c);
  }
}

}  // namespace tfl
