// sparse.cc: updates that touch only the rows an IndexedSlices gradient names (TF's
// SparseApply* training ops) and the log-uniform candidate sampler. A step's cost grows with the
// number of ids, never with the table: nothing here allocates or scans a dense gradient.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "kernels.h"
#include "optim_steps.h"
#include "philox.h"

namespace tfl {
namespace {

// The rows of an IndexedSlices (values [n, inner...], indices [n]) checked against var [rows,
// inner...]. Duplicate ids are summed, in id order then position order, before they are applied
// (TF's optimisers deduplicate too), so the result never depends on the thread count.
struct Rows {
  int64_t n = 0, inner = 1;
  std::vector<std::pair<int64_t, int64_t>> order;  // (id, position), sorted
  std::vector<int64_t> starts;                      // first entry of each distinct id in order

  Rows(const char* op, const TensorView& var, const TensorView& values, const TensorView& ids) {
    if (ids.dtype != DType::kInt32 && ids.dtype != DType::kInt64)
      fail(op, "indices must be int32 or int64, got ", dtype_name(ids.dtype));
    check_same_dtype(op, values, var);
    if (var.ndim < 1) fail(op, "var must have rank >= 1, got ", var.shape_str());
    if (ids.ndim != 1) fail(op, "indices must be a vector, got ", ids.shape_str());
    n = ids.shape[0];
    bool ok = values.ndim == var.ndim && values.shape[0] == n;
    for (int d = 1; ok && d < var.ndim; ++d) ok = values.shape[d] == var.shape[d];
    if (!ok)
      fail(op, "values ", values.shape_str(), " do not match indices ", ids.shape_str(),
           " and var ", var.shape_str());
    for (int d = 1; d < var.ndim; ++d) inner *= var.shape[d];
    const int64_t limit = var.shape[0];
    order.resize(size_t(n));
    for (int64_t k = 0; k < n; ++k) {
      const int64_t v = index_at(ids, k);
      if (v < 0 || v >= limit)
        fail(op, "Index ", v, " at offset ", k, " in indices is out of range (indices[", k,
             "] = ", v, " is not in [0, ", limit, "))");
      order[size_t(k)] = {v, k};
    }
    std::sort(order.begin(), order.end());
    for (int64_t k = 0; k < n; ++k)
      if (k == 0 || order[size_t(k)].first != order[size_t(k - 1)].first) starts.push_back(k);
    starts.push_back(n);
  }
  int64_t unique() const { return int64_t(starts.size()) - 1; }

  // fn(row id, summed gradient row) for each distinct id, distinct ids split across threads.
  template <typename T, typename F>
  void each(const TensorView& values, F&& fn) const {
    const T* g = values.ptr<T>();
    const int64_t u = unique();
    parallel_for(u, std::max<int64_t>(1, kCheapGrain / std::max<int64_t>(inner, 1)),
                 [&](int64_t b, int64_t e) {
                   std::vector<T> sum(static_cast<size_t>(inner));
                   for (int64_t j = b; j < e; ++j) {
                     const int64_t s = starts[size_t(j)], t = starts[size_t(j + 1)];
                     const T* first = g + order[size_t(s)].second * inner;
                     std::copy(first, first + inner, sum.begin());
                     for (int64_t k = s + 1; k < t; ++k) {
                       const T* row = g + order[size_t(k)].second * inner;
                       for (int64_t c = 0; c < inner; ++c) sum[size_t(c)] += row[c];
                     }
                     fn(order[size_t(s)].first, sum.data());
                   }
                 });
  }
};

template <typename T>
T scalar(const char* op, const TensorView& t, const char* what) {
  if (t.size() != 1) fail(op, what, " must be a scalar, got ", t.shape_str());
  return t.ptr<T>()[0];
}

void check_slot(const char* op, const TensorView& slot, const TensorView& var) {
  check_same_dtype(op, slot, var);
  check_same_shape(op, slot, var);
}

// var[ids] -= lr * values (duplicates summed). in = [lr, values, indices]; out = [var].
void k_sparse_apply_gd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseApplyGradientDescent";
  check_count(op, nin, 3, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const Rows rows(op, out[0], in[1], in[2]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = scalar<T>(op, in[0], "lr");
    T* var = out[0].ptr<T>();
    rows.each<T>(in[1], [&](int64_t id, const T* g) {
      T* x = var + id * inner;
      for (int64_t c = 0; c < inner; ++c) x[c] -= lr * g[c];
    });
  });
}

// For each distinct id i (g = the summed rows): accum[i] = accum[i] * momentum + g;
// var[i] -= lr * accum[i] (Nesterov: var[i] -= lr * g + lr * momentum * accum[i]).
// in = [lr, values, indices, momentum], ints = [nesterov]; out = [var, accum].
void k_sparse_apply_momentum(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs& a) {
  const char* op = "SparseApplyMomentum";
  check_count(op, nin, 4, nout, 2);
  check_slot(op, out[1], out[0]);
  check_same_dtype(op, in[0], out[0]);
  check_same_dtype(op, in[3], out[0]);
  const Rows rows(op, out[0], in[1], in[2]);
  const bool nesterov = !a.ints.empty() && a.ints[0] != 0;
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = scalar<T>(op, in[0], "lr"), mom = scalar<T>(op, in[3], "momentum");
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    rows.each<T>(in[1], [&](int64_t id, const T* g) {
      T* x = var + id * inner;
      T* m = acc + id * inner;
      for (int64_t c = 0; c < inner; ++c) {
        m[c] = m[c] * mom + g[c];
        x[c] -= nesterov ? g[c] * lr + m[c] * mom * lr : m[c] * lr;
      }
    });
  });
}

