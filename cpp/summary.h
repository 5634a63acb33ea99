// summary.h: the number crunching of TF's histogram summaries (HistogramSummary, the v2 writer's
// histograms): TF's default buckets (core/lib/histogram/histogram.cc), min, max, num, sum,
// sum_squares, runs of empty buckets collapsed, encoded straight into protobuf wire format.
// The bytes equal what the protobuf library writes for the same message (proto3: a double field is
// left out when its bits are all zero, so -0.0 is written).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tensor.h"

namespace tfl {

// TF's default bucket limits: -DBL_MAX, ..., -1e-12, 0, 1e-12, ..., (x1.1 each) ..., DBL_MAX.
const std::vector<double>& histogram_bucket_limits();

// The bucket (index into histogram_bucket_limits()) that counts `v`: the number of limits <= v,
// at most the last index (as TF's std::upper_bound over the limits); O(1) through a table.
int64_t histogram_bucket(double v);

// Why histogram_proto gave no bytes: the first value that is not finite (TF's order).
enum class HistogramStatus { kOk, kNan, kInfinity };

// The serialized HistogramProto of data[0, n) of `dtype` (a real number type: float32, float64,
// the signed and unsigned integers), every value taken as a double in order; sums run
// sequentially in double (no fused multiply-adds). A NaN or infinity: *out is left alone and the
// status says which came first.
HistogramStatus histogram_proto(const void* data, DType dtype, int64_t n, std::string* out);

// Summary { value { tag: `tag`, histo: `histo` } }, serialized (`histo` a serialized
// HistogramProto).
std::string histogram_summary(std::string_view tag, std::string_view histo);

}  // namespace tfl
