// candidate_sampling.cc: TF's candidate samplers over explicit class weights (uniform, fixed
// unigram, learned unigram) and the all-candidates sampler.
//  candidate_sampler: in = run counter (int64: [1]; [1 + range_max] for the learned sampler,
//  whose counts follow the counter and grow by one per true class after each run), true_classes
//  int64 [batch, num_true]; ints = [seed, seed2]; floats = [unique, kind (0 uniform, 1 fixed
//  weights, 2 learned: weights 1 + counts), range_max, the fixed weights...].
//  Out = sampled int64 [num_sampled], true_expected_count float32, sampled_expected_count float32.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"
#include "philox.h"

namespace tfl {
namespace {

void k_candidate_sampler(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "CandidateSampler";
  check_count(op, nin, 2, nout, 3);
  check_dtype(op, in[0], DType::kInt64, "run counter");
  check_dtype(op, in[1], DType::kInt64, "true_classes");
  check_dtype(op, out[0], DType::kInt64, "sampled_candidates");
  check_dtype(op, out[1], DType::kFloat32, "true_expected_count");
  check_dtype(op, out[2], DType::kFloat32, "sampled_expected_count");
  const uint64_t seed = uint64_t(a.i(0, op)), seed2 = uint64_t(a.i(1, op));
  const int64_t kind = int64_t(a.f(1, op)), range_max = int64_t(a.f(2, op));
  const int64_t num_sampled = out[0].size();
  const bool learned = kind == 2, unique = a.f(0, op) != 0.0;
  if (kind < 0 || kind > 2) fail(op, "unknown sampler kind ", kind);
  if (kind == 1 && int64_t(a.floats.size()) != 3 + range_max)
    fail(op, "range is ", range_max, " must be equal to weights size  ",
         int64_t(a.floats.size()) - 3);
  if (range_max < 1) fail(op, "range_max must be positive, got ", range_max);
  if (in[0].size() != (learned ? 1 + range_max : 1))
    fail(op, "run counter holds ", in[0].size(), " words, expected ", learned ? 1 + range_max : 1);
  if (out[1].size() != in[1].size() || out[2].size() != num_sampled)
    fail(op, "output shapes do not match true_classes ", in[1].shape_str());
  int64_t* state = in[0].ptr<int64_t>();
  const int64_t* t = in[1].ptr<int64_t>();
  for (int64_t k = 0; k < in[1].size(); ++k)
    if (t[k] < 0 || t[k] >= range_max)
      fail(op, "true class ", t[k], " is not in [0, ", range_max, ")");
  std::vector<double> cdf(static_cast<size_t>(range_max));
  double total = 0;
  for (int64_t c = 0; c < range_max; ++c) {
    const double w = kind == 2   ? 1.0 + double(state[1 + c])
                     : kind == 1 ? a.floats[size_t(3 + c)]
                                 : 1.0;
    if (!(w >= 0) || !std::isfinite(w)) fail(op, "weight of class ", c, " is ", w);
    total += w;
    cdf[size_t(c)] = total;
  }
  if (!(total > 0)) fail(op, "the classes' weights sum to 0");
  int64_t nonzero = 0;
  for (int64_t c = 0; c < range_max; ++c)
    nonzero += (cdf[size_t(c)] > (c ? cdf[size_t(c - 1)] : 0));
  if (unique && num_sampled > nonzero)
    fail(op, "Sampler's range is too small: num_sampled ", num_sampled, " > ", nonzero,
         " classes of nonzero weight");
  const Philox ph{uint32_t(seed ^ (seed >> 32)), uint32_t(seed2 ^ (seed2 >> 32)) ^ 0x2545f491u};
  const uint64_t run = uint64_t(__atomic_fetch_add(state, 1, __ATOMIC_RELAXED));
  auto prob = [&](int64_t c) { return (cdf[size_t(c)] - (c ? cdf[size_t(c - 1)] : 0.0)) / total; };
  int64_t* s = out[0].ptr<int64_t>();
  std::vector<char> seen(unique ? size_t(range_max) : 0, 0);
  int64_t tries = 0;
  for (int64_t j = 0; j < num_sampled;) {
    uint32_t w[4];
    ph.block(uint32_t(tries), uint32_t(uint64_t(tries) >> 32), uint32_t(run), uint32_t(run >> 32),
             w);
    ++tries;
    const double u = double((uint64_t(w[0]) << 21) ^ (w[1] >> 11)) * 0x1.0p-53 * total;
    int64_t c = std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
    c = std::min(c, range_max - 1);
    if (unique) {
      if (seen[size_t(c)]) continue;
      seen[size_t(c)] = 1;
    }
    s[j++] = c;
  }
  auto expected = [&](int64_t c) -> float {
    const double p = prob(c);
    if (!unique) return float(p * double(num_sampled));
    return float(-std::expm1(double(tries) * std::log1p(-p)));
  };
  for (int64_t k = 0; k < in[1].size(); ++k) out[1].ptr<float>()[k] = expected(t[k]);
  for (int64_t j = 0; j < num_sampled; ++j) out[2].ptr<float>()[j] = expected(s[j]);
  if (learned)
    for (int64_t k = 0; k < in[1].size(); ++k)
      __atomic_fetch_add(&state[1 + t[k]], 1, __ATOMIC_RELAXED);
}

}  // namespace

void register_candidate_sampling(Registry& r) { r["candidate_sampler"] = k_candidate_sampler; }

}  // namespace tfl
