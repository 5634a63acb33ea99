// lite/lower.h: a model's first subgraph lowered to a plan of tflite_core's kernels (lower.cc).
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "lite/model.h"
#include "plan.h"

namespace tfl::lite {

struct FreeAligned {
  void operator()(void* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<void, FreeAligned>;

struct Lowered {
  Plan plan;
  std::vector<AlignedBuffer> storage;  // every buffer the slots point at
  std::vector<TensorView> inputs, outputs;
  std::vector<std::string> input_names, output_names;
};

// Lowers m's first subgraph: Error(kNotFound) for a builtin with no lowering here,
// Error(kUnimplemented) for quantized or string tensors, Error(kInvalidArgument) for options,
// shapes or buffers that disagree, Error(kResourceExhausted) for buffers over the memory limit.
std::unique_ptr<Lowered> lower(const Model& m);

}  // namespace tfl::lite
