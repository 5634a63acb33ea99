// depthwise_f32.h: float32 depthwise convolutions with depth multiplier 1, square 3x3 or 5x5
// filters, stride 1 or 2 and no dilation (MobileNet's and EfficientNet's), computed directly on
// AVX-512 with the bias and activation applied in registers. The callers use oneDNN elsewhere.
//
// oneDNN's brdgmm_dw plus a separate activation pass ran EfficientNet-Lite0's depthwise layers
// at 15-20 % of its time at one thread; each output vector here is K*K multiply-adds with the
// filter held in registers, and each input vector loaded once for up to four outputs.
#pragma once

#include <cstdint>

#include "conv.h"

namespace tfl {

// Whether depthwise_f32 takes layer g: depthwise with multiplier 1, kh == kw in {3, 5},
// sh == sw in {1, 2}, no dilation, on a CPU with AVX-512F (and conv_direct() on).
bool depthwise_f32_takes(const ConvGeom& g);

// y [n, oh, ow, c] = act(depthwise(x, f) + bias); f [kh, kw, c, 1]; bias may be null (zeros);
// act 0 none, 1 relu, 2 relu6 (NaN stays NaN). Each output is summed from the bias over the
// taps inside the image, row by row, each row left to right.
void depthwise_f32(const ConvGeom& g, const float* x, const float* f, const float* bias, float* y,
                   int act);

}  // namespace tfl
