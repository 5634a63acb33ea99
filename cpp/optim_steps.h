// optim_steps.h: the per-element steps of TF's Adadelta, proximal, Adagrad-DA and FTRL updates,
// shared by the dense Apply* kernels (optim.cc) and the row-wise SparseApply* kernels (sparse.cc)
// so both compute the same formulas (those of TF's training_ops).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels.h"

namespace tfl {

template <typename T>
inline T sgn(T x) {
  return x == T(0) ? T(0) : (x < T(0) ? T(-1) : T(1));
}

// The proximal (FOBOS) step of v = var - rate * grad: sign(v) * max(|v| - rate * l1, 0) /
// (1 + l2 * rate) when l1 > 0, else v / (1 + l2 * rate).
template <typename T>
inline T prox_step(T v, T rate, T l1, T l2) {
  if (l1 > T(0)) return sgn(v) * std::max(std::abs(v) - rate * l1, T(0)) / (T(1) + l2 * rate);
  return v / (T(1) + l2 * rate);
}

// accum = rho * accum + (1 - rho) * g^2; update = sqrt(upd + eps) / sqrt(accum + eps) * g;
// var -= lr * update; upd = rho * upd + (1 - rho) * update^2.
template <typename T>
inline void adadelta_step(T& var, T& accum, T& upd, T g, T lr, T rho, T eps) {
  accum = accum * rho + g * g * (T(1) - rho);
  const T update = std::sqrt(upd + eps) / std::sqrt(accum + eps) * g;
  var -= update * lr;
  upd = upd * rho + update * update * (T(1) - rho);
}

// RMSProp: ms += (g^2 - ms) * (1 - rho); mom = momentum * mom + lr * g / sqrt(ms + eps);
// var -= mom. Centered (mg given): also mg += (g - mg) * (1 - rho), and ms - mg^2 replaces ms.
template <typename T>
inline void rms_prop_step(T& var, T& ms, T& mom, T* mg, T g, T lr, T rho, T momentum, T eps) {
  ms += (g * g - ms) * (T(1) - rho);
  T denom = ms + eps;
  if (mg != nullptr) {
    *mg += (g - *mg) * (T(1) - rho);
    denom = ms - *mg * *mg + eps;
  }
  mom = mom * momentum + lr * g / std::sqrt(denom);
  var -= mom;
}

// accum += g^2; rate = lr / sqrt(accum); var = prox_step(var - rate * g, rate, l1, l2).
template <typename T>
inline void proximal_adagrad_step(T& var, T& accum, T g, T lr, T l1, T l2) {
  accum += g * g;
  const T rate = lr / std::sqrt(accum);
  var = prox_step(var - g * rate, rate, l1, l2);
}

// TF's CPU kernels of ProximalAdagrad (and sparse FTRL) refuse these hyper-parameters.
template <typename T>
inline void check_proximal_hyper(const char* op, T lr, T l1, T l2) {
  if (!(lr > T(0))) fail(op, "lr is not a positive scalar, got ", double(lr));
  if (!(l1 >= T(0)))
    fail(op, "l1 regularization strength is not a non-negative scalar, got ", double(l1));
  if (!(l2 >= T(0)))
    fail(op, "l2 regularization strength is not a non-negative scalar, got ", double(l2));
}

// The global step of Adagrad-DA: an int32 or int64 scalar.
inline int64_t global_step_of(const char* op, const TensorView& t) {
  if (t.dtype != DType::kInt32 && t.dtype != DType::kInt64)
    fail(op, "global_step must be int64, got ", dtype_name(t.dtype));
  if (t.size() != 1) fail(op, "global_step is not a scalar: ", t.shape_str());
  return index_at(t, 0);
}

// Adagrad dual averaging at step t: ga += g; gg += g^2;
// var = -lr * sign(ga) * max(|ga| - l1 * t, 0) / (l2 * t * lr + sqrt(gg)) when l1 > 0, else
// -lr * ga / (l2 * t * lr + sqrt(gg)) (t as float, as TF's kernel).
template <typename T>
struct AdagradDA {
  T lr, l1, l2;
  int64_t global_step;
  void step(T& var, T& ga, T& gg, T g) const {
    ga += g;
    gg += g * g;
    const T t = T(static_cast<float>(global_step));
    const T denom = l2 * (t * lr) + std::sqrt(gg);
    if (l1 > T(0)) var = lr * T(-1) * sgn(ga) * std::max(std::abs(ga) - t * l1, T(0)) / denom;
    else var = lr * ga * T(-1) / denom;
  }
};

// FTRL-proximal: g' = g + 2 * l2_shrinkage * var (V2; g' = g otherwise); new = accum + g^2;
// linear += g' - (new^-p - accum^-p) / lr * var (sqrt when p = -0.5);
// var = |linear| > l1 ? (sign(linear) * l1 - linear) / (new^-p / lr + 2 * l2) : 0; accum = new.
template <typename T>
struct Ftrl {
  T lr, l1, l2, shrinkage, power;
  template <bool kV2>
  void step(T& var, T& accum, T& linear, T g) const {
    const T gs = kV2 ? g + T(2) * shrinkage * var : g;
    const T fresh = accum + g * g;
    const bool half = power == T(-0.5);
    const T p_new = half ? std::sqrt(fresh) : std::pow(fresh, -power);
    const T p_old = half ? std::sqrt(accum) : std::pow(accum, -power);
    linear += gs - (p_new - p_old) / lr * var;
    const T quadratic = p_new / lr + T(2) * l2;
    var = std::abs(linear) > l1 ? (l1 * sgn(linear) - linear) / quadratic : T(0);
    accum = fresh;
  }
};

// TF's sparse FTRL kernels refuse these hyper-parameters (its dense ones do not check them).
template <typename T>
inline void check_ftrl_hyper(const char* op, const Ftrl<T>& f, bool v2) {
  if (!(f.lr > T(0))) fail(op, "lr is not a positive scalar, got ", double(f.lr));
  if (!(f.l1 >= T(0)))
    fail(op, "l1 regularization strength is not a non-negative scalar, got ", double(f.l1));
  if (!(f.l2 >= T(0)))
    fail(op, "l2 regularization strength is not a non-negative scalar, got ", double(f.l2));
  if (v2 && !(f.shrinkage >= T(0)))
    fail(op, "l2 shrinkage regularization strength is not a non-negative scalar, got ",
         double(f.shrinkage));
  if (!(f.power <= T(0))) fail(op, "lr_power is not a non-positive scalar, got ", double(f.power));
}

}  // namespace tfl
