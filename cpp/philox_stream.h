// philox_stream.h: TensorFlow's PhiloxRandom as a stream (a key and a 128-bit counter; each call
// gives the block of four words at the counter and advances it by one), TF's seed scrambling for
// the stateless ops, and TF's conversions of words to uniform and normal numbers. With these the
// stateless kernels give TF's values for a (seed, shape, dtype).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "philox.h"

namespace tfl {

struct PhiloxStream {
  Philox ph{0, 0};
  uint32_t c[4] = {0, 0, 0, 0};

  void skip(uint64_t n) {  // counter += n (128-bit, word 0 lowest)
    const uint64_t lo = (uint64_t(c[1]) << 32 | c[0]) + n;
    const bool carry = lo < n;
    c[0] = uint32_t(lo);
    c[1] = uint32_t(lo >> 32);
    if (carry && ++c[2] == 0) ++c[3];
  }
  void next(uint32_t out[4]) {
    ph.block(c[0], c[1], c[2], c[3], out);
    skip(1);
  }
  PhiloxStream skipped(uint64_t n) const {
    PhiloxStream s = *this;
    s.skip(n);
    return s;
  }

  // TF's GenerateKey: the seed pair is scrambled by one Philox block under a fixed key; the block
  // gives the key (words 0, 1) and the high half of the counter (words 2, 3).
  static PhiloxStream from_seed(uint64_t seed0, uint64_t seed1) {
    const Philox mix{0x3ec8f720u, 0x02461e29u};
    uint32_t m[4];
    mix.block(uint32_t(seed0), uint32_t(seed0 >> 32), uint32_t(seed1), uint32_t(seed1 >> 32), m);
    PhiloxStream s;
    s.ph = Philox{m[0], m[1]};
    s.c[0] = s.c[1] = 0;
    s.c[2] = m[2];
    s.c[3] = m[3];
    return s;
  }
  // The stateful kernels' stream: the key from (seed, seed2) as random.cc's, the run index in
  // the counter's high half.
  static PhiloxStream from_run(uint64_t seed, uint64_t seed2, uint64_t run) {
    PhiloxStream s;
    s.ph = Philox{uint32_t(seed ^ (seed >> 32)), uint32_t(seed2 ^ (seed2 >> 32)) ^ 0x5bd1e995u};
    s.c[2] = uint32_t(run);
    s.c[3] = uint32_t(run >> 32) ^ 0x40000000u;  // apart from random.cc's counters
    return s;
  }
};

// One word at a time from a stream (TF's SingleSampleAdapter).
struct SingleSample {
  PhiloxStream* g;
  uint32_t buf[4] = {0, 0, 0, 0};
  int used = 4;
  uint32_t operator()() {
    if (used == 4) {
      g->next(buf);
      used = 0;
    }
    return buf[used++];
  }
};

inline float uint32_to_float(uint32_t x) {  // [0, 1) from 23 bits
  const uint32_t v = (127u << 23) | (x & 0x7fffffu);
  float f;
  std::memcpy(&f, &v, 4);
  return f - 1.0f;
}
inline double uint64_to_double(uint32_t x0, uint32_t x1) {  // [0, 1) from 52 bits
  const uint64_t v = (uint64_t(1023) << 52) | (uint64_t(x0 & 0xfffffu) << 32) | x1;
  double d;
  std::memcpy(&d, &v, 8);
  return d - 1.0;
}
inline void box_muller_float(uint32_t x0, uint32_t x1, float* f0, float* f1) {
  float u1 = uint32_to_float(x0);
  if (u1 < 1.0e-7f) u1 = 1.0e-7f;
  const float v1 = float(2.0f * M_PI * uint32_to_float(x1));
  const float u2 = std::sqrt(-2.0f * std::log(u1));
  *f0 = std::sin(v1) * u2;
  *f1 = std::cos(v1) * u2;
}
inline void box_muller_double(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3, double* d0,
                              double* d1) {
  double u1 = uint64_to_double(x0, x1);
  if (u1 < 1.0e-7) u1 = 1.0e-7;
  const double v1 = 2 * M_PI * uint64_to_double(x2, x3);
  const double u2 = std::sqrt(-2.0 * std::log(u1));
  *d0 = std::sin(v1) * u2;
  *d1 = std::cos(v1) * u2;
}

}  // namespace tfl
