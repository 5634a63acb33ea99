// optim.cc: in-place variable updates. out[0] is the variable's own buffer.
#include "kernels.h"

namespace tfl {
namespace {

enum class Upd { kAssign, kAdd, kSub };

template <Upd U>
void assign_kernel(const char* op, const TensorView* in, int nin, TensorView* out, int nout) {
  // in[0] = value; out[0] = variable (written in place).
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = out[0].size();
  TFL_NUMERIC_CASES(out[0].dtype, op, {
    const T* v = in[0].ptr<T>();
    T* x = out[0].ptr<T>();
    parallel_for(n, kCheapGrain, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        if constexpr (U == Upd::kAssign) x[k] = v[k];
        else if constexpr (U == Upd::kAdd) x[k] += v[k];
        else x[k] -= v[k];
      }
    });
  });
}

void k_assign(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  if (nin == 1 && nout == 1 && in[0].dtype == DType::kBool && out[0].dtype == DType::kBool) {
    check_same_shape("Assign", in[0], out[0]);
    std::memcpy(out[0].data, in[0].data, size_t(in[0].size()));
    return;
  }
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

}  // namespace

void register_optim(Registry& r) {
  r["assign"] = k_assign;
  r["assign_add"] = k_assign_add;
  r["assign_sub"] = k_assign_sub;
  r["apply_gradient_descent"] = k_apply_gd;
}

}  // namespace tfl
