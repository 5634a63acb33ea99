// quantized_depthwise.h: the exact int32 sums of an int8 depthwise convolution with depth
// multiplier 1 (TFLite's DEPTHWISE_CONV_2D), computed directly: on AVX-512 VNNI four filter rows
// at a time, each channel's four taps as bytes (vpdpbusd); on AVX2 the filter's rows in pairs,
// each channel's two taps as 16-bit lanes (vpmaddwd). The sums are exact integers, so they equal
// any other exact sums (oneDNN's, the scalar loop's), and the requantized bytes do not change.
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
  // (for AVX-512 VNNI: the taps of each filter column on the slots of a ring of 4 * quads input
  // rows, 4 bytes per channel, in each of the ring's rotations: [(((phase * quads + i) * kw +
  // column) * c + ch) * 4 + byte]; and per channel -128 times the sum of its taps)
  std::vector<int8_t> quads;
  std::vector<int32_t> u8_sums;
};
void qdepthwise_filter(const ConvGeom& g, const int8_t* f, int32_t xzp, DepthwiseFilter* out);

// The sums of output row oh of image n without the zero point's part: acc[ow * c + ch] = the sum
// over the taps of x * filter, where a tap in the padding reads xzp (zp_row: c bytes of it), so
// that acc + zp_sums is the sum of (x - xzp) * filter over the taps inside the image. On AVX-512
// VNNI the input rows stay in a ring from one row() to the next (an output row going down by one
// adds sh rows to it), so a thread keeps one of these for a run of consecutive rows.
class DepthwiseRowSums {
 public:
  DepthwiseRowSums(const ConvGeom& g, const int8_t* x, const DepthwiseFilter& f,
                   const int8_t* zp_row);
  void row(int64_t n, int64_t oh, int32_t* acc);

 private:
  const ConvGeom& g_;
  const int8_t* x_;
  const DepthwiseFilter& f_;
  const int8_t* zp_row_;
  bool ring_ = false;
  int64_t quads_ = 0, columns_ = 0, image_ = -1;
  std::vector<uint8_t> memory_;   // (the ring, 64-byte aligned inside)
  std::vector<int64_t> slot_row_;  // the input row each slot holds
};

}  // namespace tfl