// For each distinct id i: accum[i] += g^2; var[i] -= lr * g / sqrt(accum[i]).
// in = [lr, values, indices]; out = [var, accum].
void k_sparse_apply_adagrad(const TensorView* in, int nin, TensorView* out, int nout,
                            const Attrs&) {
  const char* op = "SparseApplyAdagrad";
  check_count(op, nin, 3, nout, 2);
  check_slot(op, out[1], out[0]);
  check_same_dtype(op, in[0], out[0]);
  const Rows rows(op, out[0], in[1], in[2]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = scalar<T>(op, in[0], "lr");
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    rows.each<T>(in[1], [&](int64_t id, const T* g) {
      T* x = var + id * inner;
      T* s = acc + id * inner;
      for (int64_t c = 0; c < inner; ++c) {
        s[c] += g[c] * g[c];
        x[c] -= lr * g[c] / std::sqrt(s[c]);
      }
    });
  });
}

// TF 1.x AdamOptimizer._apply_sparse: m = m * beta1 and v = v * beta2 over the whole table, then
// m[i] += (1 - beta1) * g, v[i] += (1 - beta2) * g^2 for each distinct id i, then
// var -= lr_t * m / (sqrt(v) + epsilon) over the whole table (dense, as TF 1.x; its cost grows
// with the table). in = [beta1_power, beta2_power, lr, beta1, beta2, epsilon, values, indices];
// out = [var, m, v].
void k_sparse_apply_adam(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "SparseApplyAdam";
  check_count(op, nin, 8, nout, 3);
  check_slot(op, out[1], out[0]);
  check_slot(op, out[2], out[0]);
  for (int i = 0; i < 6; ++i) check_same_dtype(op, in[i], out[0]);
  const Rows rows(op, out[0], in[6], in[7]);
  const int64_t inner = rows.inner, n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T b1p = scalar<T>(op, in[0], "beta1_power"), b2p = scalar<T>(op, in[1], "beta2_power");
    const T lr = scalar<T>(op, in[2], "lr"), b1 = scalar<T>(op, in[3], "beta1");
    const T b2 = scalar<T>(op, in[4], "beta2"), eps = scalar<T>(op, in[5], "epsilon");
    const T lr_t = lr * std::sqrt(T(1) - b2p) / (T(1) - b1p);
    T* var = out[0].ptr<T>();
    T* m = out[1].ptr<T>();
    T* v = out[2].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        m[k] *= b1;
        v[k] *= b2;
      }
    });
    rows.each<T>(in[6], [&](int64_t id, const T* g) {
      T* mr = m + id * inner;
      T* vr = v + id * inner;
      for (int64_t c = 0; c < inner; ++c) {
        mr[c] += g[c] * (T(1) - b1);
        vr[c] += g[c] * g[c] * (T(1) - b2);
      }
    });
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) var[k] -= lr_t * m[k] / (std::sqrt(v[k]) + eps);
    });
  });
}

