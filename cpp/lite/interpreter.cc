// lite/interpreter.cc: the C++ runtime's entry points (interpreter.h).
#include "lite/interpreter.h"

#include "lite/lower.h"
#include "lite/model.h"

namespace tfl::lite {

namespace {

// Runs f, turning the kernels' exceptions into Errors with TF's class.
template <typename F>
auto as_lite_errors(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ResourceError& e) {
    throw Error(Code::kResourceExhausted, e.what());
  } catch (const KernelError& e) {
    throw Error(Code::kInvalidArgument, e.what());
  } catch (const std::bad_alloc&) {
    throw Error(Code::kResourceExhausted, "out of memory");
  }
}

}  // namespace

Interpreter::Interpreter(std::unique_ptr<Model> model) : model_(std::move(model)) {
  lowered_ = as_lite_errors([&] { return lower(*model_); });
}

Interpreter::~Interpreter() = default;

std::unique_ptr<Interpreter> Interpreter::from_file(const std::string& path) {
  auto m = read_model_file(path);
  try {
    return std::unique_ptr<Interpreter>(new Interpreter(std::move(m)));
  } catch (const Error& e) {
    throw Error(e.code, "'" + path + "': " + e.what());
  }
}

std::unique_ptr<Interpreter> Interpreter::from_buffer(std::vector<uint8_t> bytes) {
  return std::unique_ptr<Interpreter>(new Interpreter(read_model(std::move(bytes))));
}

int Interpreter::num_inputs() const { return int(lowered_->inputs.size()); }
int Interpreter::num_outputs() const { return int(lowered_->outputs.size()); }
int Interpreter::num_operators() const { return lowered_->plan.num_steps(); }

static void check_index(const char* what, int i, size_t n) {
  if (i < 0 || size_t(i) >= n)
    throw Error(Code::kInvalidArgument, std::string(what) + " " + std::to_string(i) +
                                            " out of range: the model has " + std::to_string(n));
}

const TensorView& Interpreter::input(int i) const {
  check_index("input", i, lowered_->inputs.size());
  return lowered_->inputs[size_t(i)];
}
const TensorView& Interpreter::output(int i) const {
  check_index("output", i, lowered_->outputs.size());
  return lowered_->outputs[size_t(i)];
}
const std::string& Interpreter::input_name(int i) const {
  check_index("input", i, lowered_->inputs.size());
  return lowered_->input_names[size_t(i)];
}
const std::string& Interpreter::output_name(int i) const {
  check_index("output", i, lowered_->outputs.size());
  return lowered_->output_names[size_t(i)];
}

void Interpreter::invoke() {
  as_lite_errors([&] { lowered_->plan.run(); });
}

std::vector<Interpreter::StepTime> Interpreter::profile(int iters) {
  if (iters < 1)
    throw Error(Code::kInvalidArgument, "iterations must be >= 1, got " + std::to_string(iters));
  std::vector<double> secs(size_t(lowered_->plan.num_steps()), 0.0);
  as_lite_errors([&] { lowered_->plan.profile(iters, secs); });
  std::vector<StepTime> r;
  for (int i = 0; i < lowered_->plan.num_steps(); ++i) {
    const Step& s = lowered_->plan.step(i);
    r.push_back({s.kernel, s.node, secs[size_t(i)] / iters});
  }
  return r;
}

void Interpreter::set_num_threads(int n) {
  if (n < 1) throw Error(Code::kInvalidArgument, "threads must be >= 1, got " + std::to_string(n));
  tfl::set_num_threads(n);
}

}  // namespace tfl::lite
