// conv_1x1.h: float32 1x1 convolutions (stride 1, no padding) as one product of the NHWC
// pixels [n*h*w, c] by the filter [c, oc] (HWIO is that matrix), with the bias and the
// activation applied to each block of the output while it is still in registers. AVX-512 only;
// the callers use oneDNN elsewhere.
//
// EfficientNet-Lite0's 1x1 layers (36 of its 41 convolutions, 80 % of its time) are small
// products: 49 to 12,544 rows, 16 to 1,152 deep, 16 to 1,280 wide. oneDNN's brgconv_1x1 and a
// separate activation pass ran them at 0.75-0.9x LiteRT+XNNPACK's speed (layer by layer, Zen 4).
#pragma once

#include <cstdint>

#include "conv.h"

namespace tfl {

// Whether conv1x1_f32 takes layer g: conv2d (not depthwise), a 1x1 filter, stride 1, no padding,
// on a CPU with AVX-512F (and conv_direct() on).
bool conv1x1_takes(const ConvGeom& g);

// y [rows, oc] = act(x [rows, c] * f [c, oc] + bias), rows = n*h*w; bias may be null (zeros);
// act 0 none, 1 relu, 2 relu6 (NaN stays NaN, as TF's Relu and Relu6). Each output is the sum
// over the input channels in order, started from the bias.
void conv1x1_f32(const ConvGeom& g, const float* x, const float* f, const float* bias, float* y,
                 int act);

}  // namespace tfl