// The scalars in[first..first+count) of an update, each one element of var's dtype.
void check_hyper(const char* op, const TensorView* in, int first, int count,
                 const TensorView& var) {
  for (int i = first; i < first + count; ++i) {
    check_same_dtype(op, in[i], var);
    if (in[i].size() != 1) fail(op, "input ", i, " must be a scalar, got ", in[i].shape_str());
  }
}

// Adadelta on each distinct id's rows (optim_steps.h). in = [lr, rho, epsilon, values,
// indices]; out = [var, accum, accum_update].
void k_sparse_apply_adadelta(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs&) {
  const char* op = "SparseApplyAdadelta";
  check_count(op, nin, 5, nout, 3);
  check_slot(op, out[1], out[0]);
  check_slot(op, out[2], out[0]);
  check_hyper(op, in, 0, 3, out[0]);
  const Rows rows(op, out[0], in[3], in[4]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = in[0].ptr<T>()[0], rho = in[1].ptr<T>()[0], eps = in[2].ptr<T>()[0];
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    T* upd = out[2].ptr<T>();
    rows.each<T>(in[3], [&](int64_t id, const T* g) {
      const int64_t o = id * inner;
      for (int64_t c = 0; c < inner; ++c)
        adadelta_step(var[o + c], acc[o + c], upd[o + c], g[c], lr, rho, eps);
    });
  });
}

// var[i] = prox_step(var[i] - lr * g, lr, l1, l2) for each distinct id i.
// in = [lr, l1, l2, values, indices]; out = [var].
void k_sparse_apply_proximal_gd(const TensorView* in, int nin, TensorView* out, int nout,
                                const Attrs&) {
  const char* op = "SparseApplyProximalGradientDescent";
  check_count(op, nin, 5, nout, 1);
  check_hyper(op, in, 0, 3, out[0]);
  const Rows rows(op, out[0], in[3], in[4]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = in[0].ptr<T>()[0], l1 = in[1].ptr<T>()[0], l2 = in[2].ptr<T>()[0];
    T* var = out[0].ptr<T>();
    rows.each<T>(in[3], [&](int64_t id, const T* g) {
      T* x = var + id * inner;
      for (int64_t c = 0; c < inner; ++c) x[c] = prox_step(x[c] - g[c] * lr, lr, l1, l2);
    });
  });
}

// Proximal Adagrad on each distinct id's rows. in = [lr, l1, l2, values, indices];
// out = [var, accum]; lr > 0, l1 >= 0, l2 >= 0 (checked, as TF).
void k_sparse_apply_proximal_adagrad(const TensorView* in, int nin, TensorView* out, int nout,
                                     const Attrs&) {
  const char* op = "SparseApplyProximalAdagrad";
  check_count(op, nin, 5, nout, 2);
  check_slot(op, out[1], out[0]);
  check_hyper(op, in, 0, 3, out[0]);
  const Rows rows(op, out[0], in[3], in[4]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = in[0].ptr<T>()[0], l1 = in[1].ptr<T>()[0], l2 = in[2].ptr<T>()[0];
    check_proximal_hyper(op, lr, l1, l2);
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    rows.each<T>(in[3], [&](int64_t id, const T* g) {
      const int64_t o = id * inner;
      for (int64_t c = 0; c < inner; ++c)
        proximal_adagrad_step(var[o + c], acc[o + c], g[c], lr, l1, l2);
    });
  });
}

// Adagrad dual averaging on each distinct id's rows. in = [values, indices, lr, l1, l2,
// global_step]; out = [var, gradient_accumulator, gradient_squared_accumulator].
void k_sparse_apply_adagrad_da(const TensorView* in, int nin, TensorView* out, int nout,
                               const Attrs&) {
  const char* op = "SparseApplyAdagradDA";
  check_count(op, nin, 6, nout, 3);
  check_slot(op, out[1], out[0]);
  check_slot(op, out[2], out[0]);
  check_hyper(op, in, 2, 3, out[0]);
  const int64_t step = global_step_of(op, in[5]);
  const Rows rows(op, out[0], in[0], in[1]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const AdagradDA<T> da{in[2].ptr<T>()[0], in[3].ptr<T>()[0], in[4].ptr<T>()[0], step};
    T* var = out[0].ptr<T>();
    T* ga = out[1].ptr<T>();
    T* gg = out[2].ptr<T>();
    rows.each<T>(in[0], [&](int64_t id, const T* g) {
      const int64_t o = id * inner;
      for (int64_t c = 0; c < inner; ++c) da.step(var[o + c], ga[o + c], gg[o + c], g[c]);
    });
  });
}

