// relu_avx512.h: TF's Relu and Relu6 on 16 floats in an AVX-512 register, for the convolution
// kernels that apply them before the store (conv_1x1.cc, depthwise_f32.cc).
#pragma once

#include "cpu.h"

#if TFL_CPU_X86
#include <immintrin.h>

namespace tfl {

// act 0 none, 1 relu, 2 relu6. max(0, v) and min(6, v) return v where v is NaN (the second
// operand), as TF keeps NaN; -0 stays -0 (conv.cc's activation() gives the same).
// (GCC 12 reports the _mm512_undefined_ps operand inside its max/min intrinsics as maybe
// uninitialized: a false positive, silenced here)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
TFL_TARGET_AVX512F inline __m512 relu16(__m512 v, int act) {
  if (act >= 1) v = _mm512_max_ps(_mm512_setzero_ps(), v);
  if (act == 2) v = _mm512_min_ps(_mm512_set1_ps(6.0f), v);
  return v;
}
#pragma GCC diagnostic pop

}  // namespace tfl

#endif  // TFL_CPU_X86
