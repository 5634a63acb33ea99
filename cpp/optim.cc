// optim.cc: in-place variable updates. out[0] is the variable's own buffer.
#include <cmath>

#include <cstring>
#include <initializer_list>

#include "dtypes.h"
#include "kernels.h"
#include "optim_steps.h"

namespace tfl {
namespace {

enum class Upd { kAssign, kAdd, kSub };

// x += v or x -= v (16-bit floats computed in float32, integers wrapping).
template <Upd U, typename T>
void update_typed(const char* op, const T* v, T* x, int64_t n) {
  if constexpr (std::is_same_v<T, bool>) {
    fail(op, "unsupported dtype bool");
  } else {
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        if constexpr (is_half_v<T>)
          x[k] = from_f32<T>(U == Upd::kAdd ? to_f32(x[k]) + to_f32(v[k])
                                            : to_f32(x[k]) - to_f32(v[k]));
        else if constexpr (U == Upd::kAdd) x[k] = T(x[k] + v[k]);
        else x[k] = T(x[k] - v[k]);
      }
    });
  }
}

template <Upd U>
void assign_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  // in[0] = value; out[0] = variable (written in place).
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = out[0].size();
  if constexpr (U == Upd::kAssign) {  // any dtype: the bytes
    parallel_for(n * dtype_size(out[0].dtype), kCheapGrain * 4, [&](int64_t b, int64_t e) {
      std::memcpy(static_cast<char*>(out[0].data) + b, static_cast<const char*>(in[0].data) + b,
                  size_t(e - b));
    });
  } else {
    TFL_EVERY_CASES(out[0].dtype, op, update_typed<U, T>(op, in[0].ptr<T>(), out[0].ptr<T>(), n));
  }
}

void k_assign(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  assign_kernel<Upd::kAssign>("Assign", in, nin, out, nout);
}
void k_assign_add(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  assign_kernel<Upd::kAdd>("AssignAdd", in, nin, out, nout);
}
void k_assign_sub(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  assign_kernel<Upd::kSub>("AssignSub", in, nin, out, nout);
}

// var -= alpha * delta; in = [alpha (scalar), delta], out[0] = var.
void k_apply_gd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ApplyGradientDescent";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_dtype(op, in[1], out[0]);
  check_same_shape(op, in[1], out[0]);
  if (in[0].size() != 1) fail(op, "alpha must be a scalar, got ", in[0].shape_str());
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T alpha = in[0].ptr<T>()[0];
    const T* d = in[1].ptr<T>();
    T* x = out[0].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) x[k] -= alpha * d[k];
    });
  });
}

// The other optimisers' updates, as TensorFlow's training_ops (one pass, in place). Outputs are
// the variable and its slots (all written in place); inputs are scalars and the gradient.
struct Scalars {
  const char* op;
  const TensorView* in;
  template <typename T> T get(int i) const {
    if (in[i].size() != 1) fail(op, "input ", i, " must be a scalar, got ", in[i].shape_str());
    return in[i].ptr<T>()[0];
  }
};

void check_update(const char* op, const TensorView* in, int nin, int want_in, TensorView* out,
                  int nout, int want_out) {
  check_count(op, nin, size_t(want_in), nout, size_t(want_out));
  for (int i = 0; i < nin; ++i) check_same_dtype(op, in[i], out[0]);
  for (int j = 1; j < nout; ++j) {
    check_same_dtype(op, out[j], out[0]);
    check_same_shape(op, out[j], out[0]);
  }
  check_same_shape(op, in[nin - 1], out[0]);  // the gradient
}

// accum = accum * momentum + grad; var -= lr * accum
// (Nesterov: var -= lr * grad + lr * momentum * accum). in = [lr, grad, momentum], ints [nesterov]
void k_apply_momentum(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "ApplyMomentum";
  check_count(op, nin, 3, nout, 2);
  const TensorView reordered[3] = {in[0], in[2], in[1]};
  check_update(op, reordered, 3, 3, out, nout, 2);
  const bool nesterov = !a.ints.empty() && a.ints[0] != 0;
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const T lr = s.get<T>(0), mom = s.get<T>(2);
    const T* g = in[1].ptr<T>();
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        acc[k] = acc[k] * mom + g[k];
        var[k] -= nesterov ? g[k] * lr + acc[k] * mom * lr : acc[k] * lr;
      }
    });
  });
}

// lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m += (g - m) * (1 - beta1);
// v += (g^2 - v) * (1 - beta2); var -= lr_t * m / (sqrt(v) + eps)
// (Nesterov: m replaced by m * beta1 + (1 - beta1) * g in the update).
// in = [beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad]; out = [var, m, v].
void k_apply_adam(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "ApplyAdam";
  check_update(op, in, nin, 7, out, nout, 3);
  const bool nesterov = !a.ints.empty() && a.ints[0] != 0;
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const T b1p = s.get<T>(0), b2p = s.get<T>(1), lr = s.get<T>(2), b1 = s.get<T>(3),
            b2 = s.get<T>(4), eps = s.get<T>(5);
    const T lr_t = lr * std::sqrt(T(1) - b2p) / (T(1) - b1p);
    const T* g = in[6].ptr<T>();
    T* var = out[0].ptr<T>();
    T* m = out[1].ptr<T>();
    T* v = out[2].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        m[k] += (g[k] - m[k]) * (T(1) - b1);
        v[k] += (g[k] * g[k] - v[k]) * (T(1) - b2);
        const T mm = nesterov ? m[k] * b1 + (T(1) - b1) * g[k] : m[k];
        var[k] -= lr_t * mm / (std::sqrt(v[k]) + eps);
      }
    });
  });
}

// accum += g^2; var -= lr * g / sqrt(accum). in = [lr, grad]; out = [var, accum].
void k_apply_adagrad(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ApplyAdagrad";
  check_update(op, in, nin, 2, out, nout, 2);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const T lr = Scalars{op, in}.get<T>(0);
    const T* g = in[1].ptr<T>();
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        acc[k] += g[k] * g[k];
        var[k] -= lr * g[k] / std::sqrt(acc[k]);
      }
    });
  });
}

// ms += (g^2 - ms) * (1 - rho); mom = mom * momentum + lr * g / sqrt(ms + eps); var -= mom.
// in = [lr, rho, momentum, epsilon, grad]; out = [var, ms, mom].
void k_apply_rms_prop(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ApplyRMSProp";
  check_update(op, in, nin, 5, out, nout, 3);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const T lr = s.get<T>(0), rho = s.get<T>(1), momentum = s.get<T>(2), eps = s.get<T>(3);
    const T* g = in[4].ptr<T>();
    T* var = out[0].ptr<T>();
    T* ms = out[1].ptr<T>();
    T* mom = out[2].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        ms[k] += (g[k] * g[k] - ms[k]) * (T(1) - rho);
        mom[k] = mom[k] * momentum + lr * g[k] / std::sqrt(ms[k] + eps);
        var[k] -= mom[k];
      }
    });
  });
}

// Checks the refs of an update (out = [var, slots...]: one dtype, one shape) and that each input
// named in `scalars` is a scalar of var's dtype; returns nothing, fails naming the op.
void check_refs_and_scalars(const char* op, const TensorView* in,
                            std::initializer_list<int> scalars, TensorView* out, int nout) {
  for (int j = 1; j < nout; ++j) {
    check_same_dtype(op, out[j], out[0]);
    check_same_shape(op, out[j], out[0]);
  }
  for (int i : scalars) {
    check_same_dtype(op, in[i], out[0]);
    if (in[i].size() != 1) fail(op, "input ", i, " must be a scalar, got ", in[i].shape_str());
  }
}

// accum = rho * accum + (1 - rho) * g^2; update = sqrt(accum_update + eps) / sqrt(accum + eps) * g;
// var -= lr * update; accum_update = rho * accum_update + (1 - rho) * update^2.
// in = [lr, rho, epsilon, grad]; out = [var, accum, accum_update].
void k_apply_adadelta(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ApplyAdadelta";
  check_update(op, in, nin, 4, out, nout, 3);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const T lr = s.get<T>(0), rho = s.get<T>(1), eps = s.get<T>(2);
    const T* g = in[3].ptr<T>();
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    T* upd = out[2].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) adadelta_step(var[k], acc[k], upd[k], g[k], lr, rho, eps);
    });
  });
}

// v = var - alpha * delta, then the proximal step (prox_step). in = [alpha, l1, l2, delta].
void k_apply_proximal_gd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ApplyProximalGradientDescent";
  check_update(op, in, nin, 4, out, nout, 1);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const T lr = s.get<T>(0), l1 = s.get<T>(1), l2 = s.get<T>(2);
    const T* g = in[3].ptr<T>();
    T* var = out[0].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) var[k] = prox_step(var[k] - g[k] * lr, lr, l1, l2);
    });
  });
}

