// lite/interpreter.h: the C++ runtime for .tflite models, without Python: load a model, write
// its inputs, invoke, read its outputs. The model's first subgraph is lowered once, at load, to
// a plan (plan.h) of tflite_core's kernels: float32 models of the builtins in lower.cc, at the
// tensor shapes the file gives. Every failure is a tfl::lite::Error (error.h) with TF's class.
//
//   auto it = tfl::lite::Interpreter::from_file("model.tflite");
//   std::memcpy(it->input(0).data, pixels, bytes);
//   it->invoke();
//   const float* probs = it->output(0).ptr<float>();
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lite/error.h"
#include "tensor.h"

namespace tfl::lite {

class Model;
struct Lowered;

class Interpreter {
 public:
  static std::unique_ptr<Interpreter> from_file(const std::string& path);
  static std::unique_ptr<Interpreter> from_buffer(std::vector<uint8_t> bytes);
  ~Interpreter();

  int num_inputs() const;
  int num_outputs() const;
  // A view of input i's buffer (write the input's values into its data) or output i's.
  const TensorView& input(int i) const;
  const TensorView& output(int i) const;
  const std::string& input_name(int i) const;
  const std::string& output_name(int i) const;
  int num_operators() const;

  // Runs the model once; Error(kInvalidArgument) naming the operator when a kernel refuses.
  void invoke();

  // Runs the model `iters` times and returns each kernel step's mean time.
  struct StepTime {
    std::string kernel, op;  // the kernel's name, the operator it is part of
    double seconds;
  };
  std::vector<StepTime> profile(int iters);

  // The threads of every kernel (OpenMP, oneDNN): n >= 1.
  static void set_num_threads(int n);

 private:
  Interpreter(std::unique_ptr<Model> model);
  std::unique_ptr<Model> model_;
  std::unique_ptr<Lowered> lowered_;
};

}  // namespace tfl::lite
