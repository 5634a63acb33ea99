// fast_math.h: float32 exp and tanh that compilers vectorise (libm's expf and tanhf are scalar
// calls, ~5 and ~20 ns).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace tfl {

// Cephes expf: n = round(x / ln 2), r = x - n ln 2 (ln 2 in two parts), exp(r) by a degree-5
// polynomial, times 2^n built from exponent bits. About 1 ulp. 2^n is applied as two factors
// 2^(n/2) 2^(n - n/2), so results overflow to +inf above ~88.72 and go through the denormals to
// 0 below ~-87.3 as they should; NaN stays NaN. Branch-free: the clamps need
// -fno-trapping-math to be if-converted, so files using it are compiled with it.
__attribute__((always_inline)) inline float exp_f32(float x) {
  x = std::min(std::max(x, -104.0f), 89.0f);
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float t = x * 1.44269504088896341f + magic;  // in [2^23, 2^24): its low bits are n
  const float n = t - magic;
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  // n as an integer, read from t's bits (a float-to-int conversion of NaN is undefined), and the
  // exponent fields shifted as unsigned (a NaN x makes them negative; y is NaN then anyway)
  uint32_t tb;
  std::memcpy(&tb, &t, sizeof tb);
  const int32_t ni = static_cast<int32_t>(tb - 0x4B400000u);  // 0x4B400000: magic's bits
  const int32_t half = ni >> 1;
  const uint32_t b1 = uint32_t(half + 127) << 23, b2 = uint32_t(ni - half + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  return y * s1 * s2;
}

// Cephes tanhf: x + x^3 P(x^2) (P of degree 4) for |x| < 0.625, 1 - 2 / (exp(2|x|) + 1) above,
// the sign of x put back on either (tanh(-0) = -0). About 2 ulp. Branch-free (both are computed
// and one is chosen), so loops of it vectorise as exp_f32's do; NaN stays NaN, and exp_f32's
// overflow gives exactly +-1 for large |x| and the infinities.
__attribute__((always_inline)) inline float tanh_f32(float x) {
  const float ax = std::fabs(x), z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * ax + ax;
  const float large = 1.0f - 2.0f / (exp_f32(2.0f * ax) + 1.0f);
  return std::copysign(ax < 0.625f ? small : large, x);
}

}  // namespace tfl
