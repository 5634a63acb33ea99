// plan.h: an execution plan compiled once by Python: a table of buffer slots and a list of steps
// (kernel, input slots, output slots, attributes). run() walks the steps; it allocates nothing.
// The plan holds no Python objects: the bindings own the buffers and point the slots at them.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "kernels.h"

namespace tfl {

// A step that calls back into its owner (the bindings: Python, with the GIL taken) while the plan
// runs, e.g. to print a tensor; it may throw any exception, which run() passes on unchanged.
using Callback = std::function<void(const TensorView* in, int nin, TensorView* out, int nout)>;

struct Step {
  KernelFn fn = nullptr;
  Callback callback;   // set instead of fn for a callback step
  std::string kernel;  // the kernel's registry name
  std::string node;    // the graph node's name, for error messages
  std::vector<int> in, out;
  Attrs attrs;
  std::vector<TensorView> in_views, out_views;  // scratch, refreshed from the slots each run
};

class Plan {
 public:
  int add_slot(const TensorView& v);
  void set_slot_data(int slot, void* data);
  const TensorView& slot(int i) const { return slots_.at(size_t(i)); }
  int num_slots() const { return int(slots_.size()); }

  // Adds a step; checks the kernel name and slot indices.
  void add_step(const std::string& kernel, const std::string& node, const std::vector<int>& in,
                const std::vector<int>& out, const Attrs& attrs);
  // Adds a step that calls `cb` (kernel name "callback"); checks the slot indices.
  void add_callback_step(const std::string& node, const std::vector<int>& in,
                         const std::vector<int>& out, Callback cb);
  int num_steps() const { return int(steps_.size()); }

  // Runs every step in order. A KernelError or ResourceError is rethrown with the node's name
  // appended; std::bad_alloc and std::length_error (a work buffer refused) become ResourceError.
  void run();
  // Runs every step once, as run(), writing each step's start and end (nanoseconds since the
  // run began, steady clock) to start_ns[step], end_ns[step] (RunOptions.FULL_TRACE).
  void run_traced(std::vector<int64_t>& start_ns, std::vector<int64_t>& end_ns);
  // Runs `iters` times, adding each step's wall time (seconds) to seconds[step].
  void profile(int iters, std::vector<double>& seconds);
  const Step& step(int i) const { return steps_.at(size_t(i)); }

 private:
  void run_step(Step& s);
  std::vector<TensorView> slots_;
  std::vector<Step> steps_;
};

}  // namespace tfl
