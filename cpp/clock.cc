// clock.cc: timestamp (-> float64 seconds since the Unix epoch, as TF's Timestamp op).
#include <chrono>

#include "kernels.h"

namespace tfl {

namespace {

void k_timestamp(const TensorView*, int nin, TensorView* out, int nout, const Attrs&) {
  check_count("Timestamp", size_t(nin), 0, size_t(nout), 1);
  check_dtype("Timestamp", out[0], DType::kFloat64, "output");
  if (out[0].size() != 1) fail("Timestamp", "the output must be a scalar");
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  *out[0].ptr<double>() = std::chrono::duration<double>(now).count();
}

}  // namespace

void register_clock(Registry& r) { r["timestamp"] = k_timestamp; }

}  // namespace tfl