// accum += g^2; with rate = lr / sqrt(accum): v = var - rate * g, then the proximal step at rate.
// in = [lr, l1, l2, grad]; out = [var, accum]. lr > 0, l1 >= 0, l2 >= 0 (checked, as TF).
void k_apply_proximal_adagrad(const TensorView* in, int nin, TensorView* out, int nout,
                              const Attrs&) {
  const char* op = "ApplyProximalAdagrad";
  check_update(op, in, nin, 4, out, nout, 2);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const T lr = s.get<T>(0), l1 = s.get<T>(1), l2 = s.get<T>(2);
    check_proximal_hyper(op, lr, l1, l2);
    const T* g = in[3].ptr<T>();
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) proximal_adagrad_step(var[k], acc[k], g[k], lr, l1, l2);
    });
  });
}

// Adagrad dual averaging: ga += g; gg += g^2; var = -lr * shrink(ga) / (l2 * t * lr + sqrt(gg)),
// shrink(ga) = sign(ga) * max(|ga| - l1 * t, 0) when l1 > 0, else ga; t = global_step.
// in = [grad, lr, l1, l2, global_step (int32 or int64)]; out = [var, ga, gg].
void k_apply_adagrad_da(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "ApplyAdagradDA";
  check_count(op, nin, 5, nout, 3);
  check_refs_and_scalars(op, in, {1, 2, 3}, out, nout);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t step = global_step_of(op, in[4]);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const AdagradDA<T> da{s.get<T>(1), s.get<T>(2), s.get<T>(3), step};
    const T* g = in[0].ptr<T>();
    T* var = out[0].ptr<T>();
    T* ga = out[1].ptr<T>();
    T* gg = out[2].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) da.step(var[k], ga[k], gg[k], g[k]);
    });
  });
}

// FTRL-proximal (TF's ApplyFtrl / ApplyFtrlV2, see Ftrl::step). in = [grad, lr, l1, l2,
// (l2_shrinkage,) lr_power]; out = [var, accum, linear].
template <bool kV2>
void k_apply_ftrl(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = kV2 ? "ApplyFtrlV2" : "ApplyFtrl";
  check_count(op, nin, kV2 ? 6 : 5, nout, 3);
  if constexpr (kV2) check_refs_and_scalars(op, in, {1, 2, 3, 4, 5}, out, nout);
  else check_refs_and_scalars(op, in, {1, 2, 3, 4}, out, nout);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const Ftrl<T> f{s.get<T>(1), s.get<T>(2), s.get<T>(3), kV2 ? s.get<T>(4) : T(0),
                    s.get<T>(kV2 ? 5 : 4)};
    const T* g = in[0].ptr<T>();
    T* var = out[0].ptr<T>();
    T* acc = out[1].ptr<T>();
    T* lin = out[2].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) f.template step<kV2>(var[k], acc[k], lin[k], g[k]);
    });
  });
}

// Centered RMSProp (see rms_prop_step). in = [lr, rho, momentum, epsilon, grad];
// out = [var, mg, ms, mom].
void k_apply_centered_rms_prop(const TensorView* in, int nin, TensorView* out, int nout,
                               const Attrs&) {
  const char* op = "ApplyCenteredRMSProp";
  check_update(op, in, nin, 5, out, nout, 4);
  const int64_t n = out[0].size();
  TFL_FLOAT_CASES(out[0].dtype, op, {
    const Scalars s{op, in};
    const T lr = s.get<T>(0), rho = s.get<T>(1), momentum = s.get<T>(2), eps = s.get<T>(3);
    const T* g = in[4].ptr<T>();
    T* var = out[0].ptr<T>();
    T* mg = out[1].ptr<T>();
    T* ms = out[2].ptr<T>();
    T* mom = out[3].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k)
        rms_prop_step(var[k], ms[k], mom[k], &mg[k], g[k], lr, rho, momentum, eps);
    });
  });
}

}  // namespace

void register_optim(Registry& r) {
  r["assign"] = k_assign;
  r["assign_add"] = k_assign_add;
  r["assign_sub"] = k_assign_sub;
  r["apply_gradient_descent"] = k_apply_gd;
  r["apply_momentum"] = k_apply_momentum;
  r["apply_adam"] = k_apply_adam;
  r["apply_adagrad"] = k_apply_adagrad;
  r["apply_rms_prop"] = k_apply_rms_prop;
  r["apply_centered_rms_prop"] = k_apply_centered_rms_prop;
  r["apply_adadelta"] = k_apply_adadelta;
  r["apply_proximal_gradient_descent"] = k_apply_proximal_gd;
  r["apply_proximal_adagrad"] = k_apply_proximal_adagrad;
  r["apply_adagrad_da"] = k_apply_adagrad_da;
  r["apply_ftrl"] = k_apply_ftrl<false>;
  r["apply_ftrl_v2"] = k_apply_ftrl<true>;
}

}  // namespace tfl
