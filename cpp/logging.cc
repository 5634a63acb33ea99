// logging.cc: the checking kernels of TF's logging_ops and array_ops: Assert (a bool scalar
// condition; the message is built by Python from the op's data inputs) and CheckNumerics (a copy
// of a float tensor that fails on NaN or Inf).
#include <atomic>
#include <cmath>
#include <cstring>

#include "kernels.h"

namespace tfl {
namespace {

// in[0]: the condition (bool, a scalar or one element); in[1...]: the data the error message
// shows, computed before the check (Python reads them from their buffers when it fails).
void k_assert(const TensorView* in, int nin, TensorView*, int nout, const Attrs&) {
  const char* op = "Assert";
  if (nin < 1 || nout != 0) fail(op, "expects a condition and no outputs");
  check_dtype(op, in[0], DType::kBool, "condition");
  const bool legacy_scalar = in[0].ndim == 0 || (in[0].ndim == 1 && in[0].shape[0] == 1);
  if (!legacy_scalar) fail(op, "In[0] should be a scalar: ", in[0].shape_str());
  if (!*in[0].ptr<bool>()) fail(op, "assertion failed");
}

template <typename T>
int non_finite_flags(const TensorView& x) {
  const T* p = x.ptr<T>();
  std::atomic<int> flags{0};
  parallel_for(x.size(), kCheapGrain, [&](int64_t b, int64_t e) {
    int f = 0;
    for (int64_t k = b; k < e; ++k) {
      if (std::isnan(p[k])) f |= 2;
      else if (std::isinf(p[k])) f |= 1;
    }
    if (f) flags.fetch_or(f);
  });
  return flags.load();
}

// out[0] = in[0]; fails naming what it found: "Tensor had Inf and NaN values" (as TF's kernel).
void k_check_numerics(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "CheckNumerics";
  check_count(op, nin, 1, nout, 1);
  if (in[0].dtype != DType::kFloat32 && in[0].dtype != DType::kFloat64)
    fail(op, "input must be a float tensor, got ", dtype_name(in[0].dtype));
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  const int f = in[0].dtype == DType::kFloat32 ? non_finite_flags<float>(in[0])
                                               : non_finite_flags<double>(in[0]);
  if (f == 3) fail(op, "Tensor had Inf and NaN values");
  if (f == 2) fail(op, "Tensor had NaN values");
  if (f == 1) fail(op, "Tensor had Inf values");
  const int64_t bytes = in[0].size() * dtype_size(in[0].dtype);
  if (bytes && out[0].data != in[0].data) std::memcpy(out[0].data, in[0].data, size_t(bytes));
}

}  // namespace

void register_logging(Registry& r) {
  r["assert"] = k_assert;
  r["check_numerics"] = k_check_numerics;
}

}  // namespace tfl