// FTRL-proximal on each distinct id's rows. in = [values, indices, lr, l1, l2, (l2_shrinkage,)
// lr_power]; out = [var, accum, linear]. The hyper-parameters are checked as TF's sparse kernel.
template <bool kV2>
void k_sparse_apply_ftrl(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = kV2 ? "SparseApplyFtrlV2" : "SparseApplyFtrl";
  check_count(op, nin, kV2 ? 7 : 6, nout, 3);
  check_slot(op, out[1], out[0]);
  check_slot(op, out[2], out[0]);
  check_hyper(op, in, 2, kV2 ? 5 : 4, out[0]);
  const Rows rows(op, out[0], in[0], in[1]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    auto at = [&](int i) { return in[i].ptr<T>()[0]; };
    const Ftrl<T> f{at(2), at(3), at(4), kV2 ? at(5) : T(0), at(kV2 ? 6 : 5)};
    check_ftrl_hyper(op, f, kV2);
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    T* lin = out[2].ptr<T>();
    rows.each<T>(in[0], [&](int64_t id, const T* g) {
      const int64_t o = id * inner;
      for (int64_t c = 0; c < inner; ++c)
        f.template step<kV2>(var[o + c], acc[o + c], lin[o + c], g[c]);
    });
  });
}

// RMSProp (centered: kCentered) on each distinct id's rows. in = [lr, rho, momentum, epsilon,
// values, indices]; out = [var, ms, mom] or, centered, [var, mg, ms, mom].
template <bool kCentered>
void k_sparse_apply_rms_prop(const TensorView* in, int nin, TensorView* out, int nout,
                             const Attrs&) {
  const char* op = kCentered ? "SparseApplyCenteredRMSProp" : "SparseApplyRMSProp";
  check_count(op, nin, 6, nout, kCentered ? 4 : 3);
  for (int j = 1; j < nout; ++j) check_slot(op, out[j], out[0]);
  check_hyper(op, in, 0, 4, out[0]);
  const Rows rows(op, out[0], in[4], in[5]);
  const int64_t inner = rows.inner;
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = in[0].ptr<T>()[0], rho = in[1].ptr<T>()[0];
    const T momentum = in[2].ptr<T>()[0], eps = in[3].ptr<T>()[0];
    T* var = out[0].ptr<T>();
    T* mg = kCentered ? out[1].ptr<T>() : nullptr;
    T* ms = out[kCentered ? 2 : 1].ptr<T>();
    T* mom = out[kCentered ? 3 : 2].ptr<T>();
    rows.each<T>(in[4], [&](int64_t id, const T* g) {
      const int64_t o = id * inner;
      for (int64_t c = 0; c < inner; ++c)
        rms_prop_step(var[o + c], ms[o + c], mom[o + c], kCentered ? &mg[o + c] : nullptr, g[c], lr,
                      rho, momentum, eps);
    });
  });
}

