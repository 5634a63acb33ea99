// random.cc: counter-based random numbers (Philox4x32-10, as TensorFlow uses). Element i of run r
// is a pure function of (seed, seed2, r, i), so results never depend on the thread count.
// in[0] is an int64[1] run counter owned by the session; each call takes the next run index.
#include <cmath>

#include "kernels.h"
#include "philox.h"

namespace tfl {
namespace {

inline double to_unit(uint32_t hi, uint32_t lo) {  // [0, 1) with 53 bits
  return double((uint64_t(hi) << 21) ^ (lo >> 11)) * 0x1.0p-53;
}
inline float to_unit_f(uint32_t u) { return float(u >> 8) * 0x1.0p-24f; }

enum class Dist { kUniform, kNormal, kTruncated };

inline double normal_from(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  const double u1 = 1.0 - to_unit(a, b);  // (0, 1]
  const double u2 = to_unit(c, d);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

template <Dist D>
void random_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout,
                   const Attrs& a) {
  check_count(op, nin, 1, nout, 1);
  check_dtype(op, in[0], DType::kInt64, "run counter");
  if (in[0].size() != 1) fail(op, "run counter must have one element");
  const uint64_t seed = uint64_t(a.i(0, op)), seed2 = uint64_t(a.i(1, op));
  const Philox ph{uint32_t(seed ^ (seed >> 32)), uint32_t(seed2 ^ (seed2 >> 32)) ^ 0x5bd1e995u};
  const uint64_t run = uint64_t(__atomic_fetch_add(in[0].ptr<int64_t>(), 1, __ATOMIC_RELAXED));
  const uint32_t r0 = uint32_t(run), r1 = uint32_t(run >> 32);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    T* y = out[0].ptr<T>();
    parallel_for(n, 4096, [&](int64_t b, int64_t e) {
      uint32_t w[4];
      for (int64_t i = b; i < e; ++i) {
        const uint32_t i0 = uint32_t(i), i1 = uint32_t(uint64_t(i) >> 32);
        if constexpr (D == Dist::kUniform) {
          ph.block(i0, i1, r0, r1, w);
          if constexpr (sizeof(T) == 4) y[i] = to_unit_f(w[0]);
          else y[i] = T(to_unit(w[0], w[1]));
        } else if constexpr (D == Dist::kNormal) {
          ph.block(i0, i1, r0, r1, w);
          y[i] = T(normal_from(w[0], w[1], w[2], w[3]));
        } else {
          // Truncated at two standard deviations: redraw (new counter word) until inside.
          double z = 0;
          for (uint32_t attempt = 0;; ++attempt) {
            ph.block(i0, i1 ^ (attempt << 16), r0, r1 ^ 0x80000000u, w);
            z = normal_from(w[0], w[1], w[2], w[3]);
            if (std::fabs(z) <= 2.0 && T(std::fabs(z)) <= T(2)) break;
          }
          y[i] = T(z);
        }
      }
    });
  });
}

void k_uniform(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  random_kernel<Dist::kUniform>("RandomUniform", in, nin, out, nout, a);
}
void k_normal(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  random_kernel<Dist::kNormal>("RandomStandardNormal", in, nin, out, nout, a);
}
void k_truncated(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  random_kernel<Dist::kTruncated>("TruncatedNormal", in, nin, out, nout, a);
}

}  // namespace

void register_random(Registry& r) {
  r["random_uniform"] = k_uniform;
  r["random_normal"] = k_normal;
  r["truncated_normal"] = k_truncated;
}

}  // namespace tfl
