// plan.h: an execution plan compiled once by Python: a table of buffer slots and a list of steps
// (kernel, input slots, output slots, attributes). run() walks the steps; it allocates nothing.
// The plan holds no Python objects: the bindings own the buffers and point the slots at them.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kernels.h"

namespace tfl {

class Plan;

// A step that runs other plans (control.h: the branches of If, the cond and body of While).
class ControlStep {
 public:
  virtual ~ControlStep() = default;
  virtual void run(Plan& outer, const std::vector<int>& in, const std::vector<int>& out) = 0;
};

struct Step {
  KernelFn fn = nullptr;
  std::shared_ptr<ControlStep> control;  // set instead of fn for control steps
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
  // A slot whose buffer and leading dimension a control step sets when it runs (a While's
  // accumulated stack); `v` gives its dtype and rank (its data is null until then).
  int add_dynamic_slot(const TensorView& v);
  bool is_dynamic(int slot) const;
  // Points a slot at new data and a new shape (a control step's dynamic outputs).
  void set_slot_view(int slot, const TensorView& v) { slots_.at(size_t(slot)) = v; }
  int num_slots() const { return int(slots_.size()); }

  // Adds a step; checks the kernel name and slot indices.
  void add_step(const std::string& kernel, const std::string& node, const std::vector<int>& in,
                const std::vector<int>& out, const Attrs& attrs);
  // Adds a control step (kernel name `kind`, e.g. "If" or "While", for listings and errors).
  void add_control_step(const std::string& kind, const std::string& node,
                        const std::vector<int>& in, const std::vector<int>& out,
                        std::shared_ptr<ControlStep> control);
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
  void check_slots(const std::string& node, const std::vector<int>& in,
                   const std::vector<int>& out) const;
  std::vector<TensorView> slots_;
  std::vector<char> dynamic_;  // per slot: set by a control step at run time
  std::vector<Step> steps_;
};

}  // namespace tfl
