// quantized_depthwise.h: the exact int32 sums of an int8 depthwise convolution with depth
// multiplier 1 (TFLite's DEPTHWISE_CONV_2D), computed directly on AVX2 or AVX-512 VNNI vectors:
// the filter's rows in pairs, each channel's two taps side by side as 16-bit lanes, one
// multiply-add (vpmaddwd, or vpdpwssd) adding both products into the channel's int32 lane. Sums
// of int16 products in int32 are exact, so they equal any other exact sums (oneDNN's, the
// scalar loop's), and the requantized bytes do not change.
#pragma once

#include <cstdint>
#include <vector>

#include "conv.h"

namespace tfl {

constexpr int64_t kDepthwiseMaxTaps = 64;

// Whether the direct kernel takes layer g: depthwise with depth multiplier 1, at most
// kDepthwiseMaxTaps taps, on a CPU with AVX2 (and set_int8_depthwise_direct on).
bool qdepthwise_direct_takes(const ConvGeom& g);

// A layer's filter [1, kh, kw, c] as the kernel reads it: rows 2j and 2j + 1 of each column
// side by side as int16 (an odd row count paired with a zero row), the channels of each whole
// block of 16 in the order the vector loop puts them; and per channel -xzp times the sum of its
// taps (the zero point's part of every sum, which the kernel leaves out).
struct DepthwiseFilter {
  std::vector<int16_t> pairs;  // [((j * kw + column) * c + place) * 2 + (0 or 1)]
  std::vector<int32_t> zp_sums;
  // (for AVX-512 VNNI: rows 4i..4i+3 of each column side by side as bytes, [((i * kw + column)
  // * c + ch) * 4 + (0 to 3)], and per channel -128 times the sum of its taps)
  std::vector<int8_t> quads;
  std::vector<int32_t> u8_sums;
};
void qdepthwise_filter(const ConvGeom& g, const int8_t* f, int32_t xzp, DepthwiseFilter* out);

// The sums of output row oh of image n without the zero point's part: acc[ow * c + ch] = the sum
// over the taps of x * filter, where a tap in the padding reads xzp (zp_row: c bytes of it), so
// that acc + zp_sums is the sum of (x - xzp) * filter over the taps inside the image.
void qdepthwise_row_sums(const ConvGeom& g, const int8_t* x, const DepthwiseFilter& f,
                         const int8_t* zp_row, int64_t n, int64_t oh, int32_t* acc);

}  // namespace tfl