// TF's LogUniformSampler: P(c) = (log(c + 2) - log(c + 1)) / log(range_max + 1), drawn as
// c = int64(exp(u * log(range_max + 1))) - 1 (mod range_max) for u uniform in [0, 1).
// in = [run counter int64[1], true_classes int64 [batch, num_true]];
// ints = [seed, seed2], floats = [unique, range_max] (the session may replace the ints of an
// unseeded op with its own seeds); out = [sampled int64 [num_sampled],
// true_expected_count float32 [batch, num_true], sampled_expected_count float32 [num_sampled]].
// Expected counts: p * num_sampled, or with unique -expm1(num_tries * log1p(-p)) where num_tries
// counts the draws taken to find num_sampled distinct classes (as TF's RangeSampler).
// Draw j of run r uses Philox counter (j, r): the samples are a pure function of (seed, seed2,
// run index).
void k_log_uniform_sampler(const TensorView* in, int nin, TensorView* out, int nout,
                           const Attrs& a) {
  const char* op = "LogUniformCandidateSampler";
  check_count(op, nin, 2, nout, 3);
  check_dtype(op, in[0], DType::kInt64, "run counter");
  check_dtype(op, in[1], DType::kInt64, "true_classes");
  check_dtype(op, out[0], DType::kInt64, "sampled_candidates");
  check_dtype(op, out[1], DType::kFloat32, "true_expected_count");
  check_dtype(op, out[2], DType::kFloat32, "sampled_expected_count");
  const uint64_t seed = uint64_t(a.i(0, op)), seed2 = uint64_t(a.i(1, op));
  const bool unique = a.f(0, op) != 0.0;
  const int64_t range_max = int64_t(a.f(1, op)), num_sampled = out[0].size();
  if (range_max < 1) fail(op, "range_max must be positive, got ", range_max);
  if (unique && num_sampled > range_max)
    fail(op, "Sampler's range is too small: num_sampled ", num_sampled, " > range_max ", range_max);
  if (out[1].size() != in[1].size() || out[2].size() != num_sampled)
    fail(op, "output shapes do not match true_classes ", in[1].shape_str());
  const Philox ph{uint32_t(seed ^ (seed >> 32)), uint32_t(seed2 ^ (seed2 >> 32)) ^ 0x27d4eb2fu};
  const uint64_t run = uint64_t(__atomic_fetch_add(in[0].ptr<int64_t>(), 1, __ATOMIC_RELAXED));
  const double log_range = std::log1p(double(range_max));
  auto prob = [&](int64_t c) {
    return (std::log(double(c) + 2.0) - std::log(double(c) + 1.0)) / log_range;
  };
  int64_t* s = out[0].ptr<int64_t>();
  std::vector<int64_t> seen;
  int64_t tries = 0;
  for (int64_t j = 0; j < num_sampled;) {
    uint32_t w[4];
    ph.block(uint32_t(tries), uint32_t(uint64_t(tries) >> 32), uint32_t(run), uint32_t(run >> 32),
             w);
    ++tries;
    const double u = double((uint64_t(w[0]) << 21) ^ (w[1] >> 11)) * 0x1.0p-53;
    const int64_t c = (int64_t(std::exp(u * log_range)) - 1) % range_max;
    if (unique) {
      if (std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
      seen.push_back(c);
    }
    s[j++] = c;
  }
  auto expected = [&](int64_t c) -> float {
    if (c < 0 || c >= range_max) fail(op, "true class ", c, " is not in [0, ", range_max, ")");
    const double p = prob(c);
    if (!unique) return float(p * double(num_sampled));
    return float(-std::expm1(double(tries) * std::log1p(-p)));
  };
  const int64_t* t = in[1].ptr<int64_t>();
  for (int64_t k = 0; k < in[1].size(); ++k) out[1].ptr<float>()[k] = expected(t[k]);
  for (int64_t j = 0; j < num_sampled; ++j) out[2].ptr<float>()[j] = expected(s[j]);
}

}  // namespace

void register_sparse(Registry& r) {
  r["sparse_apply_gradient_descent"] = k_sparse_apply_gd;
  r["sparse_apply_momentum"] = k_sparse_apply_momentum;
  r["sparse_apply_adagrad"] = k_sparse_apply_adagrad;
  r["sparse_apply_adam"] = k_sparse_apply_adam;
  r["sparse_apply_rms_prop"] = k_sparse_apply_rms_prop<false>;
  r["sparse_apply_centered_rms_prop"] = k_sparse_apply_rms_prop<true>;
  r["sparse_apply_adadelta"] = k_sparse_apply_adadelta;
  r["sparse_apply_proximal_gradient_descent"] = k_sparse_apply_proximal_gd;
  r["sparse_apply_proximal_adagrad"] = k_sparse_apply_proximal_adagrad;
  r["sparse_apply_adagrad_da"] = k_sparse_apply_adagrad_da;
  r["sparse_apply_ftrl"] = k_sparse_apply_ftrl<false>;
  r["sparse_apply_ftrl_v2"] = k_sparse_apply_ftrl<true>;
  r["log_uniform_candidate_sampler"] = k_log_uniform_sampler;
}

}  // namespace tfl
